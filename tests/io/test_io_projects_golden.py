"""Golden-file tests of the investment-project reader (``read_projects``)."""

from __future__ import annotations

import datetime as dt
from datetime import date
from pathlib import Path

import openpyxl
from io_helpers import UNKNOWN_COLUMN, A, as_tuples, golden

from mujun.io.projects import ProjectRecord, read_projects

STAGES = ("应为 negotiating、signed、land_supplied、under_construction、completed、producing、"
          "attained、洽谈、签约、供地、开工、竣工、投产、达产 之一 (not one of the known values)")


def test_stage_codes_dates_and_rejected_rows() -> None:
    result = read_projects(golden("projects_bad.csv"))
    assert as_tuples(result.problems) == [
        ("error", 4, "project_id", "XM0001", "与前面的行重复 (given twice; the first is kept)"),
        ("error", 5, "land_supplied_on", "2023-05-01",
         "项目尚未到达供地阶段，不应有此日期 (a date for a stage not reached)"),
        ("error", 6, "land_supplied_on", "2023-03-01",
         "早于签约日期 2023-06-01 (earlier than the previous stage's date)"),
        ("error", 7, "stage", "building", STAGES),
        ("error", 7, "planned_investment_wan", "-5", "不能为负数 (must not be negative)"),
        ("error", 7, "actual_investment_wan", "abc", "不是数字 (not a number)"),
        ("error", 7, "uscc", "9133112X", "统一社会信用代码应为18位，实为8位 (invalid credit code)"),
        ("error", 7, "signed", "2023-13-01",
         "不是日期，应如 2021-03-05、2021/3/5、2021.3.5 或 20210305 (not a date)"),
        ("error", 8, "name", None, "不能为空 (a value is required)"),
    ]
    assert result.records == [
        ProjectRecord(2, "XM0001", "甲项目", "under_construction", 5000.0, 1800.5, "县长",
                      "331124-CS-001", A, "31",
                      {"negotiating": date(2021, 11, 2), "signed": date(2022, 3, 1),
                       "land_supplied": date(2022, 6, 30),
                       "under_construction": date(2022, 9, 15)}),
        # a Chinese stage name; empty cells are "not given"
        ProjectRecord(3, "XM0002", "乙项目", "negotiating", 8000.0, None, "副县长（分管招商）",
                      None, None, "33", {"negotiating": date(2025, 5, 1)}),
    ]
    assert result.records[0].signed == date(2022, 3, 1)
    assert result.rows_read == 7


def test_chinese_headers_and_an_unknown_column() -> None:
    result = read_projects(golden("projects_chinese.csv"))
    assert as_tuples(result.problems) == [("warning", 1, "备注", None, UNKNOWN_COLUMN)]
    assert result.records == [ProjectRecord(
        2, "XM0100", "庚项目", "under_construction", 12000.0, 3000.0, "县委书记", "331124-CS-100",
        A, "31", {"signed": date(2021, 4, 5), "under_construction": date(2022, 1, 10)})]


def test_workbook_with_a_title_row(tmp_path: Path) -> None:
    path = tmp_path / "项目.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["松阳县重大项目（2025年）"])
    sheet.append(["项目编号", "项目名称", "阶段", "签约日期", "实际投资（万元）"])
    sheet.append(["XM0200", "辛项目", "签约", dt.datetime(2024, 2, 1), 0])
    book.save(path)
    result = read_projects(path)
    assert result.problems == []
    assert [(r.line, r.project_id, r.stage, r.stage_dates, r.actual_investment_wan)
            for r in result.records] == [(3, "XM0200", "signed", {"signed": date(2024, 2, 1)}, 0.0)]
