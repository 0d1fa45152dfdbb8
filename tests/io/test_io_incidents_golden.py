"""Golden-file test of the incidents reader."""

from __future__ import annotations

import pytest
from io_helpers import UNKNOWN_COLUMN, A, C, as_tuples, golden

from mujun.io import INCIDENT_SCHEMA, InputError, read_incidents


def test_incidents_codes_labels_years_from_dates_and_rejected_rows() -> None:
    result = read_incidents(golden("incidents.csv"))
    types = ("未知的事件类型，应为 safety_major/较大及以上安全事故、safety_general/一般安全事故、"
             "env_major/重大环境污染事件、env_penalty/环境行政处罚、tax_serious/重大税收违法、"
             "land_illegal/违法用地 (unknown incident type)")
    assert as_tuples(result.problems) == [
        ("error", 4, "年度", None, "没有年度，日期也无法识别 (no year and no readable date)"),
        ("error", 5, "年度", "二三年", "年度无法识别 (year not readable)"),
        ("error", 6, "类型", "爆炸", types),
        ("error", 7, "统一社会信用代码", "91331124MA2A00011Q",
         "统一社会信用代码校验位错误（应为 U） (invalid credit code)"),
        ("warning", 8, "日期", "不是日期",
         "日期无法识别，已按年度计 (date not readable; the year is used)"),
    ]
    assert result.table.schema == INCIDENT_SCHEMA
    assert result.table.to_pylist() == [
        {"uscc": A, "year": 2023, "type": "safety_major"},
        {"uscc": A, "year": 2023, "type": "safety_general"},
        {"uscc": C, "year": 2022, "type": "land_illegal"},
    ]
    assert result.lines == [2, 3, 8]
    assert result.rows_read == 7
    assert not result.ok


def test_incidents_without_a_type_column_are_unusable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "i.csv"
    path.write_text(f"uscc,year,remark\n{A},2023,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="类型"):
        read_incidents(path)


def test_incidents_without_year_or_date_are_unusable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "i.csv"
    path.write_text(f"uscc,type\n{A},env_major\n", encoding="utf-8")
    with pytest.raises(InputError, match="年度 或 日期"):
        read_incidents(path)


def test_incidents_unknown_column_is_a_warning(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "i.csv"
    path.write_text(f"uscc,year,type,处理结果\n{A},2023,env_major,罚款\n", encoding="utf-8")
    result = read_incidents(path)
    assert as_tuples(result.problems) == [("warning", 1, "处理结果", None, UNKNOWN_COLUMN)]
    assert result.ok
