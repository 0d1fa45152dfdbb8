"""Bonus, penalty, veto and the rounded score (evaluation.md §4)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from mujun.engine.policy import Policy

#: width of the zero-padded file position used to order veto reasons
_POS_WIDTH = 12


def bonus(t: ir.Table, policy: Policy) -> ir.FloatingValue:
    """The applied bonus: the flags' points summed and capped at ``bonus_cap``."""
    adj = policy.adjustments
    total: ir.Value = ibis.literal(0.0)
    for flag, points in adj.bonus.items():
        total = total + ibis.cases((t[flag], float(points)), else_=0.0)
    # the flags are never null, nor is their sum: ``least`` without the null guard of ``clip``,
    # which repeats the sum three times in the compiled SQL
    return ibis.least(float(adj.bonus_cap), total)


def incident_effects(incidents: ir.Table, policy: Policy, year: int) -> ir.Table:
    """One row per credit code with incidents in ``year``: ``penalty``, ``vetoed``, ``veto_reason``.

    ``incidents`` carries ``uscc``, ``year``, ``type`` and ``_pos`` (its row in the file); the veto
    reason lists each veto type once, in the order the types first appear in the file.
    """
    adj = policy.adjustments
    # read twice (the penalties and the vetoes): named, it is a common table expression of the
    # SQL, which DuckDB materialises once instead of scanning the input twice (each Arrow scan of
    # the prepared plan costs ≈ 0.3 ms to start; docs/benchmarks.md, "The class statement's
    # fixed cost")
    of_year = incidents.filter(incidents.year == year).alias("mujun_incidents_of_year")
    points = ibis.cases(
        *((of_year.type == code, float(p)) for code, p in adj.penalty_per_incident.items()),
        else_=0.0,
    )
    penalties = of_year.group_by("uscc").aggregate(penalty=points.sum().cast("float64"))
    if not adj.veto:
        return penalties.mutate(vetoed=ibis.literal(False), veto_reason=ibis.null("string"))
    vetoes = of_year.filter(of_year.type.isin(adj.veto))
    first_seen = vetoes.group_by(["uscc", "type"]).aggregate(pos=vetoes._pos.min())
    ordered_key = first_seen.pos.cast("string").lpad(_POS_WIDTH, "0") + ":" + first_seen.type
    reasons = first_seen.group_by("uscc").aggregate(keys=ordered_key.collect())
    reasons = reasons.mutate(
        veto_reason=reasons.keys.sort().map(lambda k: k.split(":")[1]).join(";")
    ).drop("keys")
    joined = penalties.left_join(reasons, penalties.uscc == reasons.uscc).drop("uscc_right")
    return joined.mutate(vetoed=joined.veto_reason.notnull())


def round_score(raw: ir.FloatingValue) -> ir.FloatingValue:
    """``round(max(0, raw), 4)``, half away from zero, as ``floor(x·10⁴ + 0.5) / 10⁴``.

    The score is never negative here, so half away from zero is half up. The same float formula
    runs on every backend, so DuckDB and Spark round identically.
    """
    clipped = raw.clip(lower=0.0)
    return (clipped * 10000 + 0.5).floor().cast("float64") / 10000
