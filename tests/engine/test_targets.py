"""targets.md worked by hand on a small county: each expected figure is written with its arithmetic.

Policy: the template's defaults (base 2020, target 2025, programme from 2021, pillars 31 and 33).
Two years have a run, 2020 and 2022 (2021 has none: its values are missing, not zero).
"""

from __future__ import annotations

import pytest

from mujun.engine.policy import load_shipped_policy
from mujun.engine.targets import (
    AwardRow,
    EnterpriseRow,
    EvaluatedRow,
    ProgrammeInputs,
    TargetFigure,
    YearTable,
    doubling_target,
    doubling_values,
    leaders,
    needed_growth,
    programme_targets,
)

POLICY = load_shipped_policy("zhejiang-template").policy.targets

T2020 = YearTable(
    year=2020,
    enterprises=(
        EnterpriseRow("A", True, revenue=1000, rd_expense=20, value_added=300, tax_paid=50,
                      industry_code="3110"),
        EnterpriseRow("B", True, revenue=600, rd_expense=10, value_added=100, tax_paid=30,
                      industry_code="3410"),
        EnterpriseRow("C", False, revenue=200, value_added=40, tax_paid=8, industry_code="3320"),
    ),
    evaluated=(EvaluatedRow("A", 10), EvaluatedRow("B", 5), EvaluatedRow("C", 3)),
    industrial_investment=5000, land_tax_reduction_wan=40,
)
T2022 = YearTable(
    year=2022,
    enterprises=(
        EnterpriseRow("A", True, revenue=1440, rd_expense=25, value_added=500, tax_paid=60,
                      industry_code="3110"),
        EnterpriseRow("B", True, revenue=864, value_added=100, industry_code="3410"),
        EnterpriseRow("C", False, revenue=250, value_added=45, tax_paid=9, industry_code="3320"),
    ),
    # C is exempt this year; B's land is missing (counts 0)
    evaluated=(EvaluatedRow("A", 10), EvaluatedRow("B", None)),
    industrial_investment=None, land_tax_reduction_wan=25,
)
TABLES = {2020: T2020, 2022: T2022}


def doubling(key: str, year: int = 2022) -> TargetFigure:
    values = {y: doubling_values(t)[key] for y, t in TABLES.items()}
    return doubling_target(key, values, year=year, policy=POLICY)


def test_the_year_values_of_five_doublings() -> None:
    assert doubling_values(T2020) == {
        "above_scale_output": 1000 + 600,
        "rd_expense": 20 + 10,
        "va_per_mu": (300 + 100 + 40) / (10 + 5 + 3),
        "tax_per_mu": (50 + 30 + 8) / (10 + 5 + 3),
        "industrial_investment": 5000,
    }
    assert doubling_values(T2022) == {
        "above_scale_output": 1440 + 864,
        "rd_expense": 25 + 0,  # B's missing R&D counts 0
        "va_per_mu": (500 + 100) / (10 + 0),  # C exempt: neither its value added nor its land
        "tax_per_mu": (60 + 0) / 10,
        "industrial_investment": None,
    }


def test_above_scale_output_grows_20_percent_a_year() -> None:
    t = doubling("above_scale_output")
    assert (t.base, t.value, t.goal) == (1600, 2304, 3200)
    assert t.progress == 2304 / 3200 == 0.72
    # (2304 / 1600)^(1/2) − 1 = 1.44^0.5 − 1 = 0.2; 2304 × 1.2^3 = 3981.312 ≥ 3200
    assert t.actual_growth == pytest.approx(0.2, abs=1e-12)
    assert t.projection == pytest.approx(3981.312, abs=1e-9)
    assert t.on_track is True
    assert t.needed_growth == pytest.approx(2 ** 0.2 - 1) == pytest.approx(0.148698355)
    assert t.series == ((2020, 1600), (2021, None), (2022, 2304))


def test_a_falling_value_projects_below_its_goal() -> None:
    t = doubling("rd_expense")
    growth = (25 / 30) ** 0.5 - 1  # −8.71 % a year
    assert (t.base, t.value, t.goal) == (30, 25, 60)
    assert t.actual_growth == pytest.approx(growth)
    assert t.projection == pytest.approx(25 * (1 + growth) ** 3)
    assert t.on_track is False


def test_a_missing_county_figure_has_no_progress() -> None:
    t = doubling("industrial_investment")
    assert (t.base, t.goal, t.value, t.progress, t.projection, t.on_track) == (
        5000, 10000, None, None, None, None)


def test_the_base_year_itself_has_no_growth() -> None:
    t = doubling("tax_per_mu", year=2020)
    assert t.value == t.base == 88 / 18 and t.progress == 0.5
    assert t.actual_growth is None and t.projection is None
    assert t.series == ((2020, 88 / 18),)


def test_the_needed_growth_follows_the_policy_years() -> None:
    ten_years = POLICY.model_copy(update={"target_year": 2030})
    assert needed_growth(ten_years) == pytest.approx(2 ** 0.1 - 1)


