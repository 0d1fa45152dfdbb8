"""One evaluation: the rules of evaluation.md applied to a year's table, as one columnar query.

``evaluate`` builds a single ibis expression from the rule modules (scope, indicators,
adjustments, classing, pricing), runs it on the chosen backend and returns the §8 table together
with a detail table (ratios, raw score, land) that the explanation and the store use.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from ibis.backends import BaseBackend

from mujun.engine import adjustments, backends, classing, indicators, pricing, scope
from mujun.engine.fields import BONUS_FLAGS, FIELDS
from mujun.engine.policy import CLASSES, LoadedPolicy, Policy, policy_hash

UNREACHABLE = "unreachable"

HEAD_COLUMNS = (
    "uscc",
    "name",
    "group",
    "exempt_reason",
    "vetoed",
    "veto_reason",
    "score",
    "base_score",
    "bonus",
    "penalty",
    "rank",
    "class",
)
TAIL_COLUMNS = (
    "electricity_surcharge_wan",
    "water_surcharge_wan",
    "land_tax_reduction_wan",
    "low_efficiency",
    "next_class",
    "extra_tax_to_next_class_wan",
    "warnings",
)
#: detail columns kept beside §8 for explanations (ratios are added per indicator)
DETAIL_COLUMNS = (
    "land_mu",
    "raw_score",
    "population_size",
    "tax_paid",
    "industry_code",
    "town",
    *BONUS_FLAGS,
)

INCIDENT_SCHEMA = pa.schema([("uscc", pa.string()), ("year", pa.int64()), ("type", pa.string())])


class EvaluationError(Exception):
    """The evaluation cannot run as asked (e.g. the policy does not cover the year)."""


def output_columns(policy: Policy) -> list[str]:
    """The §8 columns, in order, for this policy."""
    per_indicator = [
        f"{prefix}_{ind_id}"
        for ind_id in policy.indicator_ids()
        for prefix in ("value", "benchmark", "score")
    ]
    return [*HEAD_COLUMNS, *per_indicator, *TAIL_COLUMNS]


@dataclass(frozen=True)
class GroupSummary:
    evaluated: int
    classes: dict[str, int]
    vetoed: int


@dataclass(frozen=True)
class Summary:
    year: int
    policy_name: str
    policy_hash: str
    input_hash: str
    rows: int
    exempt: dict[str, int]
    groups: dict[str, GroupSummary]
    low_efficiency_count: int
    low_efficiency_mu: float
    warnings: int


@dataclass(frozen=True)
class Evaluation:
    year: int
    policy: Policy
    table: pa.Table
    detail: pa.Table
    input_hash: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> Summary:
        return summarize(self)

    def row(self, uscc: str) -> dict[str, Any] | None:
        """The §8 row and detail of one enterprise, merged, or None when it is not in the table."""
        at = self._positions.get(uscc)
        return None if at is None else self.detail.slice(at, 1).to_pylist()[0]

    @cached_property
    def _positions(self) -> dict[str, int]:
        """Each credit code's first row (built once: a lookup per enterprise, not a scan)."""
        positions: dict[str, int] = {}
        for at, code in enumerate(self.detail["uscc"].to_pylist()):
            positions.setdefault(code, at)
        return positions


