"""How a policy file is laid over the defaults (policy-format.md), which years it applies to, and
what its hash depends on."""

from __future__ import annotations

import pytest

from mujun.engine.policy import (
    DEFAULT_POLICY,
    Policy,
    PolicyError,
    load_policy_text,
    shipped_policy_names,
)
from mujun.io.policy_files import load_policy

TEMPLATE = load_policy(DEFAULT_POLICY).policy


def policy(text: str) -> Policy:
    return load_policy_text(text, "test").policy


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(PolicyError) as caught:
        load_policy_text(text, "test")
    return caught.value.problems


# --- merging -----------------------------------------------------------------------------------


def test_a_name_alone_is_the_template_under_another_name() -> None:
    p = policy("name: mine")
    assert p.model_dump(exclude={"name"}) == TEMPLATE.model_dump(exclude={"name"})


def test_mappings_merge_key_by_key() -> None:
    p = policy(
        "name: m\nscope: {below_scale_min_land_mu: 5}\nbenchmark: {by: industry}\n"
        "pricing: {electricity_surcharge_yuan_per_kwh: {D: 0.2}}\nadjustments: {bonus_cap: 6}\n"
    )
    assert p.scope.below_scale_min_land_mu == 5
    assert p.scope.min_full_years_in_production == TEMPLATE.scope.min_full_years_in_production
    bench = p.benchmark
    assert (bench.method, bench.by, bench.min_peers) == ("aggregate", "industry", 5)
    rates = p.pricing.electricity_surcharge_yuan_per_kwh
    assert (rates.A, rates.B, rates.C, rates.D) == (0, 0, 0.05, 0.2)
    assert p.adjustments.bonus_cap == 6
    assert p.adjustments.bonus == TEMPLATE.adjustments.bonus
    assert p.adjustments.veto == TEMPLATE.adjustments.veto


def test_a_bonus_mapping_merges_over_the_default_flags() -> None:
    p = policy("name: m\nadjustments: {bonus: {high_tech: 8}}\n")
    assert p.adjustments.bonus == {"high_tech": 8, "specialized": 3, "listed": 5, "rd_center": 2}


def test_lists_replace() -> None:
    p = policy("name: m\nadjustments: {veto: [safety_major]}\n")
    assert p.adjustments.veto == ["safety_major"]
    assert policy("name: m\nadjustments: {veto: []}\n").adjustments.veto == []


def test_groups_given_are_exactly_the_groups() -> None:
    p = policy("name: m\ngroups:\n  above: {}\n")
    assert list(p.groups) == ["above"]
    assert p.groups["above"] == TEMPLATE.groups["above"]


def test_a_group_merges_over_the_default_group_of_its_name() -> None:
    p = policy("name: m\ngroups:\n  above: {classification: {A: 0.1}}\n  below: {title: 小微}\n")
    assert p.groups["above"].classification.A == 0.1
    assert p.groups["above"].classification.B == 0.7
    assert p.groups["above"].indicators == TEMPLATE.groups["above"].indicators
    assert p.groups["below"].title == "小微"
    assert p.groups["below"].indicators == TEMPLATE.groups["below"].indicators


def test_a_groups_indicators_replace_the_default_set() -> None:
    p = policy(
        "name: m\ngroups:\n  above:\n    indicators:\n"
        "      tax_per_mu: {title: t, numerator: tax_paid, denominator: land_mu, weight: 100}\n"
        "  below: {}\n"
    )
    assert list(p.groups["above"].indicators) == ["tax_per_mu"]
    assert p.groups["above"].title == TEMPLATE.groups["above"].title
    assert p.groups["above"].classification == TEMPLATE.groups["above"].classification
    assert p.indicator_ids() == ["tax_per_mu", "revenue_per_mu"]


def test_indicators_of_one_group_do_not_merge_over_the_defaults_key_by_key() -> None:
    # an indicator given in full replaces the set: the default weights are not kept alongside
    assert problems(
        "name: m\ngroups:\n  above:\n    indicators:\n"
        "      tax_per_mu: {title: t, numerator: tax_paid, denominator: land_mu, weight: 35}\n"
    ) == [("groups.above.indicators", "indicator weights must sum to 100, got 35")]


def test_cap_resolution_group_over_policy() -> None:
    p = policy("name: m\ncap: 1.5\ngroups:\n  above: {cap: 3}\n  below: {}\n")
    assert {i.cap for i in p.resolved("above")} == {3}
    assert {i.cap for i in p.resolved("below")} == {1.5}


def test_benchmark_resolution_indicator_over_group_over_policy_key_by_key() -> None:
    p = policy(
        "name: m\nbenchmark: {method: mean, min_peers: 7}\n"
        "groups:\n"
        "  above:\n"
        "    benchmark: {by: industry}\n"
        "    indicators:\n"
        "      tax_per_mu: {title: t, numerator: tax_paid, denominator: land_mu, weight: 60,\n"
        "                   benchmark: {method: median, min_peers: 9}}\n"
        "      va_per_mu: {title: t, numerator: value_added, denominator: land_mu, weight: 40}\n"
        "  below: {}\n"
    )
    tax, va = p.resolved("above")
    assert (tax.method, tax.by_industry, tax.min_peers) == ("median", True, 9)
    assert (va.method, va.by_industry, va.min_peers) == ("mean", True, 7)
    below = p.resolved("below")[0]
    assert (below.method, below.by_industry, below.min_peers) == ("mean", False, 7)


def test_template_defaults_resolve_to_aggregate_group_wide_five_peers_cap_two() -> None:
    ind = TEMPLATE.resolved("above")[0]
    assert (ind.method, ind.by_industry, ind.min_peers, ind.cap, ind.fixed_value) == (
        "aggregate", False, 5, 2.0, None,
    )


