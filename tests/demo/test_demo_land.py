"""Land consistency: parcels, leases and standard land against the enterprise tables."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

from demo_helpers import features, number, rows

from mujun.demo.county import YEARS

PARCEL_ID = re.compile(r"^331124-(CS|SY|ZZ|XW|GX|T\d\d)-\d{3}$")


def _ring_area_m2(ring: list[list[float]]) -> float:
    lat0 = sum(p[1] for p in ring) / len(ring)
    kx, ky = 111_320.0 * math.cos(math.radians(lat0)), 110_574.0
    xy = [(lon * kx, lat * ky) for lon, lat in ring]
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(xy)) / 2


def _bbox(ring: list[list[float]]) -> tuple[float, float, float, float]:
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


def test_geojson_polygons_are_closed_counter_clockwise_and_sized(demo_dir: Path) -> None:
    ids = []
    for f in features(demo_dir):
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Polygon"
        (ring,) = f["geometry"]["coordinates"]
        assert len(ring) >= 4 and ring[0] == ring[-1]
        assert all(119.0 < lon < 120.0 and 28.0 < lat < 28.8 for lon, lat in ring)
        area = _ring_area_m2(ring)
        assert area > 0  # counter-clockwise
        assert abs(area - f["properties"]["area_m2"]) <= 0.01 * f["properties"]["area_m2"]
        props = f["properties"]
        assert PARCEL_ID.match(props["parcel_id"]) and props["use"] == "工业"
        ids.append(props["parcel_id"])
    assert len(set(ids)) == len(ids)


def test_zones_do_not_overlap(demo_dir: Path) -> None:
    boxes: dict[str, list[float]] = {}
    for f in features(demo_dir):
        west, south, east, north = _bbox(f["geometry"]["coordinates"][0])
        box = boxes.setdefault(f["properties"]["zone"], [west, south, east, north])
        box[:] = [min(box[0], west), min(box[1], south), max(box[2], east), max(box[3], north)]
    for (a, p), (b, q) in combinations(boxes.items(), 2):
        apart = p[2] < q[0] or q[2] < p[0] or p[3] < q[1] or q[3] < p[1]
        assert apart, (a, b)


def test_parcels_add_up_to_land_owned_every_year(demo_dir: Path) -> None:
    registry = {r["uscc"] for r in rows(demo_dir / "registry.csv")}
    parcels: dict[str, list[dict[str, Any]]] = defaultdict(list)
    reserve = 0
    for f in features(demo_dir):
        props = f["properties"]
        if props["owner_uscc"] is None:
            reserve += 1
            continue
        assert props["owner_uscc"] in registry
        parcels[props["owner_uscc"]].append(props)
    assert reserve > 0
    latest: dict[str, float] = {}
    for year in YEARS:
        for row in rows(demo_dir / f"enterprises-{year}.csv"):
            owned = sum(p["area_m2"] for p in parcels.get(row["uscc"], [])
                        if int(p["acquired"][:4]) <= year)
            assert abs(number(row["land_owned_m2"]) - owned) < 0.005, (year, row["uscc"])
            latest[row["uscc"]] = number(row["land_owned_m2"])
    for uscc, owned in latest.items():
        assert abs(owned - sum(p["area_m2"] for p in parcels.get(uscc, []))) < 0.005, uscc


def test_some_parcels_idle_and_standard_land_commitments_match(demo_dir: Path) -> None:
    props = {f["properties"]["parcel_id"]: f["properties"] for f in features(demo_dir)}
    idle = [p for p in props.values() if p["owner_uscc"] and p["construction_start"] is None
            and p["agreed_start"] < "2024-12-31"]
    assert len(idle) >= 5
    commitments = rows(demo_dir / "standard_land.csv")
    assert commitments
    for c in commitments:
        p = props[c["parcel_id"]]
        assert p["standard_land"] and p["acquired"] >= "2021"
        assert p["owner_uscc"] == c["owner_uscc"]
        assert float(c["investment_intensity_wan_per_mu"]) > 0
        assert int(c["years_to_attainment"]) >= 2
    assert {p["parcel_id"] for p in props.values() if p["standard_land"]} == \
        {c["parcel_id"] for c in commitments}


def _idle_status(p: dict[str, Any], day: str = "2025-12-31") -> str | None:
    """闲置 / 可无偿收回 on ``day`` (land.md §2); a late start the county excused is neither."""
    if not p["owner_uscc"] or not p["agreed_start"] or p["delay_cause"]:
        return None
    if p["construction_start"] and p["construction_start"] <= day:
        return None
    one, two = (f"{int(p['agreed_start'][:4]) + n}{p['agreed_start'][4:]}" for n in (1, 2))
    return "reclaimable" if day >= two else "idle" if day >= one else None


def test_parcels_carry_their_land_contract(demo_dir: Path) -> None:
    props = [f["properties"] for f in features(demo_dir)]
    owned = [p for p in props if p["owner_uscc"]]
    priced = [p for p in owned if p["land_price_wan"] is not None]
    assert len(priced) >= 0.97 * len(owned)
    assert all(p["land_price_wan"] is None and p["floor_area_m2"] is None
               for p in props if not p["owner_uscc"])
    per_mu = sorted(p["land_price_wan"] / (p["area_m2"] / (10000 / 15)) for p in priced)
    assert per_mu[0] >= 5 and per_mu[-1] <= 45 and 10 <= per_mu[len(per_mu) // 2] <= 25
    ratios = sorted(p["floor_area_m2"] / p["area_m2"] for p in owned
                    if p["floor_area_m2"] is not None)
    assert all(p["floor_area_m2"] is None for p in owned if not p["construction_start"])
    assert ratios[0] >= 0.5 and ratios[-1] <= 3.0
    assert ratios[len(ratios) // 4] >= 1.0 and ratios[3 * len(ratios) // 4] <= 2.0
    excused = [p for p in owned if p["delay_cause"]]
    assert {p["delay_cause"] for p in excused} == {"government", "force_majeure"}
    assert all(p["construction_start"] is None for p in excused)


def test_idle_and_reclaimable_parcels_in_chishou_and_the_small_micro_parks(demo_dir: Path) -> None:
    props = [f["properties"] for f in features(demo_dir)]
    for zone in ("赤寿工业园区", "水南小微企业园", "古市小微企业园"):
        statuses = {_idle_status(p) for p in props if p["zone"] == zone}
        assert {"idle", "reclaimable"} <= statuses, zone


def test_leases_match_the_leased_land_fields(demo_dir: Path) -> None:
    props = {f["properties"]["parcel_id"]: f["properties"] for f in features(demo_dir)}
    leases = rows(demo_dir / "leases.csv")
    assert len(leases) >= 10
    for lease in leases:
        parcel = props[lease["parcel_id"]]
        assert parcel["owner_uscc"] == lease["lessor_uscc"]
        assert 0 < float(lease["area_m2"]) <= parcel["area_m2"] / 3
        assert lease["start"] <= lease["end"] and lease["start"] >= parcel["acquired"]
    for year in YEARS:
        expected_in: dict[str, float] = defaultdict(float)
        expected_out: dict[str, float] = defaultdict(float)
        for lease in leases:
            if lease["start"] <= f"{year}-12-31" and lease["end"] >= f"{year}-01-01":
                expected_in[lease["lessee_uscc"]] += float(lease["area_m2"])
                expected_out[lease["lessor_uscc"]] += float(lease["area_m2"])
        table = {r["uscc"]: r for r in rows(demo_dir / f"enterprises-{year}.csv")}
        assert set(expected_in) | set(expected_out) <= set(table)
        for uscc, row in table.items():
            assert abs(number(row["land_leased_in_m2"]) - expected_in[uscc]) < 0.005
            assert abs(number(row["land_leased_out_m2"]) - expected_out[uscc]) < 0.005
            assert number(row["land_leased_out_m2"]) <= number(row["land_owned_m2"])


def test_projects_link_existing_parcels_and_enterprises(demo_dir: Path) -> None:
    parcel_ids = {f["properties"]["parcel_id"] for f in features(demo_dir)}
    registry = {r["uscc"] for r in rows(demo_dir / "registry.csv")}
    projects = rows(demo_dir / "projects.csv")
    assert {p["stage"] for p in projects} == {"negotiating", "signed", "land_supplied",
                                             "under_construction", "completed", "producing",
                                             "attained"}
    for p in projects:
        assert p["parcel_id"] == "" or p["parcel_id"] in parcel_ids
        assert p["uscc"] == "" or p["uscc"] in registry
        assert float(p["actual_investment_wan"]) <= 1.2 * float(p["planned_investment_wan"])