def table_hash(table: pa.Table) -> str:
    """SHA-256 of an Arrow table's contents (schema and values), independent of chunking."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


_BATCH_ROWS = 1 << 16


def _canonical(enterprises: pa.Table) -> pa.Table:
    missing = [f.key for f in FIELDS if f.key not in enterprises.column_names]
    if missing:
        raise EvaluationError(f"the enterprise table lacks column(s): {', '.join(missing)}")
    table = enterprises.select([f.key for f in FIELDS])
    table = table.append_column("_row", pa.array(np.arange(table.num_rows, dtype=np.int64)))
    # DuckDB scans an Arrow table one record batch per task: slices (no copy) let both threads work
    return pa.Table.from_batches(table.to_batches(max_chunksize=_BATCH_ROWS), table.schema)


def _incidents(incidents: pa.Table | None) -> pa.Table:
    if incidents is None:
        incidents = INCIDENT_SCHEMA.empty_table()
    table = incidents.select(INCIDENT_SCHEMA.names).cast(INCIDENT_SCHEMA)
    return table.append_column("_pos", pa.array(np.arange(table.num_rows, dtype=np.int64)))


def prepared(t: ir.Table, policy: Policy, year: int) -> ir.Table:
    """Derived land and scope (§1–§2)."""
    t = t.mutate(land_mu=scope.land_mu(t))
    t = t.mutate(exempt_reason=scope.exempt_reason(t, policy, year))
    return t.mutate(group=scope.group_of(t))


def scored(t: ir.Table, effects: ir.Table, policy: Policy) -> ir.Table:
    """Bonus, penalty, veto and the rounded score (§4), on the indicator scores (§3)."""
    t = t.left_join(effects, t.uscc == effects.uscc).drop("uscc_right")
    evaluated = t.group.notnull()
    no_number = ibis.null("float64")
    bonus = ibis.cases((evaluated, adjustments.bonus(t, policy)), else_=no_number)
    penalty = ibis.cases((evaluated, t.penalty.fill_null(0.0)), else_=no_number)
    raw_score = t.base_score + bonus - penalty
    return t.mutate(
        bonus=bonus,
        penalty=penalty,
        vetoed=ibis.cases((evaluated, t.vetoed.fill_null(False)), else_=ibis.null("boolean")),
        veto_reason=ibis.cases((evaluated, t.veto_reason), else_=ibis.null("string")),
        raw_score=raw_score,
        score=adjustments.round_score(raw_score),
    )


#: columns computed on the narrow table: the adjusted score (§4), class (§5) and pricing (§6)
CLASS_COLUMNS = (
    "vetoed",
    "veto_reason",
    "score",
    "bonus",
    "penalty",
    "raw_score",
    "rank",
    "class",
    "population_size",
    "next_class",
    "_extra_tax",
    "_unreachable",
    "electricity_surcharge_wan",
    "water_surcharge_wan",
    "land_tax_reduction_wan",
    "low_efficiency",
)


def _classing_inputs(policy: Policy) -> list[str]:
    """The narrow set of columns the adjustments, ranking, classing, the upgrade path and pricing
    need."""
    tax = [
        indicators.col(kind, g, classing.TAX_INDICATOR)
        for g in policy.groups
        if classing.TAX_INDICATOR in policy.groups[g].indicators
        for kind in ("r", "b")
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


def ranked(t: ir.Table, policy: Policy) -> ir.Table:
    """Rank and class (§5) on the narrow scored table."""
    return classing.with_rank_and_class(t, policy)


def classed(t: ir.Table, policy: Policy) -> ir.Table:
    """Upgrade path (§5), pricing and low efficiency (§6) on the ranked narrow table."""
    t = classing.with_upgrade_path(t, policy)
    t = t.mutate(
        **pricing.pricing_columns(t, policy), low_efficiency=pricing.low_efficiency(t, policy)
    )
    return t.select("_row", *CLASS_COLUMNS)


def per_indicator(t: ir.Table, policy: Policy) -> ir.Table:
    """The §8 value/benchmark/score columns and the ratios the explanation shows."""
    no_number = ibis.null("float64")
    ratios = {
        f"ratio_{ind_id}": ibis.cases(
            *(
                (t.group == g, t[indicators.col("r", g, ind_id)])
                for g in policy.groups
                if ind_id in policy.groups[g].indicators
            ),
            else_=no_number,
        )
        for ind_id in policy.indicator_ids()
    }
    return t.mutate(**indicators.output_columns(t, policy), **ratios)


def _in_input_order(table: pa.Table) -> pa.Table:
    """Sorted by ``_row`` here rather than in a query, where the sort would carry every column;
    DuckDB usually returns the scan order already, which costs only the check. ``_row`` holds
    each of 0..n-1 once, so the order is its inverse permutation (no sort)."""
    rows = table["_row"]
    if table.num_rows <= 1 or pc.all(pc.greater_equal(rows[1:], rows[:-1])).as_py():
        return table
    n = table.num_rows
    positions = rows.to_numpy()
    order = np.full(n, -1, dtype=np.int64)
    if positions.min() >= 0 and positions.max() < n:
        order[positions] = np.arange(n, dtype=np.int64)
    if (order < 0).any():  # not a permutation of 0..n-1 (cannot happen): sort
        return table.take(pc.sort_indices(rows))
    return table.take(pa.array(order))


def _with_inputs(
    computed: pa.Table, canonical: pa.Table, passed: list[str], schema: ibis.Schema
) -> pa.Table:
    """The query result with the pass-through input columns laid beside it (both in input order:
    the result is one row per input row, sorted by ``_row``)."""
    if computed.num_rows != canonical.num_rows:
        raise EvaluationError("the wide query lost or duplicated rows")
    types = schema.to_pyarrow()
    for name in passed:
        column = canonical[name]
        expected = types.field(name).type
        computed = computed.append_column(
            name, column if column.type == expected else column.cast(expected)
        )
    return computed


def _extra_tax_text(table: pa.Table) -> pa.Array:
    """The §5 column: a number at full precision, the word ``unreachable``, or empty.

    Numbers read as Python writes a float (shortest round-trip text, ``3.0`` for a whole number),
    so this text column looks like the number columns beside it in a CSV.
    """
    as_text = pc.cast(table["_extra_tax"], pa.string())
    whole = pc.match_substring_regex(as_text, r"^-?[0-9]+$")
    as_text = pc.if_else(whole, pc.binary_join_element_wise(as_text, ".0", ""), as_text)
    return pc.if_else(table["_unreachable"], pa.scalar(UNREACHABLE), as_text)


def evaluate(
    enterprises: pa.Table,
    incidents: pa.Table | None,
    policy: Policy | LoadedPolicy,
    year: int,
    *,
    backend: BaseBackend | None = None,
    input_hash: str = "",
) -> Evaluation:
    """Evaluate one year: the §8 table (``.table``) in input order, and its detail (``.detail``)."""
    if isinstance(policy, LoadedPolicy):
        policy = policy.policy
    if not policy.applies_to(year):
        to = policy.years.to if policy.years.to is not None else "…"
        raise EvaluationError(
            f"policy {policy.name} applies to {policy.years.from_}–{to}, not to {year}"
        )
    backend = backend or backends.duckdb()
    loader = backends.TableLoader(backend)
    ratio_cols = [f"ratio_{i}" for i in policy.indicator_ids()]
    try:
        # Each query materialises only what the next needs: the small benchmark and incident
        # tables, then one pass over the input giving every per-enterprise column (Arrow, in input
        # order: no join with another large table), then the narrow columns that the adjustments
        # and ranking need, read back from that result, giving the class columns.
        canonical = _canonical(enterprises)
        t = prepared(loader.load(canonical, "enterprises"), policy, year)
        inc = loader.load(_incidents(incidents), "incidents")
        group_wide, by_industry = indicators.benchmark_tables(t, policy)
        # the benchmark sums run on one thread: the same bits on every run (see TableLoader.cache)
        group_wide = loader.cache(group_wide, in_order=True)
        by_industry = loader.cache(by_industry, in_order=True)
        t = indicators.with_benchmarks(t, policy, group_wide, by_industry)
        effects = loader.cache(adjustments.incident_effects(inc, policy, year))
        inputs = _classing_inputs(policy)
        wide = [
            c
            for c in (*output_columns(policy), *DETAIL_COLUMNS, *ratio_cols)
            if c not in CLASS_COLUMNS and c != "extra_tax_to_next_class_wan"
        ]
        keep = list(dict.fromkeys([*wide, *inputs]))
        wide_expr = per_indicator(indicators.with_indicator_scores(t, policy), policy)
        # input columns passed through unchanged are taken from the input itself, not exported
        # back from the query (the strings would be copied twice); ``_row`` keeps the order check
        passed = [c for c in keep if c in canonical.column_names and c != "_row"]
        computed = _in_input_order(
            loader.fetch(wide_expr.select(*(c for c in keep if c not in passed)))
        )
        result = _with_inputs(computed, canonical, passed, wide_expr.select(*passed).schema())
        narrow = loader.load(result.select(inputs), "scores")
        # materialised once, so that the upgrade path (which looks up the classes) reads a plain
        # table and does not repeat the rank window
        ranks = loader.cache(ranked(scored(narrow, effects, policy), policy))
        # sorted in the query: the window leaves the rows scrambled, and DuckDB's parallel sort
        # of these narrow columns is cheaper than taking them in order afterwards
        classes = _in_input_order(loader.fetch(classed(ranks, policy).order_by("_row")))
    finally:
        loader.close()
    result = result.select(wide)
    # the two results are both in input order: the class columns are laid beside the wide ones
    for name in CLASS_COLUMNS:
        result = result.append_column(name, classes[name])
    result = result.append_column("extra_tax_to_next_class_wan", _extra_tax_text(result))
    columns = output_columns(policy)
    table = result.select(columns)
    detail = result.select([*columns, *DETAIL_COLUMNS, *ratio_cols])
    return Evaluation(year=year, policy=policy, table=table, detail=detail, input_hash=input_hash)


def summarize(ev: Evaluation) -> Summary:
    rows = ev.detail.to_pydict()
    exempt = Counter(r for r in rows["exempt_reason"] if r is not None)
    groups: dict[str, GroupSummary] = {}
    for group in ev.policy.groups:
        idx = [i for i, g in enumerate(rows["group"]) if g == group]
        classes = Counter(rows["class"][i] for i in idx)
        groups[group] = GroupSummary(
            evaluated=len(idx),
            classes={k: classes.get(k, 0) for k in CLASSES},
            vetoed=sum(1 for i in idx if rows["vetoed"][i]),
        )
    low = [i for i, flag in enumerate(rows["low_efficiency"]) if flag]
    warnings = sum(len(w.split("; ")) for w in rows["warnings"] if w)
    return Summary(
        year=ev.year,
        policy_name=ev.policy.name,
        policy_hash=policy_hash(ev.policy),
        input_hash=ev.input_hash or table_hash(ev.table.select(["uscc"])),
        rows=ev.table.num_rows,
        exempt=dict(sorted(exempt.items())),
        groups=groups,
        low_efficiency_count=len(low),
        low_efficiency_mu=sum(rows["land_mu"][i] for i in low),
        warnings=warnings,
    )
