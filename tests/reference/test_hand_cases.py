"""Tiny cases worked out by hand (in the comments) to check the engine and the references.

Each case runs through the engine (``mujun.engine.evaluate``) and both references,
bench/rowwise.py and bench/pandas_impl.py: a hand-worked value the engine disagrees with fails.
Land is given in m² chosen so that 亩 are round: 1 亩 = 10000/15 m², so 10000 m² = 15 亩 and
20000 m² = 30 亩.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
import pytest
from bench import pandas_impl, rowwise, synthetic
from tests.reference.compare import as_rows

from mujun.engine.evaluate import evaluate
from mujun.engine.policy import load_policy_text

YEAR = 2024
SCHEMA = synthetic.enterprises(1).schema
INCIDENT_SCHEMA = pa.schema([("uscc", pa.string()), ("year", pa.int64()), ("type", pa.string())])


def enterprise(uscc: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {f.name: None for f in SCHEMA}
    row.update(uscc=uscc, name=f"企业{uscc}", town="西屏街道", industry_code="33", above_scale=True,
               production_start=date(2010, 1, 1), land_owned_m2=10000.0, land_leased_in_m2=0.0,
               land_leased_out_m2=0.0)
    for flag in ("high_tech", "specialized", "listed", "rd_center"):
        row[flag] = False
    row.update(values)
    return row


def incident(uscc: str, type_: str, year: int = YEAR) -> dict[str, Any]:
    return {"uscc": uscc, "year": year, "type": type_}


def run_rowwise(rows, incidents, policy):
    return rowwise.evaluate(rows, incidents, policy, YEAR)


def run_pandas(rows, incidents, policy):
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    inc = pa.Table.from_pylist(incidents, schema=INCIDENT_SCHEMA)
    return pandas_impl.to_rows(pandas_impl.evaluate(table, inc, policy, YEAR))


def run_engine(rows, incidents, policy):
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    inc = pa.Table.from_pylist(incidents, schema=INCIDENT_SCHEMA)
    rows = as_rows(evaluate(table, inc, policy, YEAR).table)
    for row in rows:  # the engine writes this column as text (a number or "unreachable")
        extra = row["extra_tax_to_next_class_wan"]
        if extra not in (None, "unreachable"):
            row["extra_tax_to_next_class_wan"] = float(extra)
    return rows


@pytest.fixture(params=[run_engine, run_rowwise, run_pandas], ids=["engine", "rowwise", "pandas"])
def run(request):
    return request.param


def by_uscc(result: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["uscc"]: r for r in result}


TWO_INDICATORS = """
name: hand
groups:
  above:
    indicators:
      tax_per_mu: {title: 亩均税收, numerator: tax_paid, denominator: land_mu, weight: 60}
      va_per_mu:  {title: 亩均增加值, numerator: value_added, denominator: land_mu, weight: 40}
    classification: {method: percentile, A: 0.34, B: 0.67, C: 0.95}
