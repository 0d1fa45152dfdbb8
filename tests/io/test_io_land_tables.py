"""Parcels as a table (land.md §1): Chinese headers (full- or half-width parentheses), the land
contract columns, and the row errors of the spec — a repeated parcel_id, a missing or
non-positive area, a delay cause other than the four words; the same file as XLSX reads the
same."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from io_helpers import A, B, as_tuples, golden

from mujun.engine.land import Commitment, Parcel
from mujun.io.cells import new_workbook
from mujun.io.land import read_parcels, read_standard_land
from mujun.io.readers import read_raw

DUPLICATE = "与前面的行重复 (given twice; the first is kept)"
BAD_CAUSE = ("应为 government、force_majeure、政府原因、不可抗力 之一 "
             "(not one of the known values)")

EXPECTED_PROBLEMS = [
    ("error", 4, "地块编号", "Z-001", DUPLICATE),
    ("error", 5, "出让面积（平方米）", None, "不能为空 (a value is required)"),
    ("error", 6, "出让面积（平方米）", "0", "应大于 0 (must be greater than 0)"),
    ("error", 7, "延迟动工原因", "天气原因", BAD_CAUSE),
    ("error", 9, "出让价款(万元)", "-1", "不能为负数 (must not be negative)"),
]
EXPECTED_PARCELS = [
    Parcel("Z-001", 2000.0, A, "赤寿工业园区", "赤寿乡", "工业", date(2021, 3, 5),
           date(2021, 9, 1), None, True, 300.0, 3000.0, None),
    # the credit code upper-cased; "1,000" read as 1000; 政府原因 kept as its key
    Parcel("Z-002", 1000.0, B, "赤寿工业园区", "赤寿乡", "工业", None, date(2022, 1, 1), None,
           False, None, None, "government"),
    # reserve land (no owner); N is a no; a floor area of 0 is given, not missing
    Parcel("Z-006", 666.6, None, None, "古市镇", "仓储", None, date(2024, 5, 1), None, False,
           12.5, 0.0, "force_majeure"),
]


def test_parcels_from_a_csv_with_chinese_headers() -> None:
    result = read_parcels(golden("land_parcels_zh.csv"))
    assert as_tuples(result.problems) == EXPECTED_PROBLEMS
    assert result.parcels == EXPECTED_PARCELS
    assert [r.line for r in result.records] == [2, 3, 8]
    assert all(r.geometry is None for r in result.records)
    # every id of the file, refused rows too, may be named by the other files
    assert result.codes == {f"Z-00{i}" for i in range(1, 8)}
    assert result.rows_read == 8


def test_the_same_parcels_from_xlsx(tmp_path: Path) -> None:
    raw = read_raw(golden("land_parcels_zh.csv"))
    path = tmp_path / "地块.xlsx"
    workbook = new_workbook(path)
    sheet = workbook.add_worksheet("地块")
    for c, header in enumerate(raw.headers):
        sheet.write_string(0, c, header)
        for r, value in enumerate(raw.column(c).to_list(), start=1):
            if value is not None:
                sheet.write_string(r, c, value)
    workbook.close()
    result = read_parcels(path)
    assert [(p.line, p.reason) for p in result.problems] == [
        (line, reason) for _, line, _, _, reason in EXPECTED_PROBLEMS]
    assert result.parcels == EXPECTED_PARCELS


def test_commitments_with_chinese_headers_name_known_parcels_once(tmp_path: Path) -> None:
    path = tmp_path / "标准地.csv"
    path.write_text(
        "地块编号,受让企业统一社会信用代码,投资强度（万元/亩）,容积率,亩均税收(万元/亩),"
        "单位增加值能耗(吨标准煤/万元),达产年限(年),违约责任\n"
        f"Z-001,{A},400,1.2,20,0.3,3,按出让合同\n"
        f"Z-001,{A},300,1.0,18,0.4,3,\n"
        "Z-404,,400,1.2,20,0.3,3,\n"
        "Z-002,,,,,,,\n", encoding="utf-8")
    result = read_standard_land(path, parcels={"Z-001", "Z-002"})
    assert as_tuples(result.problems) == [
        ("error", 3, "地块编号", "Z-001", DUPLICATE),
        ("error", 4, "地块编号", "Z-404",
         "地块编号不在地块文件中 (parcel not in the parcels file)"),
    ]
    assert [r.commitment for r in result.records] == [
        Commitment("Z-001", A, 400.0, 1.2, 20.0, 0.3, 3, "按出让合同"),
        Commitment("Z-002"),  # nothing committed: every measure not_committed at review
    ]
