"""The evaluation as ibis expressions: the one rule code that every backend runs.

Two queries, each over the previous one's materialised result: the *wide* query gives every
per-enterprise column of §2–§3 (one pass over the input, after the small benchmark and incident
tables), the *class* query the adjusted score (§4), rank and class (§5) and pricing (§6) on the
narrow columns they need, read back from the wide result; the rank window runs over every row
(``classing.ranked``; on the staged DuckDB plan it runs before, on the population's ``_row``,
group and score alone, and is laid beside the rows by position, as the incident effects:
``class_query``). ``stage`` materialises an intermediate table on the backend
(``TableLoader.cache`` on Spark, a recorded SQL statement for the compiled DuckDB plan of
``engine/plan.py``, a common table expression for its prepared plan).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from mujun.engine import adjustments, classing, indicators, pricing, scope
from mujun.engine.columns import (
    CLASS_COLUMNS,
    DETAIL_COLUMNS,
    output_columns,
    ratio_columns,
)
from mujun.engine.fields import BONUS_FLAGS
from mujun.engine.policy import Policy

#: materialise an expression once (``in_order``: sums over the rows in input order, see
#: ``TableLoader.cache``) and return a table expression reading the result
Stage = Callable[..., ir.Table]


def prepared(t: ir.Table, policy: Policy, year: int) -> ir.Table:
    """Derived land and scope (§1–§2)."""
    t = t.mutate(land_mu=scope.land_mu(t))
    t = t.mutate(exempt_reason=scope.exempt_reason(t, policy, year))
    t = t.mutate(group=scope.group_of(t))
    return indicators.with_group_flags(t, policy)


def _incidents_of(t: ir.Table, effects: ir.Table) -> ir.BooleanValue:
    """An enterprise's incidents are those of its credit code."""
    return t.uscc == effects.uscc


def incident_rows(t: ir.Table, effects: ir.Table) -> ir.Table:
    """``_row`` and the incident effects of the rows that have incidents, to be laid beside the
    rows by position (``engine/embedded.py``; ``scored`` joins them otherwise)."""
    found = t.join(effects, _incidents_of(t, effects))
    return found.select("_row", *(c for c in effects.columns if c != "uscc"))


def scored(t: ir.Table, effects: ir.Table | None, policy: Policy) -> ir.Table:
    """Bonus, penalty, veto and the rounded score (§4), on the indicator scores (§3), and
    ``_pop``: whether the row is in its group's population (§5). ``effects``: the incident
    effects per credit code, joined; None when ``t`` carries them (``incident_rows``)."""
    if effects is not None:
        t = t.left_join(effects, _incidents_of(t, effects)).drop("uscc_right")
    evaluated = t.group.notnull()
    no_number = ibis.null("float64")
    bonus = ibis.cases((evaluated, adjustments.bonus(t, policy)), else_=no_number)
    penalty = ibis.cases((evaluated, t.penalty.fill_null(0.0)), else_=no_number)
    t = t.mutate(
        bonus=bonus,
        penalty=penalty,
        vetoed=ibis.cases((evaluated, t.vetoed.fill_null(False)), else_=ibis.null("boolean")),
        veto_reason=ibis.cases((evaluated, t.veto_reason), else_=ibis.null("string")),
    )
    # one projection per step, each reading the previous one's columns (written inline, the
    # score would repeat the raw score, and that the bonus, several times over)
    t = t.mutate(raw_score=t.base_score + t.bonus - t.penalty)
    t = t.mutate(score=adjustments.round_score(t.raw_score))
    return t.mutate(_pop=classing.population(t))


def classing_inputs(policy: Policy) -> list[str]:
    """The narrow set of columns the adjustments, ranking, classing, the upgrade path and pricing
    need."""
    # the tax indicator's ratio and benchmark merged across the groups (``classing.py`` reads
    # them only in a row's own group): §8 columns already, not four more exported for this
    tax = [
        f"{prefix}_{classing.TAX_INDICATOR}"
        for prefix in ("ratio", "benchmark")
        if any(classing.TAX_INDICATOR in spec.indicators for spec in policy.groups.values())
    ]
    pricing_inputs = ["electricity_kwh", "water_t", "land_use_tax_due", "land_owned_m2"]
    return [
        "_row",
        "uscc",
        "group",
        "base_score",
        *BONUS_FLAGS,
        "land_mu",
        "tax_paid",
        *tax,
        *pricing_inputs,
    ]


