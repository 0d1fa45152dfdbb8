"""Exports: headers carry units, cells keep full precision with number formats, header frozen."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pyarrow as pa
from io_helpers import A, B

from mujun.io import write_results
from mujun.io.error_report import write_error_report
from mujun.io.notice_list import notice_list_xlsx
from mujun.io.number_formats import Kind
from mujun.io.problems import Problem
from mujun.io.xlsx_table import Column, table_xlsx

COLUMNS = [Column("统一社会信用代码", Kind.CODE), Column("企业名称"),
           Column("实缴税收", Kind.MONEY),
           Column("用地面积", Kind.MU), Column("得分", Kind.SCORE), Column("增长", Kind.SHARE),
           Column("组内排名", Kind.INT), Column("亩均税收", Kind.NUMBER, "万元/亩"),
           Column("低效用地"), Column("约定开工", Kind.DATE)]
ROWS = [
    [A, "松阳不锈钢管业", 4439375.9213, 115.000005, 87.12345, -0.2395652069754258, 3, 1 / 3,
     True, dt.date(2021, 3, 5)],
    [B, "=1+1", None, 0.0, None, None, None, None, False, None],
]


def _sheet(data: bytes) -> openpyxl.worksheet.worksheet.Worksheet:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return sheet


def test_headers_carry_units_and_cells_their_number_formats() -> None:
    sheet = _sheet(table_xlsx(COLUMNS, ROWS, "企业"))
    assert sheet.title == "企业"
    assert [c.value for c in sheet[1]] == [
        "统一社会信用代码", "企业名称", "实缴税收（万元）", "用地面积（亩）", "得分", "增长",
        "组内排名", "亩均税收（万元/亩）", "低效用地", "约定开工"]
    row = sheet[2]
    # full precision kept, only the format rounds
    assert [c.value for c in row[:8]] == [A, "松阳不锈钢管业", 4439375.9213, 115.000005, 87.12345,
                                          -0.2395652069754258, 3, 1 / 3]
    assert [c.number_format for c in row[:8]] == [
        "@", "General", "#,##0.00", "#,##0.00", "0.00", "0.00%", "#,##0", "#,##0.00"]
    assert row[8].value == "是" and sheet["I3"].value == "否"
    assert row[9].value == dt.datetime(2021, 3, 5) and row[9].number_format == "yyyy-mm-dd"
    assert sheet["B3"].value == "=1+1" and sheet["B3"].data_type == "s"  # text, not a formula
    assert sheet["C3"].value is None and sheet["C3"].number_format == "#,##0.00"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J3"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width >= 20  # 18 characters of code
    assert sheet.column_dimensions["C"].width >= len("4,439,375.92")


def test_an_empty_table_still_has_its_headers() -> None:
    sheet = _sheet(table_xlsx(COLUMNS[:3], [], "空"))
    assert [c.value for c in sheet[1]] == ["统一社会信用代码", "企业名称", "实缴税收（万元）"]
    assert sheet.max_row == 1


def test_evaluate_results_have_number_formats_by_column(tmp_path: Path) -> None:
    table = pa.table({
        "uscc": pa.array([A]), "name": pa.array(["甲"]), "vetoed": pa.array([False]),
        "score": pa.array([87.1234]), "penalty": pa.array([0.0]),
        "value_tax_per_mu": pa.array([12.3456789]), "score_tax_per_mu": pa.array([30.0]),
        "rank": pa.array([1], pa.int64()),
        "electricity_surcharge_wan": pa.array([-0.2395652069754258]),
        "next_class": pa.array(["A"]),
        "extra_tax_to_next_class_wan": pa.array(["16.17604410831521"]),
    })
    headers = {"electricity_surcharge_wan": "差别化电价加价(万元)",
               "value_tax_per_mu": "亩均税收(万元/亩)"}
    sheet = openpyxl.load_workbook(write_results(table, tmp_path / "r.xlsx",
                                                 headers_zh=headers)).active
    assert sheet is not None
    formats = {sheet.cell(1, c).value: (sheet.cell(2, c).value, sheet.cell(2, c).number_format)
               for c in range(1, sheet.max_column + 1)}
    assert formats == {
        "uscc": (A, "@"), "name": ("甲", "General"), "vetoed": (False, "General"),
        "score": (87.1234, "0.00"), "penalty": (0.0, "0.00"),
        "亩均税收(万元/亩)": (12.3456789, "#,##0.00"), "score_tax_per_mu": (30.0, "0.00"),
        "rank": (1, "#,##0"), "差别化电价加价(万元)": (-0.2395652069754258, "#,##0.00"),
        "next_class": ("A", "General"),
        "extra_tax_to_next_class_wan": (16.17604410831521, "#,##0.00"),
    }


def test_error_report_keeps_values_as_text_and_lines_as_numbers(tmp_path: Path) -> None:
    problems = [Problem("tax.xlsx", 12, "实缴税收", "0012.50", "不是数字 (not a number)", "error"),
                Problem("tax.xlsx", None, None, None, "缺少列", "warning")]
    sheet = openpyxl.load_workbook(write_error_report(tmp_path / "e.xlsx", problems)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == ["文件/工作表", "行", "列", "值", "原因", "级别"]
    assert sheet.freeze_panes == "A3"
    line, value = sheet["B3"], sheet["D3"]
    assert (line.value, line.number_format) == (12, "0")
    assert (value.value, value.number_format) == ("0012.50", "@")  # as the clerk typed it
    assert sheet["B4"].value is None and sheet["F4"].value == "提示"


def test_an_unreachable_upgrade_stays_a_word(tmp_path: Path) -> None:
    table = pa.table({"extra_tax_to_next_class_wan": pa.array(["unreachable", None, "3.0"])})
    sheet = openpyxl.load_workbook(write_results(table, tmp_path / "r.xlsx")).active
    assert sheet is not None
    assert [c.value for c in sheet["A"]] == ["extra_tax_to_next_class_wan", "unreachable", None, 3]
    assert sheet["A4"].number_format == "#,##0.00"


def test_notice_list_scores_and_codes_have_their_formats() -> None:
    rows = [{"uscc": A, "name": "甲", "group": "above", "score": 87.12345, "rank": 1,
             "class": "A", "vetoed": False},
            {"uscc": B, "name": "乙", "group": "above", "score": None, "rank": None,
             "class": "D", "vetoed": True, "veto_reason": "重大安全事故"}]
    book = openpyxl.load_workbook(io.BytesIO(notice_list_xlsx(rows, title="公示名单")))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[3]][:5] == ["序号", "统一社会信用代码", "企业名称", "乡镇街道",
                                                "综合得分"]
    assert (sheet["B4"].value, sheet["B4"].number_format) == (A, "@")
    assert (sheet["E4"].value, sheet["E4"].number_format) == (87.12345, "0.00")
    assert sheet["E5"].value is None and sheet["H5"].value == "一票否决：重大安全事故"
