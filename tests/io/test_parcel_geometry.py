"""The polygon area of a parcel against its contract area (io/parcel_geometry.py)."""

from __future__ import annotations

import math

import pytest

from mujun.io.parcel_geometry import AREA_TOLERANCE, area_problem, geodesic_area_m2

LAT = 28.4  # 松阳


def _rectangle(width_m: float, height_m: float, lon: float = 119.5, lat: float = LAT,
               clockwise: bool = False) -> list[list[float]]:
    """A rectangle measured on the WGS 84 ellipsoid at ``lat`` (its radii of curvature)."""
    e2, a = 6.694379990141316e-3, 6_378_137.0
    w = 1 - e2 * math.sin(math.radians(lat)) ** 2
    m, n = a * (1 - e2) / w ** 1.5, a / math.sqrt(w)
    dlat = math.degrees(height_m / m)
    dlon = math.degrees(width_m / (n * math.cos(math.radians(lat + dlat / 2))))
    ring = [[lon, lat], [lon + dlon, lat], [lon + dlon, lat + dlat], [lon, lat + dlat], [lon, lat]]
    return ring[::-1] if clockwise else ring


@pytest.mark.parametrize(("width", "height"), [(100, 100), (250, 80), (20, 30), (900, 600)])
def test_a_rectangle_measures_its_area(width: float, height: float) -> None:
    area = geodesic_area_m2({"type": "Polygon", "coordinates": [_rectangle(width, height)]})
    assert area == pytest.approx(width * height, rel=1e-4)


def test_orientation_does_not_matter_and_holes_are_subtracted() -> None:
    outer = _rectangle(200, 100, clockwise=True)
    hole = _rectangle(50, 40, lon=119.5003, lat=LAT + 0.0002)
    area = geodesic_area_m2({"type": "Polygon", "coordinates": [outer, hole]})
    assert area == pytest.approx(200 * 100 - 50 * 40, rel=1e-4)
    two = {"type": "MultiPolygon", "coordinates": [[_rectangle(100, 100)],
                                                   [_rectangle(100, 50, lon=119.51)]]}
    assert geodesic_area_m2(two) == pytest.approx(15000, rel=1e-4)


def test_a_one_degree_cell_at_the_equator() -> None:
    """On the ellipsoid a 1° × 1° cell at the equator is 12,308,778,361 m² (GeographicLib);
    the local sphere is fine for parcels but still within 0.2 % at this size."""
    cell = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    area = geodesic_area_m2({"type": "Polygon", "coordinates": [cell]})
    assert area == pytest.approx(12_308_778_361, rel=2e-3)


def test_plausible_within_the_tolerance_only() -> None:
    geometry = {"type": "Polygon", "coordinates": [_rectangle(100, 100)]}
    assert area_problem("f.geojson", 3, geometry, 10000 * (1 + AREA_TOLERANCE * 0.99)) is None
    assert area_problem("f.geojson", 3, None, 1.0) is None
    problem = area_problem("f.geojson", 3, geometry, 9000)
    assert problem is not None and (problem.line, problem.column, problem.value) == \
        (3, "geometry", "10000 m²")
    assert problem.reason.startswith(
        "图形面积 10000 平方米与出让面积 9000 平方米相差 11.1%，超过 5%")
    flat = {"type": "Polygon", "coordinates": [[[119.5, 28.4], [119.6, 28.4], [119.5, 28.4],
                                                [119.5, 28.4]]]}
    empty = area_problem("f.geojson", 4, flat, 100)
    assert empty is not None and empty.reason == "图形面积为零 (the polygon has no area)"
