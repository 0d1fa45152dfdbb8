from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def features(directory: Path) -> list[dict[str, Any]]:
    data = json.loads((directory / "parcels.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    return list(data["features"])


def number(cell: str) -> float:
    return float(cell) if cell else 0.0
