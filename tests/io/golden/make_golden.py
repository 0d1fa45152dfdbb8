"""Write the golden input files that are awkward to type by hand (binary or non-UTF-8).

Run from anywhere: ``python tests/io/golden/make_golden.py``. The hand-typed CSV files beside this
script are committed as they are; the expected results live in the tests.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).parent

# a 1×1 PNG: what a clerk uploads when they pick the wrong file
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def gbk_csv() -> None:
    text = (
        "统一社会信用代码,企业名称,乡镇街道,实缴税收(万元)\r\n"
        "91331124MA2A00050W,松阳县茶叶机械厂,象溪镇,88\r\n"
    )
    (HERE / "gbk.csv").write_bytes(text.encode("gbk"))


def title_row_xlsx() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "数据"
    ws["A1"] = "松阳县2023年度亩均效益评价数据"
    ws.merge_cells("A1:H1")
    ws.append([])  # row 2 stays empty
    ws.append(["统一社会信用代码", "企业名称", "是否规上", "投产日期", "实缴税收(万元)",
               "自有用地面积(平方米)", "行业代码", "高新技术企业"])
    ws.append(["91331124MA2A00010Q", "甲", True, dt.date(2015, 3, 5), 123, 6666.5, "06", 1])
    ws.append([])  # row 5 empty
    ws.append(["91331124MA2A00020R", "乙", "否", dt.datetime(2019, 12, 31), 1234.5678, 20000,
               33, 0])
    ws.append(["91331124MA2A00030T", "丙", "是", "2020/1/2", "abc", None, None, None])
    ws["D4"].number_format = "yyyy-mm-dd"
    ws["D6"].number_format = "yyyy/m/d"
    second = wb.create_sheet("说明")
    second["A1"] = "第二张表不读 (only the first sheet is read)"
    wb.save(HERE / "title_row.xlsx")


def typed_parquet() -> None:
    table = pa.table({
        "uscc": pa.array(["91331124MA2A00010Q", " 91331124ma2a00020r "]),
        "tax_paid": pa.array([123.0, None], pa.float64()),
        "production_start": pa.array([dt.date(2015, 3, 5), None], pa.date32()),
        "above_scale": pa.array([True, None]),
        "land_owned_m2": pa.array([6000, 250], pa.int64()),
        "revenue": pa.array([0.1, 2.5e9], pa.float64()),
    })
    pq.write_table(table, HERE / "typed.parquet")


def uncomputed_formula_xlsx() -> None:
    """Formulas as a script writes them: no saved result (openpyxl never computes one)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "税务"
    ws["B1"] = "松阳县2023年度实缴税收"
    ws.append([None, "统一社会信用代码", "企业名称", "实缴税收(万元)"])
    ws.append([None, "91331124MA2A00010Q", "甲", "=1+2"])
    ws.append([None, "91331124MA2A00020R", "乙", 88])
    ws.append([None, "91331124MA2A00030T", "丙", "=SUM(D3:D4)"])
    wb.save(HERE / "uncomputed_formula.xlsx")


def main() -> None:
    gbk_csv()
    title_row_xlsx()
    uncomputed_formula_xlsx()
    typed_parquet()
    (HERE / "not_a_table.csv").write_bytes(PNG)
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "fake.xlsx").write_text("uscc,name\n", encoding="utf-8")
    (HERE / "english_keys_bom.csv").write_bytes(
        b"\xef\xbb\xbf"
        + "USCC, Name ,Tax_Paid,production_start,above_scale,land_owned_m2\r\n"
          "91331124MA2A00040U,甲,12,2021.3.5,y,\"1,000\"\r\n".encode()
    )


if __name__ == "__main__":
    main()
