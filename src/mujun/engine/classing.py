"""Ranks, classes and the upgrade path (evaluation.md §5)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from mujun.engine.policy import GROUPS, Policy

NEXT_CLASS = {"B": "A", "C": "B", "D": "C"}
TAX_INDICATOR = "tax_per_mu"


def population(t: ir.Table) -> ir.BooleanValue:
    """The group's evaluated enterprises that are not vetoed."""
    return t.group.notnull() & ~t.vetoed.fill_null(False)


def _rank_columns(t: ir.Table, *by: ir.Value) -> dict[str, ir.Value]:
    """``_rank`` (1 + how many in the partition score strictly higher) and ``_n`` (the
    partition's size), partitioned by ``by`` and the group."""
    # a policy's groups are two at most (``policy.GROUPS``), so a test of the group's name parts
    # the population as the name does, and a one-byte key sorts faster than the text
    part = t.group == GROUPS[0] if len(GROUPS) == 2 else t.group
    order = ibis.desc(t.score)
    ranked_ = ibis.window(group_by=[*by, part], order_by=order)
    # the count's frame is the whole partition, under the rank's order: one sort serves both
    members = ibis.window(group_by=[*by, part], order_by=order, rows=(None, None))
    return {"_rank": ibis.rank().over(ranked_) + 1, "_n": t._row.count().over(members)}


def ranks(t: ir.Table) -> ir.Table:
    """``_row``, ``group``, ``score``, ``_rank`` (1 + how many score strictly higher) and ``_n``
    (the population's size) of each population member (``_pop``), per group.

    The window reads the population's ``_row``, group and score alone: a window materialises
    and sorts every column it is given, and on the staged DuckDB plan this table is laid beside
    the rows by position (``query.class_query``'s ``placed``), which costs less than sorting
    them (the other plans: ``ranked``). The lowest score held in each class (``lowest_held``)
    is read from this table too, so that the class query does not read its own rows twice
    (DuckDB materialises a query read twice; docs/benchmarks.md, "Evaluation engine")."""
    pop = t.filter(t._pop).select("_row", "group", "score")
    return pop.select("_row", "group", "score", **_rank_columns(pop))


def ranked(t: ir.Table) -> ir.Table:
    """The scored table (with ``_pop``) with ``_rank`` and ``_n`` as ``ranks`` gives them, on
    every row: null outside the population.

    The window runs over every row (the population and the rest in partitions of their own), so
    no join by ``_row`` puts its result back: on the prepared DuckDB plan (``engine/plan.py``,
    where this table is a common table expression of the class query) a join and a second window
    input cost more than sorting the few more columns (docs/benchmarks.md, "The class
    statement's fixed cost")."""
    outside = ibis.null("int64")
    return t.mutate(**{
        name: ibis.cases((t._pop, value), else_=outside)
        for name, value in _rank_columns(t, t._pop).items()
    })


def _member_class(t: ir.Table, policy: Policy) -> ir.StringValue:
    """The class of a population member, from its group's ``_rank`` and ``_n`` or ``score``."""
    by_group = []
    for group, spec in policy.groups.items():
        c = spec.classification
        if c.method == "percentile":
            # p = rank / N compared exactly with the decimal cut-off num/den: rank·den ≤ num·N
            tests = [
                (t._rank * c.cutoff(k).denominator <= t._n * c.cutoff(k).numerator, k)
                for k in ("A", "B", "C")
            ]
        else:
            tests = [(t.score >= getattr(c, k), k) for k in ("A", "B", "C")]
        by_group.append((t.group == group, ibis.cases(*tests, else_="D")))
    return ibis.cases(*by_group, else_=ibis.null("string"))


def with_class(t: ir.Table, policy: Policy) -> ir.Table:
    """Adds ``rank``, ``population_size`` and ``class`` to the scored table (with ``_pop``) that
    carries its ``_rank`` and ``_n`` (null outside the population)."""
    cls = ibis.cases(
        (t.group.isnull(), ibis.null("string")),
        (~t._pop, "D"),
        else_=_member_class(t, policy),
    )
    # ``_rank`` and ``_n`` are null outside the population (no row of ``ranks``)
    return t.mutate(**{"class": cls}).rename(rank="_rank", population_size="_n")