@pytest.mark.parametrize(
    "spelling",
    ["benchmark: {method: fixed}, value: 80", "benchmark: {method: fixed, value: 80}"],
)
def test_both_fixed_value_spellings(spelling: str) -> None:
    p = policy(
        "name: m\ngroups:\n  above:\n    indicators:\n"
        f"      tax_per_mu: {{title: t, numerator: tax_paid, denominator: land_mu, weight: 100,"
        f" {spelling}}}\n"
    )
    (ind,) = p.resolved("above")
    assert (ind.method, ind.fixed_value) == ("fixed", 80)


def test_the_indicators_value_wins_over_a_benchmark_value() -> None:
    p = policy(
        "name: m\ngroups:\n  above:\n    benchmark: {method: fixed, value: 5}\n    indicators:\n"
        "      tax_per_mu: {title: t, numerator: tax_paid, denominator: land_mu, weight: 60,"
        " value: 8}\n"
        "      va_per_mu: {title: t, numerator: value_added, denominator: land_mu, weight: 40}\n"
    )
    assert [i.fixed_value for i in p.resolved("above")] == [8, 5]


def test_a_policy_without_below_leaves_it_out() -> None:
    p = policy("name: m\ngroups: {above: {}}\n")
    assert "below" not in p.groups


def test_problems_from_several_parts_are_reported_together() -> None:
    assert problems("cap: -1\ngroups: {above: {}, middle: {}}\n") == [
        ("name", "required key is missing (every policy file names itself)"),
        ("groups.middle", "unknown group; a policy has groups `above` (规上) and `below` (规下)"),
        ("cap", "must be greater than 0, got -1"),
    ]


# --- years -------------------------------------------------------------------------------------


def test_years_are_inclusive_and_to_null_is_open() -> None:
    assert not TEMPLATE.applies_to(2019)
    assert TEMPLATE.applies_to(2020) and TEMPLATE.applies_to(2099)
    p = policy("name: m\nyears: {from: 2021, to: 2023}\n")
    assert [y for y in range(2019, 2026) if p.applies_to(y)] == [2021, 2022, 2023]
    single = policy("name: m\nyears: {from: 2024, to: 2024}\n")
    assert [y for y in range(2022, 2027) if single.applies_to(y)] == [2024]


def test_giving_only_from_keeps_to_open() -> None:
    p = policy("name: m\nyears: {from: 2024}\n")
    assert (p.years.from_, p.years.to) == (2024, None)


def test_songyang_applies_from_2024_only() -> None:
    p = load_policy("songyang-2024").policy
    assert [y for y in range(2020, 2027) if p.applies_to(y)] == [2024, 2025, 2026]


# --- hash --------------------------------------------------------------------------------------

BASE = """
name: h
cap: 2.5
scope: {below_scale_min_land_mu: 5, min_full_years_in_production: 2}
adjustments: {veto: [safety_major, env_major]}
"""
SAME = """
# the same rules, written differently
adjustments:
  veto:
    - safety_major     # 较大及以上安全事故
    - env_major
scope:
  min_full_years_in_production: 2
  below_scale_min_land_mu: 5.0
cap: 2.50
name: h
notice_days: 7         # the default, written out
"""


def test_hash_ignores_comments_key_order_layout_and_spelled_out_defaults() -> None:
    assert load_policy_text(BASE, "a").hash == load_policy_text(SAME, "b").hash


def test_hash_is_that_of_the_effective_policy() -> None:
    template = load_policy(DEFAULT_POLICY)
    assert load_policy_text(f"name: {DEFAULT_POLICY}", "x").hash == template.hash
    assert len(template.hash) == 64 and int(template.hash, 16) >= 0


@pytest.mark.parametrize(
    "change",
    ["cap: 2.6", "name: h2", "adjustments: {veto: [env_major, safety_major]}", "title: 新办法",
     "scope: {below_scale_min_land_mu: 5.5}"],
)
def test_hash_changes_with_any_value(change: str) -> None:
    key = change.split(":")[0]
    text = "\n".join(line for line in BASE.splitlines() if not line.startswith(f"{key}:"))
    assert load_policy_text(f"{text}\n{change}\n", "c").hash != load_policy_text(BASE, "a").hash


def test_hash_of_the_shipped_template_is_pinned() -> None:
    # a change here changes the hash recorded with every run; update it only on purpose
    assert load_policy(DEFAULT_POLICY).hash == (
        "0191d5ae13eb7edab979712a184130aab152af51c1c327e44d5177926133489b"
    )


# --- shipped policies --------------------------------------------------------------------------


def test_shipped_policies_load_and_differ() -> None:
    names = shipped_policy_names()
    assert {"zhejiang-template", "songyang-2024"} <= set(names)
    hashes = {load_policy(n).hash for n in names}
    assert len(hashes) == len(names)
    for name in names:
        assert load_policy(name).policy.name == name


def test_songyang_changes_what_it_says_it_changes() -> None:
    p = load_policy("songyang-2024").policy
    weights = {k: i.weight for k, i in p.groups["above"].indicators.items()}
    assert weights == {"tax_per_mu": 40, "va_per_mu": 15, "labor_productivity": 10,
                       "va_per_energy": 10, "va_per_emission": 10, "rd_intensity": 15}
    assert {(i.method, i.by_industry, i.min_peers) for i in p.resolved("above")} == {
        ("aggregate", True, 5)
    }
    assert p.groups["below"] == TEMPLATE.groups["below"]
    assert p.groups["above"].classification == TEMPLATE.groups["above"].classification
    assert p.low_efficiency.tax_per_mu_below == 2.0
    assert p.pricing == TEMPLATE.pricing and p.adjustments == TEMPLATE.adjustments