"""


def test_aggregate_benchmark_scores_classes_and_upgrade(run) -> None:
    policy = load_policy_text(TWO_INDICATORS, "hand").policy
    rows = [
        # E1 30 亩, tax 60 (2/亩), va 300 (10/亩); three bonus flags 5+3+5 = 13, capped at 10
        enterprise("E1", land_owned_m2=20000.0, tax_paid=60.0, value_added=300.0, high_tech=True,
                   specialized=True, listed=True, electricity_kwh=50000.0),
        # E2 15 亩, tax 90 (6/亩), va 60 (4/亩)
        enterprise("E2", tax_paid=90.0, value_added=60.0, land_use_tax_due=4.5),
        # E3 15 亩, tax 30 (2/亩), va 240 (16/亩); an env_penalty of year Y (−5), one of Y−1 ignored
        enterprise("E3", tax_paid=30.0, value_added=240.0),
        # E4 15 亩, no tax, no va: excluded from the benchmarks; vetoed twice for tax_serious
        enterprise("E4", electricity_kwh=100000.0, water_t=2000.0),
        # exempt: new (started in Y), below-scale with 2 亩 (small_land), all land leased out
        # (no_land), below-scale with 6 亩 and no `below` group (out_of_scope); E9 is both new and
        # landless: `new` comes first
        enterprise("E5", production_start=date(YEAR, 3, 1), tax_paid=1000.0),
        enterprise("E6", above_scale=False, land_owned_m2=2000 * 2 / 3),
        enterprise("E7", land_leased_out_m2=10000.0),
        enterprise("E8", above_scale=False, land_owned_m2=4000.0),
        enterprise("E9", production_start=date(YEAR, 12, 31), land_owned_m2=0.0),
    ]
    incidents = [
        incident("E4", "tax_serious"), incident("E3", "env_penalty"),
        incident("E4", "land_illegal"),
        incident("E3", "safety_general", YEAR - 1), incident("E4", "tax_serious"),
        incident("E5", "safety_major"),  # an exempt enterprise's incident has no effect
        incident("NOT-IN-DATA", "env_major"),
    ]
    out = by_uscc(run(rows, incidents, policy))
    assert list(out) == [r["uscc"] for r in rows]  # input order
    e1, e2, e3, e4 = out["E1"], out["E2"], out["E3"], out["E4"]

    # benchmarks over E1–E4 (E4 has no usable data): b_tax = 180/60 = 3, b_va = 600/60 = 10
    for e in (e1, e2, e3, e4):
        assert e["benchmark_tax_per_mu"] == pytest.approx(3.0)
        assert e["benchmark_va_per_mu"] == pytest.approx(10.0)
    # r_tax 2/3, 2, 2/3 → 40, 120, 40;  r_va 1, 0.4, 1.6 → 40, 16, 64
    assert [e["score_tax_per_mu"] for e in (e1, e2, e3)] == pytest.approx([40, 120, 40])
    assert [e["score_va_per_mu"] for e in (e1, e2, e3)] == pytest.approx([40, 16, 64])
    assert e1["value_tax_per_mu"] == pytest.approx(2.0)
    assert e4["value_tax_per_mu"] is None and e4["score_tax_per_mu"] == 0
    assert e4["warnings"] == "tax_per_mu: tax_paid missing; va_per_mu: value_added missing"
    assert e1["warnings"] is None
    # base 80, 136, 104; E1 +10 bonus → 90; E3 −5 → 99
    e1_parts = (e1["base_score"], e1["bonus"], e1["penalty"], e1["score"])
    assert e1_parts == pytest.approx((80, 10, 0, 90))
    assert (e2["score"], e3["score"], e3["penalty"]) == pytest.approx((136, 99, 5))
    # E4: vetoed, reasons once each in file order, score still shown, class D without rank
    assert e4["vetoed"] is True and e4["veto_reason"] == "tax_serious;land_illegal"
    assert (e4["score"], e4["class"], e4["rank"]) == (0, "D", None)
    # N = 3 (E4 excluded): ranks E2 1, E3 2, E1 3; 1/3 ≤ 0.34 → A, 2/3 ≤ 0.67 → B, 3/3 > 0.95 → D
    assert [(e["rank"], e["class"]) for e in (e2, e3, e1)] == [(1, "A"), (2, "B"), (3, "D")]
    assert e2["vetoed"] is False and e2["veto_reason"] is None

    # upgrade: E3 (B) needs t = 136 (lowest A): Δs = 136 − 99 = 37 ≤ 60 × (2 − 2/3) = 80, so
    # extra = (2/3 + 37/60) × 3 × 15 − 30 = 57.75 − 30 = 27.75
    assert e3["next_class"] == "A"
    assert e3["extra_tax_to_next_class_wan"] == pytest.approx(27.75)
    # E1 (D): the next class C is empty → no path; A and vetoed rows have none
    for e in (e1, e2, e4):
        assert e["next_class"] is None and e["extra_tax_to_next_class_wan"] is None

    # pricing: E1 D 50000 kWh × 0.10 / 10000 = 0.5; E4 D 100000 × 0.1 / 1e4 = 1, 2000 t × 1 / 1e4
    assert (e1["electricity_surcharge_wan"], e1["water_surcharge_wan"]) == pytest.approx((0.5, 0))
    assert (e4["electricity_surcharge_wan"], e4["water_surcharge_wan"]) == pytest.approx((1.0, 0.2))
    # land tax: E2 A 1.0 × 4.5; E3 B 0.5 × (10000 m² × 3 元 / 10000) = 1.5; D 0
    reductions = [e["land_tax_reduction_wan"] for e in (e2, e3, e1, e4)]
    assert reductions == pytest.approx([4.5, 1.5, 0, 0])
    # low efficiency: E1 (2.0/亩, not below the line, but D) and E4 (D); E3 exactly at 2.0 is not
    assert [e["low_efficiency"] for e in (e1, e2, e3, e4)] == [True, False, False, True]

    expected_reasons = {"E5": "new", "E6": "small_land", "E7": "no_land", "E8": "out_of_scope",
                        "E9": "new"}
    cols = rowwise.output_columns(policy)
    for uscc, reason in expected_reasons.items():
        row = out[uscc]
        assert row == {**dict.fromkeys(cols), "uscc": uscc, "name": f"企业{uscc}",
                       "exempt_reason": reason}
    assert "value_revenue_per_mu" not in cols  # the policy has no below group


def test_percentile_is_exact_and_ties_share_rank(run) -> None:
    # 90 enterprises, one indicator, tax 1..90 on 15 亩 each (equal land), rank 63 → p = 0.70 → B
    policy = load_policy_text(
        "name: p\ngroups:\n  above:\n    indicators:\n"
        "      tax_per_mu: {title: t, numerator: tax_paid, denominator: land_mu, weight: 100}\n",
        "p").policy
    rows = [enterprise(f"P{i:02d}", tax_paid=float(i)) for i in range(1, 91)]
    rows.append(enterprise("TIE", tax_paid=90.0))  # ties with P90: both rank 1
    out = by_uscc(run(rows, [], policy))
    assert out["P90"]["rank"] == out["TIE"]["rank"] == 1
    assert out["P89"]["rank"] == 3
    # N = 91 now; rank r is B iff r × 10 ≤ 7 × 91 = 637 → up to rank 63; rank 64 is C
    assert (out["P29"]["rank"], out["P29"]["class"]) == (63, "B")
    assert (out["P28"]["rank"], out["P28"]["class"]) == (64, "C")
    # A iff r × 5 ≤ 91 → rank ≤ 18 (P74 has rank 18, P73 rank 19)
    assert (out["P74"]["class"], out["P73"]["class"]) == ("A", "B")
    assert out["P73"]["next_class"] == "A"


def test_zero_and_missing_denominators(run) -> None:
    policy = load_policy_text("name: z\ngroups:\n  above: {}\n", "z").policy
    rows = [
        enterprise("Z1", tax_paid=30.0, value_added=100.0, employees=10.0, energy_tce=0.0,
                   emissions_t=1.0, rd_expense=1.0, revenue=100.0),
        # value_added missing over a zero energy: missing first, not `best`
        enterprise("Z2", tax_paid=30.0, value_added=None, employees=-1.0, energy_tce=0.0,
                   emissions_t=0.0, rd_expense=None, revenue=0.0),
        enterprise("Z3", tax_paid=-5.0, value_added=100.0, employees=10.0, energy_tce=50.0,
                   emissions_t=2.0, rd_expense=3.0, revenue=100.0),
    ]
    out = by_uscc(run(rows, [], policy))
    z1, z2, z3 = out["Z1"], out["Z2"], out["Z3"]
    # va_per_energy: Z1 energy 0 with rule best → r = cap 2 → 10 × 2 = 20; value empty
    assert (z1["value_va_per_energy"], z1["score_va_per_energy"]) == (None, 20)
    # the benchmark comes from Z3 alone (the only positive energy): 100 / 50 = 2
    assert z1["benchmark_va_per_energy"] == pytest.approx(2.0)
    assert z2["score_va_per_energy"] == 0 and z2["score_va_per_emission"] == 0
    assert z2["warnings"] == (
        "va_per_mu: value_added missing; labor_productivity: value_added missing; "
        "labor_productivity: employees negative; va_per_energy: value_added missing; "
        "va_per_emission: value_added missing; rd_intensity: rd_expense missing")
    # rd_intensity, scale 100: b = 100 × (1 + 3) / 200 = 2; Z1 x = 1 → r 0.5 → 7.5
    assert z1["benchmark_rd_intensity"] == pytest.approx(2.0)
    assert z1["score_rd_intensity"] == pytest.approx(7.5)
    # tax_per_mu: b = (30 + 30 − 5) / 45 per 亩; Z3 negative tax → r < 0 → 0, and low efficiency
    assert z3["benchmark_tax_per_mu"] == pytest.approx(55 / 45)
    assert z3["score_tax_per_mu"] == 0 and z3["low_efficiency"] is True


def test_industry_benchmark_with_min_peers(run) -> None:
    policy = load_policy_text(
        "name: i\nbenchmark: {by: industry, min_peers: 3}\ngroups:\n  above:\n    indicators:\n"
        "      tax_per_mu: {title: t, numerator: tax_paid, denominator: land_mu, weight: 100}\n",
        "i").policy
    rows = [
        # industry 33: three peers (one without tax still counts) → b = (30 + 60) / 30 = 3
        enterprise("A1", industry_code="33", tax_paid=30.0),
        enterprise("A2", industry_code="33", tax_paid=60.0),
        enterprise("A3", industry_code="33", tax_paid=None),
        # industry 34: two peers < 3 → group-wide b = (30 + 60 + 90 + 120) / 60 亩 = 5
        enterprise("B1", industry_code="34", tax_paid=90.0),
        enterprise("B2", industry_code="34", tax_paid=120.0),
        # no industry code: no peers → group-wide
        enterprise("C1", industry_code=None, tax_paid=None),
    ]
    out = by_uscc(run(rows, [], policy))
    assert [out[u]["benchmark_tax_per_mu"] for u in ("A1", "A2", "A3")] == pytest.approx([3, 3, 3])
    assert [out[u]["benchmark_tax_per_mu"] for u in ("B1", "B2", "C1")] == pytest.approx([5] * 3)
    # A1 x = 2 → r 2/3 → 66.6667 (rounded to 4 places); B2 x = 8 → r 1.6 → 160
    assert out["A1"]["score"] == 66.6667
    assert out["B2"]["score"] == pytest.approx(160)


def test_threshold_classes_and_unreachable(run) -> None:
    indicators = (
        "name: t\ngroups:\n  above:\n    indicators:\n"
        "      tax_per_mu: {title: t, numerator: tax_paid, denominator: land_mu, weight: 50}\n"
        "      revenue_per_mu: {title: r, numerator: revenue, denominator: land_mu, weight: 50}\n")
    rows = [  # all 15 亩
        enterprise("T1", tax_paid=30.0, revenue=300.0),
        enterprise("T2", tax_paid=15.0, revenue=300.0),
        enterprise("T3", tax_paid=15.0, revenue=0.0),
    ]
    # b_tax = 60/45 = 4/3 per 亩, b_rev = 600/45 = 40/3 per 亩
    # T1: r_tax 2/(4/3) = 1.5 → 75, r_rev 20/(40/3) = 1.5 → 75: 150
    # T2: r_tax 0.75 → 37.5, + 75 = 112.5;  T3: 37.5 + 0 = 37.5
    policy = load_policy_text(
        indicators + "    classification: {method: threshold, A: 150, B: 95, C: 30}\n", "t").policy
    out = by_uscc(run(rows, [], policy))
    assert [out[u]["class"] for u in ("T1", "T2", "T3")] == ["A", "B", "C"]
    assert [out[u]["rank"] for u in ("T1", "T2", "T3")] == [1, 2, 3]
    # T2 → A at 150: Δs 37.5 ≤ 50 × (2 − 0.75) = 62.5: extra = (0.75 + 0.75) × 4/3 × 15 − 15 = 15
    assert out["T2"]["next_class"] == "A"
    assert out["T2"]["extra_tax_to_next_class_wan"] == pytest.approx(15)
    # T3 → B at 95 (threshold, whoever holds it): Δs 57.5 ≤ 62.5: (0.75 + 1.15) × 20 − 15 = 23
    assert out["T3"]["next_class"] == "B"
    assert out["T3"]["extra_tax_to_next_class_wan"] == pytest.approx(23)

    # thresholds nobody reaches: all D, next class C at 170 even though nobody holds C
    policy = load_policy_text(
        indicators + "    classification: {method: threshold, A: 190, B: 180, C: 170}\n", "t",
    ).policy
    out = by_uscc(run(rows, [], policy))
    assert [out[u]["next_class"] for u in ("T1", "T2", "T3")] == ["C", "C", "C"]
    # T1: Δs 20 ≤ 50 × (2 − 1.5) = 25: (1.5 + 0.4) × 20 − 30 = 8
    assert out["T1"]["extra_tax_to_next_class_wan"] == pytest.approx(8)
    # T3: Δs 132.5 > 62.5: not reachable through tax alone
    assert out["T3"]["extra_tax_to_next_class_wan"] == "unreachable"
