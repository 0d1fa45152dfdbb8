"""Leases of part of a built parcel from a large enterprise to a small one without land of its own.

A lease counts in the land fields of every year it overlaps, for both sides; it lies within the
years both enterprises appear in the tables and never exceeds a third of the parcel.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np

from mujun.demo.county import LAST_YEAR
from mujun.demo.economics import ABOVE_SCALE_REVENUE
from mujun.demo.model import Enterprise, Lease, mu_to_dm2

LEASES = 30
_LATEST_START = date(LAST_YEAR, 6, 30)


def draw_leases(rng: np.random.Generator, enterprises: list[Enterprise]) -> list[Lease]:
    lessors = [(e, e.first_year) for e in enterprises
               if e.first_year is not None and e.left_year is None
               and e.revenue.get(LAST_YEAR, 0.0) >= ABOVE_SCALE_REVENUE
               and any(h.construction_start for h in e.holdings)]
    lessees = [(e, e.first_year) for e in enterprises if e.first_year is not None
               and not e.holdings and e.revenue[e.first_year] < ABOVE_SCALE_REVENUE]
    leases: list[Lease] = []
    lessor_order = rng.permutation(len(lessors))
    lessee_order = rng.permutation(len(lessees))
    for i, j in zip(lessor_order, lessee_order, strict=False):
        (lessor, lessor_first), (lessee, lessee_first) = lessors[int(i)], lessees[int(j)]
        # the largest built parcel
        built, h = max(((h.construction_start, h) for h in lessor.holdings
                        if h.construction_start is not None),
                       key=lambda pair: (pair[1].area_dm2, pair[1].parcel_id))
        low = max(built + timedelta(days=365), date(max(lessor_first, lessee_first), 1, 1))
        if low > _LATEST_START:
            continue
        start = low + timedelta(days=int(rng.integers(0, (_LATEST_START - low).days + 1)))
        end = date(start.year + int(rng.choice([3, 5])), start.month, 1) - timedelta(days=1)
        if lessee.left_year is not None:
            end = min(end, date(lessee.left_year - 1, 12, 31))
        if end < start:
            continue
        area = min(round(h.area_dm2 * float(rng.uniform(0.08, 0.3))), mu_to_dm2(15))
        leases.append(Lease(h, lessor.uscc, lessee.uscc, area, start, end))
        if len(leases) == LEASES:
            break
    return leases


def leased_dm2(leases: list[Lease], year: int) -> tuple[Counter[str], Counter[str]]:
    """Area leased in and leased out per credit code in ``year``."""
    leased_in: Counter[str] = Counter()
    leased_out: Counter[str] = Counter()
    for lease in leases:
        if lease.covers(year):
            leased_in[lease.lessee] += lease.area_dm2
            leased_out[lease.lessor] += lease.area_dm2
    return leased_in, leased_out
