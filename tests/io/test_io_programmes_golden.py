"""Golden-file tests of the programme readers (``read_talent``, ``read_payments``, ``read_ipo``)."""

from __future__ import annotations

from datetime import date

from io_helpers import UNKNOWN_COLUMN, A, B, C, as_tuples, golden

from mujun.io.programmes import (
    BAD_YEAR,
    IpoRow,
    PaymentRecord,
    TalentRecord,
    read_ipo,
    read_payments,
    read_talent,
)

TALENT_CHOICES = ("应为 industrial_engineer、tea_master、skilled_craftsman、resident_artist、"
                  "returning_doctor、teacher_doctor、excellent_talent、产业工程师、金牌茶师、"
                  "高技能工匠、艺术家入驻乡村、博士反哺家乡、高学历教师医师、其他优秀人才 之一 "
                  "(not one of the known values)")


def test_talent_codes_labels_and_rejected_rows() -> None:
    result = read_talent(golden("programmes_talent_bad.csv"))
    assert as_tuples(result.problems) == [
        ("error", 4, "person_id", "RC0001", "与前面的行重复 (given twice; the first is kept)"),
        ("error", 5, "category", "astronaut", TALENT_CHOICES),
        ("error", 6, "pseudonym", None, "不能为空 (a value is required)"),
        ("error", 6, "year", "20x2", "不是数字 (not a number)"),
        ("error", 6, "uscc", "9133112X", "统一社会信用代码应为18位，实为8位 (invalid credit code)"),
        ("error", 7, "year", "1890", BAD_YEAR),
    ]
    assert result.records == [
        TalentRecord(2, "RC0001", "人才0001", "tea_master", 2021, A, "古市镇"),
        # a Chinese label for the code; empty cells are "not given"
        TalentRecord(3, "RC0002", "人才0002", "skilled_craftsman", 2022, None, "西屏街道"),
    ]
    assert result.rows_read == 6


def test_payments_with_chinese_headers_a_repeat_and_bad_cells() -> None:
    result = read_payments(golden("programmes_payments_zh.csv"))
    assert as_tuples(result.problems) == [
        ("warning", 1, "经办人", None, UNKNOWN_COLUMN),
        ("error", 4, "奖补项目", "per_mu_award",
         "同一企业同一年度同一奖补项目与第 2 行重复 (given twice)"),
        ("error", 5, "金额（万元）", "0", "应大于 0 (must be greater than 0)"),
        ("error", 6, "奖补项目", "lottery",
         "应为 per_mu_award、tech_upgrade、specialized、listing、talent、other、亩均效益奖励、"
         "技改补助、专精特新奖励、上市奖励、人才奖补、其他奖补 之一 (not one of the known values)"),
        ("error", 6, "兑现日期", "2022-02-30",
         "不是日期，应如 2021-03-05、2021/3/5、2021.3.5 或 20210305 (not a date)"),
    ]
    assert result.records == [
        PaymentRecord(2, A, 2021, "per_mu_award", 50.0, date(2022, 4, 1), "第一名"),
        PaymentRecord(3, B, 2021, "tech_upgrade", 12.5, None, None),
    ]


def test_the_registry_file_is_a_pipeline_file() -> None:
    result = read_ipo(golden("programmes_ipo_registry.csv"))
    assert [p for p in as_tuples(result.problems) if p[0] == "error"] == [
        ("error", 5, "ipo_stage", "ipo",
         "应为 reform、tutoring、filed、listed、股改、辅导、申报、上市 之一 "
         "(not one of the known values)"),
    ]
    assert {p[2] for p in as_tuples(result.problems) if p[0] == "warning"} == {"name", "town"}
    none = dict.fromkeys(("reform", "tutoring", "filed", "listed"))
    assert result.records == [  # the row without a stage is not in the pipeline
        IpoRow(2, A, "tutoring", {**none, "tutoring": date(2024, 5, 6)}, None),
        IpoRow(4, C, "listed", none, None),
    ]
