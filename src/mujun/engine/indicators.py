"""Indicators, benchmarks, ratios and indicator scores (evaluation.md §3).

Each indicator of each group becomes a handful of columns; the benchmarks are computed in one
aggregate pass over the table (and one per industry when ``by: industry``) and joined back, so the
work is columnar on every backend.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from mujun.engine.policy import Policy, ResolvedIndicator

NULL_F = ibis.null("float64")


def col(kind: str, group: str, ind_id: str) -> str:
    """Name of an internal per-group indicator column, e.g. ``_r__above__tax_per_mu``."""
    return f"_{kind}__{group}__{ind_id}"


def in_group_column(group: str) -> str:
    """Name of the boolean column telling whether a row is in ``group``, e.g. ``_in__above``."""
    return f"_in__{group}"


def with_group_flags(t: ir.Table, policy: Policy) -> ir.Table:
    """Adds ``_in__<group>`` for every group: true in the group, false elsewhere (never null).

    The group is tested once per row here rather than by a text comparison in every
    expression that depends on it (docs/benchmarks.md, "Evaluation engine"); never null, so
    ``~`` of it selects the rows outside the group."""
    return t.mutate(**{in_group_column(g): (t.group == g).fill_null(False) for g in policy.groups})


def _in_group(t: ir.Table, group: str) -> ir.BooleanValue:
    return t[in_group_column(group)]


def _usable(t: ir.Table, group: str, ind: ResolvedIndicator) -> ir.BooleanValue:
    """In the group, both fields present and the denominator positive (§3 benchmark population)."""
    num, den = t[ind.numerator], t[ind.denominator]
    return _in_group(t, group) & num.notnull() & den.notnull() & (den > 0)


def _value(t: ir.Table, ind: ResolvedIndicator) -> ir.FloatingValue:
    return ind.scale * t[ind.numerator] / t[ind.denominator]


def _if(cond: ir.BooleanValue, value: ir.Value) -> ir.Value:
    return ibis.cases((cond, value), else_=NULL_F)


def _benchmark_aggregates(t: ir.Table, policy: Policy, *, industry: bool) -> dict[str, ir.Scalar]:
    """The aggregate, mean or median benchmark of every indicator that needs one."""
    out: dict[str, ir.Scalar] = {}
    for group in policy.groups:
        for ind in policy.resolved(group):
            if ind.method == "fixed" or (industry and not ind.by_industry):
                continue
            usable = _usable(t, group, ind)
            name = col("bi" if industry else "bg", group, ind.id)
            if ind.method == "aggregate":
                # ``where`` (a FILTER clause on DuckDB) skips the other rows before the sum
                total_num = t[ind.numerator].sum(where=usable)
                total_den = t[ind.denominator].sum(where=usable)
                out[name] = ind.scale * total_num / total_den
            elif ind.method == "mean":
                out[name] = _value(t, ind).mean(where=usable)
            else:
                out[name] = _value(t, ind).median(where=usable)
        if industry:
            out[col("peers", group, "")] = _in_group(t, group).cast("int64").sum()
    return out


def benchmark_tables(t: ir.Table, policy: Policy) -> tuple[ir.Table | None, ir.Table | None]:
    """The group-wide benchmarks (one row) and the per-industry ones (one row per industry)."""
    group_wide = _benchmark_aggregates(t, policy, industry=False)
    per_industry = _benchmark_aggregates(t, policy, industry=True)
    by_industry = None
    if any(name.startswith("_bi__") for name in per_industry):
        by_industry = t.group_by(_ind=t.industry_code).aggregate(**per_industry)
    return (t.aggregate(**group_wide) if group_wide else None), by_industry


def with_benchmarks(
    t: ir.Table, policy: Policy, group_wide: ir.Table | None, by_industry: ir.Table | None
) -> ir.Table:
    """Adds ``_b__<group>__<id>``: the benchmark each enterprise of the group is measured by."""
    if group_wide is not None:
        t = t.cross_join(group_wide)
    if by_industry is not None:
        t = t.left_join(by_industry, t.industry_code == by_industry._ind).drop("_ind")
    benchmarks: dict[str, ir.Value] = {}
    for group in policy.groups:
        for ind in policy.resolved(group):
            if ind.method == "fixed":
                b: ir.Value = ibis.literal(ind.fixed_value, type="float64")
            else:
                b = t[col("bg", group, ind.id)]
                if ind.by_industry:
                    b_ind = t[col("bi", group, ind.id)]
                    enough = t[col("peers", group, "")].fill_null(0) >= ind.min_peers
                    b = ibis.cases((enough & b_ind.notnull(), b_ind), else_=b)
            benchmarks[col("b", group, ind.id)] = _if(_in_group(t, group), b)
    return t.mutate(**benchmarks)


def _ratio(
    t: ir.Table, ind: ResolvedIndicator, b: ir.Value, in_group: ir.BooleanValue
) -> ir.FloatingValue:
    """r of §3 in the group (null outside it), checked in the spec's order: missing first, then
    undefined b, zero, normal. One ``CASE`` (the group's test its first branch): a ``CASE``
    nested in another costs DuckDB a second pass over the selected rows."""
    num, den = t[ind.numerator], t[ind.denominator]
    missing = num.isnull() | den.isnull() | (den < 0)
    return ibis.cases(
        (~in_group, NULL_F),
        (missing, 0.0),
        (b.isnull(), 0.0),
        (den == 0, ind.cap if ind.zero_best else 0.0),
        (b > 0, _value(t, ind) / b),
        else_=0.0,
    )


def _warnings(t: ir.Table, ind: ResolvedIndicator) -> tuple[ir.StringValue, ir.BooleanValue]:
    """``"; <id>: <field> missing"`` pieces for this indicator ('' when none), and whether there
    is any."""
    pieces, problems = [], []
    for field, is_den in ((ind.numerator, False), (ind.denominator, True)):
        value = t[field]
        tests = [(value.isnull(), "missing")] + ([(value < 0, "negative")] if is_den else [])
        for test, what in tests:
            pieces.append(ibis.cases((test, f"; {ind.id}: {field} {what}"), else_=""))
            problems.append(test)
    any_problem = problems[0]
    for test in problems[1:]:
        any_problem = any_problem | test
    return ibis.literal("").concat(*pieces), any_problem


def with_indicator_scores(t: ir.Table, policy: Policy) -> ir.Table:
    """Adds value/ratio/score per group and indicator, ``base`` and ``warnings``.

    Three projections, each reading the previous one's columns: the ratios, then the scores
    from the ratio columns, then ``base_score`` from the score columns (written inline, each
    score repeated its ratio and the base repeated every score, and the SQL engine evaluates each
    occurrence)."""
    ratios: dict[str, ir.Value] = {}
    warnings_by_group = []
    for group in policy.groups:
        in_group = _in_group(t, group)
        warnings: ir.Value = ibis.literal("")
        flagged: ir.Value = ibis.literal(False)
        for ind in policy.resolved(group):
            b = t[col("b", group, ind.id)]
            num, den = t[ind.numerator], t[ind.denominator]
            present = num.notnull() & den.notnull() & (den > 0)
            ratios[col("x", group, ind.id)] = _if(in_group & present, _value(t, ind))
            ratios[col("r", group, ind.id)] = _ratio(t, ind, b, in_group)
            text, problem = _warnings(t, ind)
            warnings = warnings.concat(text)
            flagged = flagged | problem
        # the text is built only for the few rows with a problem (string work is the dear part)
        warnings_by_group.append((in_group & flagged, warnings))
    all_warnings = ibis.cases(*warnings_by_group, else_="")
    # drop the leading "; " and turn "" into null
    ratios["warnings"] = all_warnings.substr(2).nullif("")
    t = t.mutate(**ratios)

    scores: dict[str, ir.Value] = {}
    for group in policy.groups:
        in_group = _in_group(t, group)
        for ind in policy.resolved(group):
            # r is never null in the group, so greatest/least clip it without the null guards of
            # ``clip``, which repeat r three times at each of its two levels in the compiled SQL
            r = t[col("r", group, ind.id)]
            s = ind.weight * ibis.greatest(0.0, ibis.least(float(ind.cap), r))
            scores[col("s", group, ind.id)] = _if(in_group, s)
    t = t.mutate(**scores)

    # each group's sum is null outside the group (its scores are) and never null in it (nor are
    # they), so the row's own group's sum is the first non-null one
    base_by_group = []
    for group in policy.groups:
        base: ir.Value = ibis.literal(0.0)
        for ind in policy.resolved(group):
            base = base + t[col("s", group, ind.id)]
        if not policy.resolved(group):
            base = _if(_in_group(t, group), base)
        base_by_group.append(base)
    first = base_by_group[0] if len(base_by_group) == 1 else ibis.coalesce(*base_by_group)
    return t.mutate(base_score=first)


def merged(t: ir.Table, policy: Policy, kind: str, ind_id: str) -> ir.Value:
    """One indicator's per-group column ``kind`` merged across the groups that have it.

    Each per-group column is null outside its group, so the row's own group's value is the first
    non-null one (a ``coalesce``, far cheaper than a ``CASE`` on the group per row)."""
    cols = [t[col(kind, g, ind_id)] for g in policy.groups if ind_id in policy.groups[g].indicators]
    return cols[0] if len(cols) == 1 else ibis.coalesce(*cols)


def output_columns(t: ir.Table, policy: Policy) -> dict[str, ir.Value]:
    """``value_<id>``, ``benchmark_<id>``, ``score_<id>`` for every indicator id in §8 order."""
    return {
        f"{prefix}_{ind_id}": merged(t, policy, kind, ind_id)
        for ind_id in policy.indicator_ids()
        for prefix, kind in (("value", "x"), ("benchmark", "b"), ("score", "s"))
    }
