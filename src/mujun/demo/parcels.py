"""Parcels on the map: ids, reserve land, the plot layout of each zone, 标准地 commitments.

Each zone is laid out as rows of rectangular plots (east of the zone's north-west corner, rows going
south) with a road between rows and a gap between plots. A plot's rectangle has exactly the parcel's
area on a local flat projection, so the polygon area agrees with ``area_m2`` to well under 1 %.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from mujun.demo.county import DIVISION_CODE, ZONES, Zone
from mujun.demo.model import DM2_PER_M2, Enterprise, Holding, mu_to_dm2

ROAD_M = 24.0
GAP_M = 8.0
M_PER_DEG_LAT = 110_574.0
RESERVE = {"ZZ": 6, "CS": 3}
PENALTY_NOTES = (
    "亩均税收未达约定的，按差额的1倍支付违约金",
    "投资强度未达约定的，按未达比例收回相应土地或支付违约金",
    "达产复核不合格且整改期满仍未达标的，由政府按原价收回土地使用权",
    "单位能耗超过约定的，按超出部分实行用能差别化价格并限期整改",
)


def m_per_deg_lon(lat: float) -> float:
    return 111_320.0 * math.cos(math.radians(lat))


@dataclass(frozen=True)
class Commitment:
    """What a 标准地 buyer signed: checked at 达产复核 after ``years_to_attainment`` years."""

    holding: Holding
    investment_intensity_wan_per_mu: float
    plot_ratio: float
    tax_per_mu_wan: float
    energy_per_va_tce: float
    years_to_attainment: int
    penalty_note: str


def add_reserve_land(rng: np.random.Generator) -> list[Holding]:
    """Government reserve plots (no owner yet) in the new zones."""
    return [Holding(owner=None, zone=zone, area_dm2=mu_to_dm2(float(rng.uniform(20, 60))),
                    acquired=None, agreed_start=None, construction_start=None,
                    standard_land=False)
            for zone, n in RESERVE.items() for _ in range(n)]


def _sort_key(h: Holding) -> tuple[date, str, int]:
    return (h.acquired or date.max, h.owner or "~", h.area_dm2)


def lay_out(holdings: list[Holding]) -> None:
    """Number the parcels of each zone in order of acquisition and draw their rectangles."""
    by_zone: dict[str, list[Holding]] = {}
    for h in holdings:
        by_zone.setdefault(h.zone, []).append(h)
    for zone in ZONES:
        plots = sorted(by_zone.get(zone.code, []), key=_sort_key)
        _lay_out_zone(zone, plots)


def _lay_out_zone(zone: Zone, plots: list[Holding]) -> None:
    kx, ky = m_per_deg_lon(zone.lat), M_PER_DEG_LAT
    x = y = row_depth = 0.0
    for n, h in enumerate(plots, start=1):
        h.parcel_id = f"{DIVISION_CODE}-{zone.code}-{n:03d}"
        area = h.area_dm2 / DM2_PER_M2
        depth = min(max(math.sqrt(area / 1.4), 15.0), 260.0)
        width = area / depth
        if x > 0 and x + width > zone.row_width_m:
            x, y, row_depth = 0.0, y + row_depth + ROAD_M, 0.0
        west, east = zone.lon + x / kx, zone.lon + (x + width) / kx
        north, south = zone.lat - y / ky, zone.lat - (y + depth) / ky
        # counter-clockwise exterior ring (RFC 7946), closed
        corners = [(west, north), (west, south), (east, south), (east, north), (west, north)]
        h.ring = [(round(lon, 7), round(lat, 7)) for lon, lat in corners]
        x += width + GAP_M
        row_depth = max(row_depth, depth)


def draw_commitments(rng: np.random.Generator, holdings: list[Holding],
                     production: dict[str, date | None]) -> list[Commitment]:
    """The commitments of the 标准地 parcels; a buyer that went into production in 2022 or 2023
    signed for attainment within two or three years (reviewed in 2024–2026, land.md §3)."""
    out = []
    for h in sorted((h for h in holdings if h.standard_land), key=lambda h: h.parcel_id):
        low, high, tax_low, tax_high = {"ZZ": (350, 500, 25, 35), "CS": (300, 420, 18, 28)}.get(
            h.zone, (250, 350, 15, 25))
        out.append(Commitment(
            holding=h,
            investment_intensity_wan_per_mu=float(rng.integers(low // 10, high // 10 + 1) * 10),
            plot_ratio=round(float(rng.uniform(1.2, 2.2)), 1),
            tax_per_mu_wan=float(rng.integers(tax_low, tax_high + 1)),
            energy_per_va_tce=float(rng.choice([0.25, 0.3, 0.35, 0.4, 0.5])),
            years_to_attainment=int(rng.choice(
                [2, 3] if (start := production.get(h.owner or "")) and 2022 <= start.year <= 2023
                else [3, 3, 3, 4, 5])),
            penalty_note=str(rng.choice(PENALTY_NOTES)),
        ))
    return out


def all_holdings(enterprises: list[Enterprise], reserve: list[Holding]) -> list[Holding]:
    return [h for e in enterprises for h in e.holdings] + reserve


def feature(h: Holding, zone: Zone) -> dict[str, object]:
    def iso(d: date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in h.ring]]},
        "properties": {
            "parcel_id": h.parcel_id,
            "zone": zone.name,
            "town": zone.town,
            "owner_uscc": h.owner,
            "area_m2": h.area_dm2 / DM2_PER_M2,
            "use": "工业",
            "acquired": iso(h.acquired),
            "agreed_start": iso(h.agreed_start),
            "construction_start": iso(h.construction_start),
            "standard_land": h.standard_land,
            "land_price_wan": h.land_price_wan,
            "floor_area_m2": h.floor_area_m2,
            "delay_cause": h.delay_cause,
        },
    }
