"""The reference implementations bench/rowwise.py and bench/pandas_impl.py agree on synthetic data.

Exactly on classes, ranks, exempt reasons, vetoes and warnings; within 1e-9 on numbers. Each policy
variant switches on one branch of evaluation.md that the default template leaves dark.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from bench import pandas_impl, rowwise, synthetic

from mujun.engine.policy import load_policy_text

from .compare import assert_results_equal

YEAR = 2024

ABOVE_INDICATORS = """
      tax_per_mu:         {title: t, numerator: tax_paid, denominator: land_mu, weight: 35%s}
      va_per_mu:          {title: t, numerator: value_added, denominator: land_mu, weight: 20%s}
      labor_productivity: {title: t, numerator: value_added, denominator: employees, weight: 10%s}
      va_per_energy:      {title: t, numerator: value_added, denominator: energy_tce, weight: 10,
                           zero_denominator: best%s}
      va_per_emission:    {title: t, numerator: value_added, denominator: emissions_t, weight: 10,
                           zero_denominator: best%s}
      rd_intensity:       {title: t, numerator: rd_expense, denominator: revenue, weight: 15,
                           scale: 100%s}
"""
FIXED = ABOVE_INDICATORS % (", value: 6.5", ", value: 40", ", value: 15", ", value: 1.1",
                            ", value: 100", ", value: 2")
# fixed for two indicators only, median for one, the policy-level method for the rest
MIXED = ABOVE_INDICATORS % (", benchmark: {method: fixed}, value: 6.5", "",
                            ", benchmark: {method: median}", "", "", "")

VARIANTS = {
    "default": "name: default",
    "mean": "name: mean\nbenchmark: {method: mean}",
    "median": "name: median\nbenchmark: {method: median}",
    "fixed": "name: fixed\nbenchmark: {method: fixed}\ngroups:\n  above:\n    indicators:" + FIXED
    + "  below:\n    indicators:\n"
      "      tax_per_mu: {title: t, numerator: tax_paid, denominator: land_mu, weight: 70,"
      " value: 2}\n"
      "      revenue_per_mu: {title: t, numerator: revenue, denominator: land_mu, weight: 30,"
      " value: 80}\n",
    "mixed": "name: mixed\ngroups:\n  above:\n    indicators:" + MIXED + "  below: {}\n",
    "industry": "name: industry\nbenchmark: {by: industry, min_peers: 20}",
    "industry_median": "name: industry_median\n"
    "benchmark: {method: median, by: industry, min_peers: 8}",
    "threshold": "name: threshold\ngroups:\n"
    "  above: {classification: {method: threshold, A: 130, B: 90, C: 50}}\n"
    # not A: 140 = 70 × cap: reaching it needs the tax ratio at exactly the cap, a knife edge where
    # the last bit of b (summation order) decides between a number and `unreachable`
    "  below: {classification: {method: threshold, A: 135, B: 70, C: 30}}\n",
    "no_below": "name: no_below\ngroups:\n  above: {}\n",
    "below_without_tax": "name: below_without_tax\ncap: 1.5\n"
    "scope: {min_full_years_in_production: 3, below_scale_min_land_mu: 5}\n"
    "groups:\n  above: {cap: 3}\n  below:\n    indicators:\n"
    "      revenue_per_mu: {title: t, numerator: revenue, denominator: land_mu, weight: 100}\n",
    "adjustments": "name: adjustments\n"
    "adjustments: {bonus: {high_tech: 8, listed: 6}, bonus_cap: 12,"
    " penalty_per_incident: {safety_general: 30, env_penalty: 15, land_illegal: 1},"
    " veto: [safety_major]}\n"
    "low_efficiency: {tax_per_mu_below: 4.5}\n",
}


@pytest.fixture(scope="module")
def county() -> tuple[pa.Table, pa.Table]:
    enterprises, incidents = synthetic.county(3000, seed=7, year=YEAR)
    # a few enterprises without an industry code: they have no industry peers
    codes = enterprises["industry_code"].combine_chunks()
    missing = pa.array([i % 97 == 0 for i in range(len(codes))])
    codes = pc.if_else(missing, pa.scalar(None, pa.string()), codes)
    idx = enterprises.schema.get_field_index("industry_code")
    return enterprises.set_column(idx, "industry_code", codes), incidents


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_rowwise_and_pandas_agree(county: tuple[pa.Table, pa.Table], variant: str) -> None:
    policy = load_policy_text(VARIANTS[variant], variant).policy
    enterprises, incidents = county
    by_rows = rowwise.evaluate(enterprises.to_pylist(), incidents.to_pylist(), policy, YEAR)
    by_pandas = pandas_impl.to_rows(pandas_impl.evaluate(enterprises, incidents, policy, YEAR))
    assert list(by_rows[0]) == rowwise.output_columns(policy)
    assert_results_equal(by_rows, by_pandas)
    # the variant really exercises something: every class and some exemptions occur
    classes = {r["class"] for r in by_rows}
    assert {"A", "B", "C", "D"} <= classes
    assert any(r["exempt_reason"] for r in by_rows)


def test_other_years_and_seeds_agree() -> None:
    policy = load_policy_text("name: d", "d").policy
    for seed, year in ((1, 2023), (2, 2025)):
        enterprises, incidents = synthetic.county(2000, seed=seed, year=year)
        by_rows = rowwise.evaluate(enterprises.to_pylist(), incidents.to_pylist(), policy, year)
        by_pandas = pandas_impl.evaluate(enterprises.to_pandas(), incidents.to_pandas(), policy,
                                         year)
        assert_results_equal(by_rows, pandas_impl.to_rows(by_pandas))


def test_compare_reports_the_first_difference() -> None:
    a = [{"uscc": "X", "class": "A", "score": 1.0, "rank": 1},
         {"uscc": "Y", "class": "B", "score": 2.0, "rank": 2}]
    b = [dict(a[0]), {**a[1], "score": 2.0 + 1e-12}]
    assert_results_equal(a, b)
    b[1]["class"] = "C"
    with pytest.raises(AssertionError, match=r"row 1 \(uscc Y\), column class: 'B' != 'C'"):
        assert_results_equal(a, b)
    with pytest.raises(AssertionError, match="column rank"):
        assert_results_equal(a, [a[0], {**a[1], "rank": 3}])
