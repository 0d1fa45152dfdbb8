"""Golden-file tests of the land readers: parcels (GeoJSON), leases and 标准地 commitments."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from io_helpers import UNKNOWN_COLUMN, A, B, as_tuples, golden

from mujun.engine.land import Commitment
from mujun.io import InputError
from mujun.io.land import (
    CommitmentRecord,
    LeaseRecord,
    read_leases,
    read_parcels,
    read_standard_land,
)

NOT_A_DATE = "不是日期，应如 2021-03-05、2021/3/5、2021.3.5 或 20210305 (not a date)"
DUPLICATE = "与前面的行重复 (given twice; the first is kept)"
UNKNOWN_PARCEL = "地块编号不在地块文件中 (parcel not in the parcels file)"
SQUARE = [[[119.5, 28.4], [119.501, 28.4], [119.501, 28.401], [119.5, 28.4]]]


def test_parcels_properties_and_geometry_are_checked_feature_by_feature() -> None:
    result = read_parcels(golden("land_parcels.geojson"))
    assert as_tuples(result.problems) == [
        ("error", 3, "owner_uscc", "91331124MA2A00011Q",
         "统一社会信用代码校验位错误（应为 U） (invalid credit code)"),
        ("error", 3, "area_m2", "大约一千", "不是数字 (not a number)"),
        ("error", 3, "acquired", "2021-13-40", NOT_A_DATE),
        ("error", 4, "parcel_id", "P-001", DUPLICATE),
        ("error", 4, "area_m2", "0", "应大于 0 (must be greater than 0)"),
        ("error", 4, "standard_land", "maybe",
         "不是是/否值，应为 是/否、1/0、true/false 或 Y/N (not a yes/no value)"),
        ("error", 5, "parcel_id", None, "不能为空 (a value is required)"),
        ("error", 5, "area_m2", "-5", "不能为负数 (must not be negative)"),
        ("error", 6, "geometry", "Point",
         "几何类型应为 Polygon 或 MultiPolygon (geometry must be a Polygon or a MultiPolygon)"),
        ("error", 7, "geometry", "[119.5, 28.4] … [119.502, 28.402]",
         "环未闭合：首尾坐标不同 (ring not closed: the last position differs from the first)"),
        ("error", 8, "geometry", "[28.4, 119.5]",
         "坐标超出 WGS 84 范围：经度 -180…180，纬度 -90…90 (position outside WGS 84 bounds)"),
        ("error", 9, "geometry", "3", "环至少需要 4 个坐标点 (a ring needs at least 4 positions)"),
        ("error", 10, "geometry", None,
         "坐标格式错误，应为 [经度, 纬度] 数对 (malformed coordinates)"),
        ("error", 11, "geometry", None, "没有几何图形 (no geometry)"),
    ]
    # land.md §1: `line N` is the feature's 1-based position
    assert str(result.problems[1]).endswith(
        'land_parcels.geojson line 3, column area_m2 = "大约一千": 不是数字 (not a number)')
    first, second, last = result.records
    p1, p2 = first.parcel, second.parcel
    assert (p1.parcel_id, p1.area_m2, p1.owner_uscc, p1.standard_land) == (
        "P-001", 1200.5, A, True)
    assert (p1.acquired, p1.agreed_start, p1.construction_start) == (
        date(2021, 3, 5), date(2021, 9, 1), None)
    assert first.geometry == {"type": "Polygon", "coordinates": SQUARE}
    assert (p2.parcel_id, p2.area_m2, p2.owner_uscc, p2.standard_land) == (
        "P-002", 1500.0, None, False)
    assert second.geometry is not None and second.geometry["type"] == "MultiPolygon"
    assert (last.line, last.parcel.parcel_id, last.parcel.use) == (12, "P-012", "工业")
    assert result.rows_read == 12
    # refused features still name parcels the other files may refer to
    assert {"P-003", "P-011"} <= result.codes


def test_leases_name_known_parcels_and_end_after_they_start() -> None:
    parcels = read_parcels(golden("land_parcels.geojson")).codes
    result = read_leases(golden("land_leases.csv"), parcels=parcels)
    assert as_tuples(result.problems) == [
        ("warning", 1, "备注", None, UNKNOWN_COLUMN),
        ("error", 3, "parcel_id", "P-404", UNKNOWN_PARCEL),
        ("error", 4, "end", "2023-06-30", "结束日期早于起始日期 (ends before it starts)"),
        ("error", 5, "lessee_uscc", "9133112X",
         "统一社会信用代码应为18位，实为8位 (invalid credit code)"),
        ("error", 5, "area_m2", "0", "应大于 0 (must be greater than 0)"),
        ("error", 6, "start", "二〇二二年", NOT_A_DATE),
    ]
    assert result.records == [LeaseRecord(2, "P-001", A, B, 300.0, date(2022, 1, 1),
                                          date(2024, 12, 31))]


def test_standard_land_below_a_title_row_one_commitment_per_known_parcel() -> None:
    parcels = read_parcels(golden("land_parcels.geojson")).codes
    result = read_standard_land(golden("land_standard.csv"), parcels=parcels)
    assert as_tuples(result.problems) == [
        ("error", 4, "parcel_id", "P-001", DUPLICATE),
        ("error", 5, "plot_ratio", "-1.2", "不能为负数 (must not be negative)"),
        ("error", 5, "years_to_attainment", "2.5", "不是整数 (not a whole number)"),
        ("error", 6, "parcel_id", "P-404", UNKNOWN_PARCEL),
    ]
    assert result.records == [CommitmentRecord(3, Commitment(
        "P-001", A, 380.0, 1.2, 24.0, 0.25, 3, "按原价收回"))]


def test_leases_without_an_area_column_are_unusable(tmp_path: Path) -> None:
    path = tmp_path / "leases.csv"
    path.write_text("parcel_id,lessor_uscc,lessee_uscc\nP-001,,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"缺少必需的列 面积（平方米）（area_m2）"):
        read_leases(path, parcels={"P-001"})


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('{"type": "FeatureCollection",\n "features": [}', 2, "不是有效的 JSON"),
        ('{"type": "Feature", "geometry": null}', None, "不是 GeoJSON FeatureCollection"),
        ('[1, 2]', None, "不是 GeoJSON FeatureCollection"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_unusable(
    tmp_path: Path, text: str, line: int | None, reason: str
) -> None:
    path = tmp_path / "parcels.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_parcels(path)
    assert caught.value.problem.line == line
    assert caught.value.problem.reason.startswith(reason)


def test_a_feature_that_is_not_a_feature_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "parcels.geojson"
    good = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": SQUARE},
            "properties": {"parcel_id": "P-1", "area_m2": 1}}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [good, [1, 2]]}),
                    encoding="utf-8")
    result = read_parcels(path)
    assert as_tuples(result.problems)[0] == (
        "error", 2, None, None, "不是 GeoJSON Feature (not a GeoJSON Feature)")
    assert [r.parcel.parcel_id for r in result.records] == ["P-1"]
