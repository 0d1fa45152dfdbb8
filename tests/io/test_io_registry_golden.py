"""Golden-file tests of the registry (企业库) and county-series readers."""

from __future__ import annotations

import datetime as dt
from datetime import date
from pathlib import Path

import openpyxl
from io_helpers import UNKNOWN_COLUMN, A, B, as_tuples, golden

from mujun.io.county_figures import YearFigure, read_industrial_investment
from mujun.io.registry import RegistryRecord, read_registry

DUPLICATE = "与前面的行重复 (given twice; the first is kept)"


def test_registry_codes_scales_stages_and_rejected_rows() -> None:
    result = read_registry(golden("registry_bad.csv"))
    stages = ("应为 planning、building、producing、above_scale、moved_out、deregistered、"
              "筹建、在建、投产、规上、迁出、注销 之一 (not one of the known values)")
    assert as_tuples(result.problems) == [
        ("error", 4, "uscc", A, DUPLICATE),
        ("error", 5, "name", None, "不能为空 (a value is required)"),
        ("error", 6, "scale", "big",
         "应为 above、below、规上、规下 之一 (not one of the known values)"),
        ("error", 6, "stage", "closing", stages),
        ("error", 7, "established", "昨天",
         "不是日期，应如 2021-03-05、2021/3/5、2021.3.5 或 20210305 (not a date)"),
        ("error", 7, "left_year", "二〇二三", "不是数字 (not a number)"),
        ("error", 8, "uscc", "9133112X", "统一社会信用代码应为18位，实为8位 (invalid credit code)"),
    ]
    assert result.records == [
        RegistryRecord(2, A, "甲公司", "西屏街道", "松阳工业园区", "C13", True, "producing",
                       date(2010, 5, 1), None, ("高新", "专精特新")),
        # Chinese labels for scale and stage, a full-width ； between tags
        RegistryRecord(3, B, "乙公司", None, None, "C14", False, "producing", date(2015, 6, 1),
                       None, ("未来工厂", "上市")),
    ]
    assert result.rows_read == 7


def test_county_series_one_figure_per_year() -> None:
    result = read_industrial_investment(golden("county_series.csv"))
    assert as_tuples(result.problems) == [
        ("error", 4, "year", "2021", DUPLICATE),
        ("error", 5, "industrial_investment_wan", "n/a", "不是数字 (not a number)"),
    ]
    assert result.records == [YearFigure(2, 2020, 272458.4), YearFigure(3, 2021, None)]


def test_registry_workbook_with_chinese_headers_below_a_title(tmp_path: Path) -> None:
    path = tmp_path / "企业库.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["松阳县企业库（2025年）"])
    sheet.append(["统一社会信用代码", "企业名称", "规模", "阶段", "成立日期", "备注"])
    sheet.append([A, "甲公司", "规上", "在建", dt.datetime(2012, 4, 1), "x"])
    book.save(path)
    result = read_registry(path)
    assert as_tuples(result.problems) == [("warning", 2, "备注", None, UNKNOWN_COLUMN)]
    assert result.records == [RegistryRecord(3, A, "甲公司", None, None, None, True, "building",
                                             date(2012, 4, 1), None, ())]
