"""The signals and levels of monitoring (docs/monitoring.md), as ibis expressions.

Written once, compiled for DuckDB or Spark like the evaluation's rules (``engine/backends.py``).
One aggregation pivots each enterprise's readings of the fifteen months M−14 … M into columns
``k0`` (M) … ``k14`` (M−14); the signals are sums of those columns taken in a fixed order (the
earliest month first), never a backend's aggregate ``sum``, so that every backend — and the
row-by-row reference in ``bench/`` — adds the same numbers in the same order and gets the same
bits.
"""

from __future__ import annotations

from functools import reduce

import ibis
import ibis.expr.types as ir

from mujun.engine.monitoring.names import LEVELS, OUTPUT_COLUMNS, WINDOW
from mujun.engine.policy import MonitoringRules

__all__ = ["LEVELS", "OUTPUT_COLUMNS", "WINDOW", "per_enterprise", "signals"]

#: the three months of kwh_3m, of kwh_3m_last_year and the twelve of the baseline, earliest first
RECENT = (2, 1, 0)
LAST_YEAR = (14, 13, 12)
BASELINE = tuple(range(13, 1, -1))


def _col(back: int) -> str:
    return f"k{back}"


def per_enterprise(t: ir.Table) -> ir.Table:
    """One row per enterprise with a reading in or before M: its readings of M … M−14 (null =
    missing) and ``earlier``, the count of its readings before M−1 (only whether it is above 0
    counts). ``t.back`` is how many months before M a reading is (``as_of − month`` on month
    indices, ``engine/monitoring/months.py``; below 0 for a month after M), so that the
    compiled rules do not depend on M. Expects one reading per (uscc, month), as the power
    reader (``io/power.py``) guarantees."""
    t = t.filter(t.back >= 0)
    pivot = {_col(b): t.kwh.max(where=t.back == b) for b in range(WINDOW)}
    return t.group_by("uscc").aggregate(earlier=t.back.count(where=t.back > 1), **pivot)


def _ordered_sum(values: list[ir.FloatingValue]) -> ir.FloatingValue:
    return reduce(lambda total, v: total + v, values)


def signals(p: ir.Table, rules: MonitoringRules) -> ir.Table:
    """The §2 signals and the level of each enterprise, from :func:`per_enterprise`'s table."""
    k = {b: p[_col(b)] for b in range(WINDOW)}
    no_number = ibis.null("float64")
    # a sum of columns is null as soon as one is: defined only when all three months are present
    kwh_3m = _ordered_sum([k[b] for b in RECENT])
    kwh_3m_last_year = _ordered_sum([k[b] for b in LAST_YEAR])
    yoy_3m = ibis.cases(
        ((kwh_3m.notnull() & (kwh_3m_last_year > 0)), kwh_3m / kwh_3m_last_year - 1),
        else_=no_number,
    )
    present = _ordered_sum([k[b].notnull().cast("int64") for b in BASELINE])
    # a missing month adds 0.0, which leaves the sum of the present months unchanged exactly
    baseline = ibis.cases(
        (present >= rules.min_baseline_months,
         _ordered_sum([k[b].fill_null(0.0) for b in BASELINE]) / present.cast("float64")),
        else_=no_number,
    )
    stop_line = baseline * rules.stop_share
    silent = k[0].isnull() & k[1].isnull() & (p.earlier > 0)
    stopped = (baseline > 0) & (k[0] < stop_line) & (k[1] < stop_line)
    declining = yoy_3m <= -rules.decline_share
    level = ibis.cases(
        (silent, "silent"),
        (stopped.fill_null(False), "stopped"),
        (declining.fill_null(False), "declining"),
        else_="normal",
    )
    return p.select(
        uscc=p.uscc,
        kwh_3m=kwh_3m.cast("float64"),
        kwh_3m_last_year=kwh_3m_last_year.cast("float64"),
        yoy_3m=yoy_3m,
        baseline=baseline,
        level=level,
    )
