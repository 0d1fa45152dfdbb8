"""Write the binary golden input (an .xlsx with a title row); the CSV inputs are typed by hand.

Run from anywhere: ``python tests/engine/golden/make_golden.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent


def title_row_xlsx() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "2024年度"
    ws["A1"] = "松阳县2024年度亩均效益评价数据"
    ws.merge_cells("A1:F1")
    ws.append([])  # row 2 stays empty
    ws.append(["统一社会信用代码", "企业名称", "是否规上", "投产日期", "自有用地面积(平方米)",
               "实缴税收(万元)"])
    ws.append(["91331124MA2A00060X", "己厂", True, dt.date(2012, 6, 1), 4000, 15])
    ws.append([])  # an empty row between data rows
    ws.append(["91331124ma2a00010q", "甲", "否", dt.datetime(2019, 12, 31), 2000, 1.5])
    ws.append(["91331124MA2A00020R", "乙", "是", "2024/1/1", "2,000", 3])
    wb.save(HERE / "title_row.xlsx")


if __name__ == "__main__":
    title_row_xlsx()
