"""A straightforward row-by-row Python implementation of docs/monitoring.md §2, the reference the
engine is measured against (``bench/monitor.py``) and checked against (the tests).

Plain dicts and loops, written from the text of the rules: each enterprise's readings by month,
then the signals month by month. Sums add the months earliest first, as the engine does, so the
two agree to the bit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

STOP_SHARE = 0.1
DECLINE_SHARE = 0.3
MIN_BASELINE_MONTHS = 6


def monitor(readings: Iterable[tuple[str, int, float]], as_of: int, *,
            min_baseline_months: int = MIN_BASELINE_MONTHS, stop_share: float = STOP_SHARE,
            decline_share: float = DECLINE_SHARE) -> list[dict[str, Any]]:
    """``readings``: (uscc, month index, kWh), one per enterprise and month; ``as_of``: the month
    index of M. One dict per enterprise with a reading in or before M, ordered by uscc."""
    by_enterprise: dict[str, dict[int, float]] = {}
    for code, month, kwh in readings:
        if month <= as_of:
            by_enterprise.setdefault(code, {})[month] = kwh
    out = []
    for code in sorted(by_enterprise):
        kwh = by_enterprise[code]

        def total(first: int, last: int, kwh: dict[int, float] = kwh) -> float | None:
            values = [kwh.get(m) for m in range(first, last + 1)]
            if any(v is None for v in values):
                return None
            result = 0.0
            for v in values:
                assert v is not None
                result += v
            return result

        kwh_3m = total(as_of - 2, as_of)
        kwh_3m_last_year = total(as_of - 14, as_of - 12)
        yoy_3m = None
        if kwh_3m is not None and kwh_3m_last_year is not None and kwh_3m_last_year > 0:
            yoy_3m = kwh_3m / kwh_3m_last_year - 1
        present = [kwh[m] for m in range(as_of - 13, as_of - 1) if m in kwh]
        baseline = None
        if len(present) >= min_baseline_months:
            summed = 0.0
            for v in present:
                summed += v
            baseline = summed / len(present)
        this, last = kwh.get(as_of), kwh.get(as_of - 1)
        if this is None and last is None and any(m < as_of - 1 for m in kwh):
            level = "silent"
        elif (baseline is not None and baseline > 0 and this is not None and last is not None
              and this < baseline * stop_share and last < baseline * stop_share):
            level = "stopped"
        elif yoy_3m is not None and yoy_3m <= -decline_share:
            level = "declining"
        else:
            level = "normal"
        out.append({"uscc": code, "kwh_3m": kwh_3m, "kwh_3m_last_year": kwh_3m_last_year,
                    "yoy_3m": yoy_3m, "baseline": baseline, "level": level})
    return out
