"""The land contract of each parcel (出让合同): price, floor area built, delay cause; and the few
idle plots of the small-micro parks.

Prices are 万元 per 亩 of industrial land in 松阳 (about 10–40, dearer in the newer zones and rising
about 4 % a year); floor areas give plot ratios mostly between 1.0 and 2.0, a 标准地 parcel's near
its committed ratio (a few below it: breaches at 达产复核); the county accepted the delay of a few
unbuilt parcels in the new zone (征地拆迁, 政府规划调整) and one in the old park (flood damage,
不可抗力), so those are ``excused`` rather than idle.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from mujun.demo.county import LAST_YEAR
from mujun.demo.model import DM2_PER_M2, Enterprise, Holding, mu_to_dm2
from mujun.demo.parcels import Commitment

#: 万元 per 亩 in 2020, by zone (the towns' sites: the default)
PRICE_PER_MU_2020 = {"ZZ": 26.0, "SY": 22.0, "CS": 18.0, "XW": 20.0, "GX": 17.0}
TOWN_PRICE_PER_MU_2020 = 14.0
PRICE_GROWTH = 0.04
DM2_PER_MU = mu_to_dm2(1)
_END = date(LAST_YEAR, 12, 31)
#: (zone, cause) of the excused parcels, in the order they are given
EXCUSED = (("ZZ", "government"), ("ZZ", "government"), ("SY", "force_majeure"))


def add_small_micro_idle(rng: np.random.Generator, enterprises: list[Enterprise]) -> None:
    """Two plots each in 水南 and 古市 小微企业园 bought by their tenants and never built on: one
    bought in 2022 (reclaimable by the end of 2025), one in the first half of 2024 (idle)."""
    for zone in ("XW", "GX"):
        tenants = sorted((e for e in enterprises
                          if e.zone == zone and e.holdings and e.established.year < 2021),
                         key=lambda e: e.uscc)
        picks = rng.choice(len(tenants), 2, replace=False)
        for pick, (start, end) in zip(picks, ((date(2022, 2, 1), date(2022, 9, 30)),
                                              (date(2024, 1, 10), date(2024, 6, 30))),
                                      strict=True):
            e = tenants[int(pick)]
            acquired = date.fromordinal(start.toordinal()
                                        + int(rng.integers(0, (end - start).days + 1)))
            agreed = date.fromordinal(acquired.toordinal() + int(rng.integers(90, 181)))
            e.holdings.append(Holding(
                owner=e.uscc, zone=zone, area_dm2=mu_to_dm2(float(rng.uniform(3, 9))),
                acquired=acquired, agreed_start=agreed, construction_start=None,
                standard_land=False))


def draw_contracts(rng: np.random.Generator, holdings: list[Holding],
                   commitments: list[Commitment]) -> None:
    """Fill each owned parcel's price, floor area and delay cause (reserve land has none)."""
    ratio = {id(c.holding): c.plot_ratio for c in commitments}
    for h in sorted(holdings, key=lambda h: h.parcel_id):
        if h.owner is None or h.acquired is None:
            continue
        mu = h.area_dm2 / DM2_PER_MU
        per_mu = PRICE_PER_MU_2020.get(h.zone, TOWN_PRICE_PER_MU_2020) \
            * max((1 + PRICE_GROWTH) ** (h.acquired.year - 2020), 0.5) \
            * float(rng.uniform(0.85, 1.15))
        # a few contracts of the 1990s and 2000s are not in the land department's records
        missing = h.acquired.year < 2008 and rng.random() < 0.05
        h.land_price_wan = None if missing else round(per_mu * mu, 2)
        if h.construction_start is None or h.construction_start > _END:
            continue
        committed = ratio.get(id(h))
        if committed is not None:
            plot_ratio = committed * float(rng.uniform(0.8, 1.25))
        elif rng.random() < 0.1:
            plot_ratio = float(rng.uniform(0.6, 1.0))
        else:
            plot_ratio = float(rng.uniform(1.0, 2.0))
        h.floor_area_m2 = round(plot_ratio * h.area_dm2 / DM2_PER_M2, 2)
    _excuse(holdings)


def _excuse(holdings: list[Holding]) -> None:
    late = sorted((h for h in holdings if h.owner and h.agreed_start is not None
                   and h.agreed_start < _END and h.construction_start is None),
                  key=lambda h: h.parcel_id)
    for zone, cause in EXCUSED:
        h = next((h for h in late if h.zone == zone and h.delay_cause is None), None)
        if h is not None:
            h.delay_cause = cause
