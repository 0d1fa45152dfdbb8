"""Is a parcel's drawn polygon plausible for its contract area? (docs/land.md, "地块导入")

The reader (``io/land.py``) checks that a geometry is well formed: closed rings of WGS 84
positions. Here its area is measured and compared with ``area_m2`` (出让面积): a polygon whose area
differs by more than :data:`AREA_TOLERANCE` is a row error, as is a polygon of no area.

The area is the spherical-excess sum of each ring (Chamberlain & Duquette, *Some algorithms for
polygons on a sphere*, 2007 — what turf's ``area`` computes), on the sphere that osculates the
WGS 84 ellipsoid at the polygon's latitude (radius √(M·N)): for a parcel a few hundred metres
across this agrees with the ellipsoidal area to far better than 0.1 %, with no map-projection
library (none is among the project's dependencies, and a county's parcels do not need one).
Holes are subtracted; the rings' orientation does not matter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from mujun.io.problems import Problem

#: the largest relative difference between the polygon's area and ``area_m2`` that is accepted
AREA_TOLERANCE = 0.05
_A = 6_378_137.0  # WGS 84 semi-major axis (m)
_E2 = 6.694379990141316e-3  # WGS 84 first eccentricity squared

Ring = Sequence[Sequence[float]]


def _radius_squared(lat_deg: float) -> float:
    """M·N: the Gaussian curvature radius squared of the ellipsoid at ``lat_deg``."""
    s2 = math.sin(math.radians(lat_deg)) ** 2
    w = 1 - _E2 * s2
    return (_A * (1 - _E2) / w ** 1.5) * (_A / math.sqrt(w))


def _ring_excess(ring: Ring) -> float:
    """The ring's signed area on the unit sphere."""
    total = 0.0
    for (lon1, lat1, *_), (lon2, lat2, *_) in pairwise(ring):
        total += math.radians(lon2 - lon1) * (2 + math.sin(math.radians(lat1))
                                              + math.sin(math.radians(lat2)))
    return total / 2


def _polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    coordinates = geometry["coordinates"]
    return [coordinates] if geometry["type"] == "Polygon" else list(coordinates)


def geodesic_area_m2(geometry: dict[str, Any]) -> float:
    """The area in m² of a checked Polygon or MultiPolygon (outer rings less their holes)."""
    polygons = _polygons(geometry)
    lats = [p[1] for polygon in polygons for ring in polygon for p in ring]
    r2 = _radius_squared(sum(lats) / len(lats))
    area = 0.0
    for outer, *holes in polygons:
        area += abs(_ring_excess(outer)) - sum(abs(_ring_excess(h)) for h in holes)
    return area * r2


def area_problem(file: str, line: int, geometry: dict[str, Any] | None,
                 area_m2: float) -> Problem | None:
    """The row error of a polygon whose area is not plausible for ``area_m2`` (None: fine, or no
    geometry)."""
    if geometry is None:
        return None
    drawn = geodesic_area_m2(geometry)
    value = f"{drawn:.0f} m²"
    if drawn <= 0:
        return Problem(file, line, "geometry", value, "图形面积为零 (the polygon has no area)")
    gap = abs(drawn - area_m2) / area_m2
    if gap > AREA_TOLERANCE:
        return Problem(
            file, line, "geometry", value,
            f"图形面积 {drawn:.0f} 平方米与出让面积 {area_m2:.0f} 平方米相差 {gap:.1%}，"
            f"超过 {AREA_TOLERANCE:.0%} (the polygon's area differs from area_m2 by more than "
            f"{AREA_TOLERANCE:.0%})")
    return None


def area_problems(file: str,
                  parcels: Iterable[tuple[int, dict[str, Any] | None, float]]) -> list[Problem]:
    """:func:`area_problem` of each ``(line, geometry, area_m2)``, in their order."""
    return [p for line, geometry, area in parcels
            if (p := area_problem(file, line, geometry, area)) is not None]
