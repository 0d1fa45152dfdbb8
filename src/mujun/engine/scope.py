"""参评范围 (evaluation.md §2): who is evaluated, in which group, and why the others are exempt."""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from mujun.engine.fields import M2_PER_MU
from mujun.engine.policy import Policy


def land_mu(t: ir.Table) -> ir.FloatingValue:
    """``(owned + leased in − leased out) / (10000/15)``; empty land cells count as 0."""
    area = (
        t.land_owned_m2.fill_null(0)
        + t.land_leased_in_m2.fill_null(0)
        - t.land_leased_out_m2.fill_null(0)
    )
    return area / M2_PER_MU


def exempt_reason(t: ir.Table, policy: Policy, year: int) -> ir.StringValue:
    """The first matching exemption, in the order of §2; null for an evaluated enterprise.

    Needs the ``land_mu`` column.
    """
    first_full_year = date(year - policy.scope.min_full_years_in_production + 1, 1, 1)
    natural_group = ibis.cases((t.above_scale, "above"), else_="below")
    return ibis.cases(
        (t.production_start > ibis.literal(first_full_year), "new"),
        (t.land_mu.isnull() | (t.land_mu <= 0), "no_land"),
        (~t.above_scale & (t.land_mu < policy.scope.below_scale_min_land_mu), "small_land"),
        (~natural_group.isin(list(policy.groups)), "out_of_scope"),
        else_=ibis.null("string"),
    )


def group_of(t: ir.Table) -> ir.StringValue:
    """``above`` or ``below`` for evaluated enterprises, null for exempt ones.

    Needs the ``exempt_reason`` column.
    """
    return ibis.cases(
        (t.exempt_reason.notnull(), ibis.null("string")),
        (t.above_scale, "above"),
        else_="below",
    )
