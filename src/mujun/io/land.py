"""The land files (land.md §1, §3; platform.md module 1): parcels, leases and 标准地 commitments.

Parcels come as a GeoJSON FeatureCollection (each feature's ``properties`` checked like the cells
of a table: the problem's ``line`` is the feature's 1-based position, its ``column`` the property)
or as a CSV/XLSX table; English keys or the Chinese headers of land.md §1. A GeoJSON geometry must
be a Polygon or MultiPolygon of closed rings (at least four positions, the last equal to the
first) within WGS 84 bounds; a table's parcels have no geometry. ``leases.csv`` and
``standard_land.csv`` name parcels by ``parcel_id``, which must be in the parcels file. Columns:
docs/input-files.md and docs/land.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from mujun.engine.land import Commitment, Parcel
from mujun.io.problems import InputError, Problem, sort_problems
from mujun.io.readers import read_bytes
from mujun.io.records import Checked, Column, FileRecords, Record, check_cells, read_records

#: 延迟动工原因 as written -> the cause kept (land.md §1)
DELAY_CAUSE_CHOICES = {"government": "government", "force_majeure": "force_majeure",
                       "政府原因": "government", "不可抗力": "force_majeure"}

PARCEL_COLUMNS = (
    Column("parcel_id", "地块编号", required=True, unique=True),
    Column("zone", "园区"),
    Column("town", "乡镇街道"),
    Column("owner_uscc", "受让企业统一社会信用代码", "uscc"),
    Column("area_m2", "出让面积(平方米)", "number", required=True, positive=True),
    Column("use", "用途"),
    Column("acquired", "出让日期", "date"),
    Column("agreed_start", "约定动工日期", "date"),
    Column("construction_start", "实际动工日期", "date"),
    Column("standard_land", "是否标准地", "bool"),
    Column("land_price_wan", "出让价款(万元)", "number"),
    Column("floor_area_m2", "总建筑面积(平方米)", "number"),
    Column("delay_cause", "延迟动工原因", choices=DELAY_CAUSE_CHOICES),
)
LEASE_COLUMNS = (
    Column("parcel_id", "地块编号", required=True),
    Column("lessor_uscc", "出租方统一社会信用代码", "uscc"),
    Column("lessee_uscc", "承租方统一社会信用代码", "uscc"),
    Column("area_m2", "面积（平方米）", "number", required=True, positive=True),
    Column("start", "起始日期", "date"),
    Column("end", "结束日期", "date"),
)
STANDARD_LAND_COLUMNS = (
    Column("parcel_id", "地块编号", required=True, unique=True),
    Column("owner_uscc", "受让企业统一社会信用代码", "uscc"),
    Column("investment_intensity_wan_per_mu", "投资强度(万元/亩)", "number"),
    Column("plot_ratio", "容积率", "number"),
    Column("tax_per_mu_wan", "亩均税收(万元/亩)", "number"),
    Column("energy_per_va_tce", "单位增加值能耗(吨标准煤/万元)", "number"),
    Column("years_to_attainment", "达产年限(年)", "int"),
    Column("penalty_note", "违约责任"),
)

_GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
_GEOJSON_SUFFIXES = (".geojson", ".json")
UNKNOWN_PARCEL = "地块编号不在地块文件中 (parcel not in the parcels file)"


@dataclass(frozen=True)
class ParcelRecord:
    """A parcel read: its line (a GeoJSON feature's position), the record and its geometry."""

    line: int
    parcel: Parcel
    #: the GeoJSON geometry as found (checked); None for a parcel from a table
    geometry: dict[str, Any] | None


@dataclass(frozen=True)
class ParcelInput(FileRecords[ParcelRecord]):
    #: every parcel id in the file, of kept and refused rows alike (what other files may name)
    codes: frozenset[str] = frozenset()

    @property
    def parcels(self) -> list[Parcel]:
        return [r.parcel for r in self.records]


@dataclass(frozen=True)
class LeaseRecord:
    line: int
    parcel_code: str
    lessor_uscc: str | None
    lessee_uscc: str | None
    area_m2: float
    start_on: date | None
    end_on: date | None


@dataclass(frozen=True)
class CommitmentRecord:
    line: int
    commitment: Commitment


# --- parcels ----------------------------------------------------------------------------------


def read_parcels(path: str | Path) -> ParcelInput:
    """Read a parcels file: GeoJSON (``.geojson``/``.json``) or a CSV/XLSX table.

    :class:`InputError` when it cannot be read at all (not a FeatureCollection, not a table, a
    required column missing)."""
    if Path(path).suffix.lower() in _GEOJSON_SUFFIXES:
        return _read_geojson(path)
    checked = read_records(path, PARCEL_COLUMNS)
    return _parcel_input(checked, {}, frozenset(c for c in checked.texts["parcel_id"] if c))


def _read_geojson(path: str | Path) -> ParcelInput:
    file = str(path)
    features = _features(read_bytes(Path(path), file), file)
    props = [_properties(f) for f in features]
    numbers = list(range(1, len(features) + 1))
    geometry_problems = [p for n, f in zip(numbers, features, strict=True)
                         if (p := _geometry_problem(file, n, f)) is not None]
    cells = {c.key: pl.Series(c.key, [_cell(p.get(c.key)) for p in props], dtype=pl.String)
             for c in PARCEL_COLUMNS}
    checked = check_cells(file, cells, {}, numbers, PARCEL_COLUMNS,
                          refused={p.line for p in geometry_problems if p.line is not None})
    checked = Checked(file, checked.records, sort_problems([*geometry_problems,
                                                            *checked.problems]),
                      len(features), texts=checked.texts)
    geometries = {n: f["geometry"] for n, f in zip(numbers, features, strict=True)
                  if isinstance(f, dict)}
    return _parcel_input(checked, geometries,
                         frozenset(c for c in checked.texts["parcel_id"] if c))


def _parcel_input(checked: Checked, geometries: dict[int, Any],
                  codes: frozenset[str]) -> ParcelInput:
    records = [ParcelRecord(r.line, _parcel(r), geometries.get(r.line)) for r in checked.records]
    return ParcelInput(checked.file, records, checked.problems, checked.rows_read, codes)


def _features(data: bytes, file: str) -> list[Any]:
    def fail(reason: str, line: int | None = None) -> InputError:
        return InputError(Problem(file, line, None, None, reason))

    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise fail("无法识别文字编码，GeoJSON 应为 UTF-8 (GeoJSON must be UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise fail(f"不是有效的 JSON：{exc.msg}，第 {exc.colno} 列 (not valid JSON)",
                   exc.lineno) from None
    if not (isinstance(doc, dict) and doc.get("type") == "FeatureCollection"
            and isinstance(doc.get("features"), list)):
        raise fail("不是 GeoJSON FeatureCollection (not a GeoJSON FeatureCollection)")
    return list(doc["features"])


def _properties(feature: Any) -> dict[str, Any]:
    props = feature.get("properties") if isinstance(feature, dict) else None
    return props if isinstance(props, dict) else {}


def _cell(value: Any) -> str | None:
    """A property as the text a table cell would hold."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _parcel(r: Record) -> Parcel:
    v = r.values
    return Parcel(
        parcel_id=v["parcel_id"], area_m2=v["area_m2"], owner_uscc=v["owner_uscc"],
        zone=v["zone"], town=v["town"], use=v["use"], acquired=v["acquired"],
        agreed_start=v["agreed_start"], construction_start=v["construction_start"],
        standard_land=v["standard_land"], land_price_wan=v["land_price_wan"],
        floor_area_m2=v["floor_area_m2"], delay_cause=v["delay_cause"],
    )


def _geometry_problem(file: str, number: int, feature: Any) -> Problem | None:
    def problem(value: str | None, reason: str) -> Problem:
        return Problem(file, number, "geometry", value, reason)

    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return Problem(file, number, None, None, "不是 GeoJSON Feature (not a GeoJSON Feature)")
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        return problem(None, "没有几何图形 (no geometry)")
    kind = geometry.get("type")
    if kind not in _GEOMETRY_TYPES:
        return problem(str(kind), "几何类型应为 Polygon 或 MultiPolygon (geometry must be a "
                                  "Polygon or a MultiPolygon)")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return problem(None, "坐标格式错误 (malformed coordinates)")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return problem(None, "坐标格式错误 (malformed coordinates)")
        for ring in polygon:
            found = _ring_problem(ring)
            if found is not None:
                return problem(*found)
    return None


def _ring_problem(ring: Any) -> tuple[str | None, str] | None:
    if not isinstance(ring, list) or not all(_is_position(p) for p in ring):
        return None, "坐标格式错误，应为 [经度, 纬度] 数对 (malformed coordinates)"
    if len(ring) < 4:
        return str(len(ring)), "环至少需要 4 个坐标点 (a ring needs at least 4 positions)"
    if ring[0][:2] != ring[-1][:2]:
        return (f"{_position(ring[0])} … {_position(ring[-1])}",
                "环未闭合：首尾坐标不同 (ring not closed: the last position differs from the "
                "first)")
    for p in ring:
        if not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90):
            return (_position(p), "坐标超出 WGS 84 范围：经度 -180…180，纬度 -90…90 "
                                  "(position outside WGS 84 bounds)")
    return None


def _is_position(p: Any) -> bool:
    return (isinstance(p, list) and len(p) in (2, 3)
            and all(isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
                    for x in p))


def _position(p: list[float]) -> str:
    return f"[{p[0]}, {p[1]}]"


# --- leases and 标准地 commitments -------------------------------------------------------------


def read_leases(path: str | Path, *, parcels: Collection[str]) -> FileRecords[LeaseRecord]:
    """Read a leases file; a lease names a parcel in ``parcels`` and ends after it starts."""
    checked = read_records(path, LEASE_COLUMNS)

    def ends_before_start(v: dict[str, Any]) -> bool:
        return v["start"] is not None and v["end"] is not None and v["end"] < v["start"]

    kept, problems = _cross_check(checked, [
        ("parcel_id", lambda v: v["parcel_id"] not in parcels, UNKNOWN_PARCEL),
        ("end", ends_before_start, "结束日期早于起始日期 (ends before it starts)"),
    ])
    records = [LeaseRecord(line=r.line, parcel_code=r.values["parcel_id"],
                           lessor_uscc=r.values["lessor_uscc"],
                           lessee_uscc=r.values["lessee_uscc"], area_m2=r.values["area_m2"],
                           start_on=r.values["start"], end_on=r.values["end"]) for r in kept]
    return FileRecords(checked.file, records, problems, checked.rows_read)


def read_standard_land(
    path: str | Path, *, parcels: Collection[str]
) -> FileRecords[CommitmentRecord]:
    """Read the 标准地 commitments (land.md §3), one per parcel in ``parcels``; a repeated or
    unknown ``parcel_id`` is a row error."""
    checked = read_records(path, STANDARD_LAND_COLUMNS)
    kept, problems = _cross_check(checked, [
        ("parcel_id", lambda v: v["parcel_id"] not in parcels, UNKNOWN_PARCEL),
    ])
    records = [CommitmentRecord(r.line, Commitment(
        parcel_id=r.values["parcel_id"], owner_uscc=r.values["owner_uscc"],
        investment_intensity_wan_per_mu=r.values["investment_intensity_wan_per_mu"],
        plot_ratio=r.values["plot_ratio"], tax_per_mu_wan=r.values["tax_per_mu_wan"],
        energy_per_va_tce=r.values["energy_per_va_tce"],
        years_to_attainment=r.values["years_to_attainment"],
        penalty_note=r.values["penalty_note"],
    )) for r in kept]
    return FileRecords(checked.file, records, problems, checked.rows_read)


Rule = tuple[str, Callable[[dict[str, Any]], bool], str]


def _cross_check(checked: Checked, rules: Sequence[Rule]) -> tuple[list[Record], list[Problem]]:
    """Rules across a row's cells or files, on rows whose cells are each fine: the first rule a
    row breaks is reported (on the rule's column) and the row left out."""
    kept: list[Record] = []
    problems = list(checked.problems)
    for r in checked.records:
        broken = next(((key, reason) for key, test, reason in rules if test(r.values)), None)
        if broken is None:
            kept.append(r)
        else:
            key, reason = broken
            value = r.values[key]
            problems.append(Problem(checked.file, r.line, checked.labels.get(key, key),
                                    None if value is None else str(value), reason))
    return kept, sort_problems(problems)
