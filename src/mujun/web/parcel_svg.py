"""A parcel's polygon as SVG (the parcel page's map, drawn on the server: it needs no script).

Positions are projected to metres around the polygon's centre (east = x, north = up), scaled into
a square view box with a margin; each ring becomes one sub-path, so holes show with
``fill-rule="evenodd"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

VIEW = 240.0
MARGIN = 16.0
_M_PER_DEG_LAT = 110_574.0


@dataclass(frozen=True)
class ParcelShape:
    #: the ``d`` attribute of one ``<path>``
    path: str
    view: float
    #: the longer side of the drawn box, in metres (for the scale note)
    span_m: float


def parcel_shape(geometry: dict[str, Any] | None) -> ParcelShape | None:
    """The SVG path of a Polygon or MultiPolygon; None without a geometry."""
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" \
        else geometry["coordinates"]
    rings = [ring for polygon in polygons for ring in polygon]
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    kx = 111_320.0 * math.cos(math.radians((min(lats) + max(lats)) / 2))
    width, height = (max(lons) - min(lons)) * kx, (max(lats) - min(lats)) * _M_PER_DEG_LAT
    span = max(width, height, 1e-9)
    scale = (VIEW - 2 * MARGIN) / span
    dx, dy = (VIEW - width * scale) / 2, (VIEW - height * scale) / 2

    def point(p: list[float]) -> str:
        x = dx + (p[0] - min(lons)) * kx * scale
        y = dy + (max(lats) - p[1]) * _M_PER_DEG_LAT * scale
        return f"{x:.1f},{y:.1f}"

    path = " ".join("M" + " L".join(point(p) for p in ring[:-1]) + " Z" for ring in rings)
    return ParcelShape(path, VIEW, span)
