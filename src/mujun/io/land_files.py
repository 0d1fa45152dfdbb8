"""Which kind of file the land department (自然资源) uploads: its annual figures (the department
template, ``io/departments``) or its parcels (``io/land.read_parcels``, land.md §1)."""

from __future__ import annotations

from pathlib import Path

from mujun.io.headers import normalize_header
from mujun.io.problems import InputError
from mujun.io.readers import read_raw

GEOJSON_SUFFIXES = (".geojson", ".json")
#: a header row naming the parcel id marks a parcels table
_PARCEL_ID = frozenset(normalize_header(h) for h in ("地块编号", "parcel_id"))


def is_parcels_file(path: str | Path) -> bool:
    """A GeoJSON file, or a table (CSV/XLSX) whose header row names 地块编号 / ``parcel_id``."""
    path = Path(path)
    if path.suffix.lower() in GEOJSON_SUFFIXES:
        return True
    try:
        raw = read_raw(path, known=_PARCEL_ID)
    except (InputError, OSError):
        return False
    return any(normalize_header(h) in _PARCEL_ID for h in raw.headers)
