"""Ranks, classes and the upgrade path (evaluation.md §5)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from mujun.engine.indicators import col
from mujun.engine.policy import Policy

NEXT_CLASS = {"B": "A", "C": "B", "D": "C"}
TAX_INDICATOR = "tax_per_mu"


def _population(t: ir.Table) -> ir.BooleanValue:
    """The group's evaluated enterprises that are not vetoed."""
    return t.group.notnull() & ~t.vetoed.fill_null(False)


def with_rank_and_class(t: ir.Table, policy: Policy) -> ir.Table:
    """Adds ``rank`` (1 + how many score strictly higher), ``population_size`` and ``class``."""
    t = t.mutate(_pop=_population(t))
    # one window pass over the whole table, partitioned by (group, in the population): the rank
    # among the population's rows is the same as on the population alone, with no join back
    # (the count's frame is the whole partition, under the rank's order: one sort serves both)
    by = [t.group, t._pop]
    ranked = ibis.window(group_by=by, order_by=ibis.desc(t.score))
    members = ibis.window(group_by=by, order_by=ibis.desc(t.score), rows=(None, None))
    t = t.mutate(_rank=ibis.rank().over(ranked) + 1, _n=t._row.count().over(members))
    rank = ibis.cases((t._pop, t._rank), else_=ibis.null("int64"))
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
    cls = ibis.cases(
        (t.group.isnull(), ibis.null("string")),
        (~t._pop, "D"),
        *by_group,
        else_=ibis.null("string"),
    )
    population_size = ibis.cases((t._pop, t._n), else_=ibis.null("int64"))
    return t.mutate(rank=rank, population_size=population_size, **{"class": cls}).drop(
        "_rank", "_n"
    )


def with_upgrade_path(t: ir.Table, policy: Policy) -> ir.Table:
    """Adds ``next_class``, ``_extra_tax`` and ``_unreachable`` (the two parts of the §5 path)."""
    next_cls = ibis.cases(
        *((t["class"] == k, v) for k, v in NEXT_CLASS.items()), else_=ibis.null("string")
    )
    t = t.mutate(_next=ibis.cases((t._pop, next_cls), else_=ibis.null("string")))
    held = t.filter(t._pop).group_by(_g=t.group, _c=t["class"]).aggregate(_lowest=t.score.min())
    t = t.left_join(held, (t.group == held._g) & (t._next == held._c)).drop("_g", "_c")

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
        r = t[col("r", group, ind.id)].clip(lower=0.0, upper=ind.cap)
        b = t[col("b", group, ind.id)]
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
