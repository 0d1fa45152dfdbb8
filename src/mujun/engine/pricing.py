"""资源要素差别化 pricing and the low-efficiency flag (evaluation.md §6)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from mujun.engine.policy import ClassRates, Policy


def _rate(t: ir.Table, rates: ClassRates) -> ir.FloatingValue:
    return ibis.cases(
        *((t["class"] == k, float(getattr(rates, k))) for k in ("A", "B", "C", "D")),
        else_=ibis.null("float64"),
    )


def pricing_columns(t: ir.Table, policy: Policy) -> dict[str, ir.Value]:
    """Surcharges and the land-use-tax reduction in 万元, for every evaluated enterprise."""
    p = policy.pricing
    tax_due = t.land_use_tax_due.fill_null(t.land_owned_m2 * p.land_use_tax_yuan_per_m2 / 10000)
    return {
        "electricity_surcharge_wan": t.electricity_kwh.fill_null(0.0)
        * _rate(t, p.electricity_surcharge_yuan_per_kwh)
        / 10000,
        "water_surcharge_wan": t.water_t.fill_null(0.0)
        * _rate(t, p.water_surcharge_yuan_per_t)
        / 10000,
        "land_tax_reduction_wan": _rate(t, p.land_use_tax_reduction) * tax_due,
    }


def low_efficiency(t: ir.Table, policy: Policy) -> ir.BooleanValue:
    """低效用地: tax per mu under the county's line, or class D (a missing tax flags only via D)."""
    below_line = (t.tax_paid / t.land_mu < policy.low_efficiency.tax_per_mu_below).fill_null(False)
    return ibis.cases(
        (t.group.isnull(), ibis.null("boolean")),
        else_=below_line | (t["class"] == "D"),
    )