def classed(t: ir.Table, held: ir.Table, policy: Policy) -> ir.Table:
    """Upgrade path (§5), pricing and low efficiency (§6) on the ranked narrow table
    (``held``: the population's ``classing.lowest_held``)."""
    t = classing.with_upgrade_path(t, held, policy)
    t = t.mutate(
        **pricing.pricing_columns(t, policy), low_efficiency=pricing.low_efficiency(t, policy)
    )
    return t.select("_row", *CLASS_COLUMNS)


def per_indicator(t: ir.Table, policy: Policy) -> ir.Table:
    """The §8 value/benchmark/score columns and the ratios the explanation shows."""
    ratios = {f"ratio_{i}": indicators.merged(t, policy, "r", i) for i in policy.indicator_ids()}
    return t.mutate(**indicators.output_columns(t, policy), **ratios)


@dataclass(frozen=True)
class WideQuery:
    """The wide query and what the class query needs from it."""

    #: the computed columns (input columns passed through unchanged are not in it)
    expr: ir.Table
    #: input columns laid beside the result as they are, and their types in the result
    passed: list[str]
    passed_schema: ibis.Schema
    #: the narrow columns the class query reads, and their types
    inputs: list[str]
    inputs_schema: ibis.Schema
    #: the wide columns kept in the result, in order
    wide: list[str]
    effects: ir.Table


def wide_query(
    enterprises: ir.Table, incidents: ir.Table, policy: Policy, year: int, stage: Stage
) -> WideQuery:
    """Scope, benchmarks and indicator scores: one row per input row (``_row`` kept)."""
    t = prepared(enterprises, policy, year)
    group_wide, by_industry = indicators.benchmark_tables(t, policy)
    # the benchmark sums run on one thread: the same bits on every run (see TableLoader.cache)
    if group_wide is not None:
        group_wide = stage(group_wide, in_order=True)
    if by_industry is not None:
        by_industry = stage(by_industry, in_order=True)
    t = indicators.with_benchmarks(t, policy, group_wide, by_industry)
    effects = stage(adjustments.incident_effects(incidents, policy, year))
    inputs = classing_inputs(policy)
    wide = [
        c
        for c in (*output_columns(policy), *DETAIL_COLUMNS, *ratio_columns(policy))
        if c not in CLASS_COLUMNS and c != "extra_tax_to_next_class_wan"
    ]
    keep = list(dict.fromkeys([*wide, *inputs]))
    full = per_indicator(indicators.with_indicator_scores(t, policy), policy)
    # input columns passed through unchanged are taken from the input itself, not exported back
    # from the query (the strings would be copied twice); ``_row`` keeps the order check
    passed = [c for c in keep if c in enterprises.columns and c != "_row"]
    return WideQuery(
        expr=full.select(*(c for c in keep if c not in passed)),
        passed=passed,
        passed_schema=full.select(*passed).schema(),
        inputs=inputs,
        inputs_schema=full.select(*inputs).schema(),
        wide=wide,
        effects=effects,
    )


def class_query(
    narrow: ir.Table, effects: ir.Table | None, policy: Policy, stage: Stage,
    placed: ir.Table | None = None,
) -> ir.Table:
    """Adjusted score, rank, class, upgrade path and pricing (rows in any order: ``_row`` kept).

    ``effects`` None: ``narrow`` carries the incident effects (``incident_rows``). ``placed``: the
    narrow table again with the rank table's ``_rank`` and ``_n`` laid beside its rows by
    position (``engine/embedded.py`` does both between the statements, null where a row has
    none), read instead of the window over every row and the incident effects joined (Spark, the
    prepared plans). Without joins by key or a window the class query returns its rows in input
    order on DuckDB (docs/benchmarks.md, "Under 1 GB at 1,000,000 rows")."""
    scores = scored(narrow, effects, policy).drop("uscc", *BONUS_FLAGS)
    if placed is None:
        # the ranks on every row (read twice: the lowest scores held and the rows)
        ranked = stage(classing.ranked(scores))
        held = classing.lowest_held(ranked.filter(ranked._pop), policy)
        return classed(classing.with_class(ranked, policy), held, policy)
    # not materialised: writing the scored table costs more than computing it twice (for the
    # rank window, on the few columns it needs, and for the class query)
    ranks = stage(classing.ranks(scores))
    held = classing.lowest_held(ranks, policy)
    # its one row kept, so that the rank table can go before the class query runs
    held = stage(held)
    scores = scored(placed, effects, policy).drop("uscc", *BONUS_FLAGS)
    return classed(classing.with_class(scores, policy), held, policy)