def _lowest_columns(policy: Policy) -> dict[tuple[str, str], str]:
    """The column of ``lowest_held`` for each group and class that a class moves up to."""
    return {(g, k): f"_lowest__{g}__{k}" for g in policy.groups for k in NEXT_CLASS.values()}


def lowest_held(ranked: ir.Table, policy: Policy) -> ir.Table:
    """One row: the lowest score held in each group's class (a column for each, null when the
    class holds nobody), from the population's ``ranks``."""
    member = _member_class(ranked, policy)
    return ranked.aggregate(
        **{name: ranked.score.min(where=(ranked.group == group) & (member == k))
           for (group, k), name in _lowest_columns(policy).items()}
    )


def with_upgrade_path(t: ir.Table, held: ir.Table, policy: Policy) -> ir.Table:
    """Adds ``next_class``, ``_extra_tax`` and ``_unreachable`` (the two parts of the §5 path);
    ``held``: the population's ``lowest_held``."""
    next_cls = ibis.cases(
        *((t["class"] == k, v) for k, v in NEXT_CLASS.items()), else_=ibis.null("string")
    )
    t = t.mutate(_next=ibis.cases((t._pop, next_cls), else_=ibis.null("string")))
    # the one row laid beside every row: a join on the group and class would move the rows
    # (DuckDB's LEFT join returns each vector's matched rows first), this keeps them in order
    lowest = _lowest_columns(policy)
    t = t.cross_join(held)
    t = t.mutate(_lowest=ibis.cases(
        *(((t.group == group) & (t._next == k), t[name]) for (group, k), name in lowest.items()),
        else_=ibis.null("float64"),
    )).drop(*lowest.values())

    target_by_group = []
    for group, spec in policy.groups.items():
        c = spec.classification
        if c.method == "percentile":
            target: ir.Value = t._lowest
        else:
            target = ibis.cases(
                *((t._next == k, float(getattr(c, k))) for k in ("A", "B", "C")),
                else_=ibis.null("float64"),
            )
        target_by_group.append((t.group == group, target))
    t = t.mutate(_target=ibis.cases(*target_by_group, else_=ibis.null("float64")))

    tax_terms = []
    for group in policy.groups:
        ind = next((i for i in policy.resolved(group) if i.id == TAX_INDICATOR), None)
        if ind is None or ind.weight <= 0:
            continue  # no path by tax alone: `unreachable`
        # r is never null in the group, and the term is taken only there: greatest/least clip it
        # without the null guards of ``clip`` (as the indicator scores do, ``indicators.py``).
        # The ratio and benchmark columns merge the groups' (``indicators.merged``): in a row's
        # own group they are its group's.
        r = ibis.greatest(0.0, ibis.least(float(ind.cap), t[f"ratio_{ind.id}"]))
        b = t[f"benchmark_{ind.id}"]
        delta = t._target - t.raw_score
        reachable = (b > 0) & (delta <= ind.weight * (ind.cap - r))
        # the spec's (r + Δs/w)·b·land_mu − tax, divided by the indicator's scale (1 by default)
        extra = (r + delta / ind.weight) * b * t.land_mu / ind.scale - t.tax_paid.fill_null(0.0)
        tax_terms.append(((t.group == group) & reachable, extra))

    no_number = ibis.null("float64")
    extra = ibis.cases(*tax_terms, else_=no_number) if tax_terms else no_number
    has_path = t._next.notnull() & t._target.notnull()
    t = t.mutate(
        next_class=ibis.cases((has_path, t._next), else_=ibis.null("string")),
        _extra_tax=ibis.cases((has_path, extra), else_=no_number),
    )
    t = t.mutate(_unreachable=has_path & t._extra_tax.isnull())
    return t.drop("_next", "_lowest", "_target")