INPUTS = ProgrammeInputs(
    tables=TABLES,
    satisfaction={2021: 8.5, 2022: None},
    # the projects' own rule gives the investment landed by each year's end (a stock)
    investment={2021: 1700, 2022: 1200},
    # recruited per year and category; 2020 is before the programme
    talent={2020: {"tea_master": 1}, 2021: {"tea_master": 1},
            2022: {"industrial_engineer": 1, "excellent_talent": 1}},
    cases={2021: 12.5},
    parcels={2020: 30, 2022: 20},
    payments={2020: 100, 2021: 10, 2022: 5.5},
)


def programme(inputs: ProgrammeInputs = INPUTS, year: int = 2022) -> dict[str, TargetFigure]:
    return {t.key: t for t in programme_targets(inputs, year=year, policy=POLICY)}


def test_the_six_targets_by_hand() -> None:
    t = programme()
    assert list(t) == ["pillar_revenue_wan", "satisfaction", "investment_wan", "talent",
                       "land_mu", "benefit_wan"]
    # 个: revenue of classes 31 and 33 — A (3110) and C (3320), not B (3410)
    assert t["pillar_revenue_wan"].series == ((2020, 1000 + 200), (2021, None),
                                              (2022, 1440 + 250))
    assert t["pillar_revenue_wan"].progress == 1690 / 1_000_000
    # 十: no request closed in 2022 was rated
    assert t["satisfaction"].series == ((2020, None), (2021, 8.5), (2022, None))
    assert t["satisfaction"].value is None and t["satisfaction"].goal == 10
    # 百: as the projects give it for 2021 and 2022 (a project stepped back); 0 before 2021
    assert t["investment_wan"].series == ((2020, 0), (2021, 1700), (2022, 1200))
    # 千: from 2021 on — 1 in 2021, 1 + 2 by 2022; the 2020 tea master does not count
    assert t["talent"].series == ((2020, 0), (2021, 1), (2022, 3))
    assert [(c.key, c.value, c.goal) for c in t["talent"].categories] == [
        ("industrial_engineer", 1, 100), ("tea_master", 1, 100), ("skilled_craftsman", 0, 100),
        ("resident_artist", 0, 100), ("returning_doctor", 0, 100), ("teacher_doctor", 0, 100)]
    # 万: the 2021 case 12.5 亩, then the 2022 parcel 20 亩 (the 2020 parcel does not count)
    assert t["land_mu"].series == ((2020, 0), (2021, 12.5), (2022, 32.5))
    # 亿: 2021 = payments 10 (no 2021 run); 2022 = 10 + reductions 25 + payments 5.5
    assert t["benefit_wan"].series == ((2020, 0), (2021, 10), (2022, 40.5))
    assert t["benefit_wan"].progress == 40.5 / 10_000


def test_cumulative_targets_show_their_pace() -> None:
    t = programme()
    # two of the five programme years (2021–2025) gone: 3 people × 5 / 2 = 7.5
    assert t["talent"].projection == 7.5 and t["talent"].on_track is False
    assert t["land_mu"].projection == 32.5 * 5 / 2
    assert t["pillar_revenue_wan"].projection is None  # not cumulative: no pace


def test_an_absent_source_is_no_data_not_zero() -> None:
    t = programme(ProgrammeInputs(tables=TABLES, parcels=INPUTS.parcels))
    assert t["satisfaction"].missing == ("service_requests",)
    assert (t["investment_wan"].value, t["investment_wan"].missing) == (None, ("projects",))
    assert (t["talent"].value, t["talent"].progress) == (None, None)
    assert [c.value for c in t["talent"].categories] == [None] * 6
    # land: the parcels still count, the cases are named as missing
    assert (t["land_mu"].value, t["land_mu"].missing) == (20, ("land_cases",))
    # benefit: the reductions still count (2022: 25), the payments are named as missing
    assert (t["benefit_wan"].value, t["benefit_wan"].missing) == (25, ("incentive_payments",))


def test_leaders_per_group_class_a_not_vetoed_ties_by_credit_code() -> None:
    rows = [
        AwardRow("X1", "一号", "above", "A", 90.0, False),
        AwardRow("X2", "二号", "above", "A", 95.0, False),
        AwardRow("X0", "零号", "above", "A", 95.0, False),
        AwardRow("X4", "四号", "above", "A", 99.0, True),  # vetoed
        AwardRow("X5", "五号", "above", "B", 100.0, False),  # not class A
        AwardRow("Y1", "规下", "below", "B", 80.0, False),
        AwardRow("Z1", "免评", None, None, None, None),
    ]
    found = leaders(rows, 2)
    assert list(found) == ["above", "below"]
    assert [(x.place, x.uscc, x.score) for x in found["above"]] == [(1, "X0", 95.0),
                                                                    (2, "X2", 95.0)]
    assert found["below"] == []
    assert [x.uscc for x in leaders(rows, 10)["above"]] == ["X0", "X2", "X1"]
