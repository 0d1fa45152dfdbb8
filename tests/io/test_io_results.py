"""write_results: each format reads back to what was written; a failed write leaves nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from io_helpers import A, B

from mujun.io import OutputError, write_results
from mujun.io import results as results_module

TABLE = pa.table({
    "uscc": pa.array([A, B, None]),
    "name": pa.array(["松阳不锈钢管业", "=1+1", ""]),
    "score": pa.array([87.1234, 0.1 + 0.2, None], pa.float64()),
    "benchmark_tax_per_mu": pa.array([1 / 3, 1e20, -0.0], pa.float64()),
    "rank": pa.array([1, None, 3], pa.int64()),
    "vetoed": pa.array([False, True, None]),
    "production_start": pa.array([dt.date(2015, 3, 5), None, dt.date(2021, 12, 31)], pa.date32()),
})
HEADERS_ZH = {"uscc": "统一社会信用代码", "name": "企业名称", "score": "综合得分"}


def test_csv_round_trip_full_precision_true_false_and_empty_nulls(tmp_path: Path) -> None:
    path = write_results(TABLE, tmp_path / "r.csv", headers_zh=HEADERS_ZH)
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8").splitlines()
    assert lines[0] == "uscc,name,score,benchmark_tax_per_mu,rank,vetoed,production_start"
    assert lines[1].endswith(",false,2015-03-05")
    assert ",0.30000000000000004," in lines[2]
    assert lines[3].startswith(',"",,')
    # a text a spreadsheet would run as a formula is written with a leading ' (docs/security.md)
    expected = pl.DataFrame(TABLE).with_columns(pl.col("name").replace("=1+1", "'=1+1"))
    back = pl.read_csv(path, schema=expected.schema)
    assert back.to_dicts() == expected.to_dicts()


def test_parquet_round_trip(tmp_path: Path) -> None:
    path = write_results(TABLE, tmp_path / "r.parquet")
    assert pq.read_table(path).equals(TABLE)


def test_xlsx_chinese_headers_frozen_bold_and_typed_cells(tmp_path: Path) -> None:
    path = write_results(TABLE, tmp_path / "r.xlsx", headers_zh=HEADERS_ZH)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.values)
    assert rows[0] == ("统一社会信用代码", "企业名称", "综合得分", "benchmark_tax_per_mu", "rank",
                       "vetoed", "production_start")
    assert rows[1] == (A, "松阳不锈钢管业", 87.1234, 1 / 3, 1, False, dt.datetime(2015, 3, 5))
    assert rows[2][1] == "=1+1"  # text, not a formula
    assert rows[2][4] is None and rows[2][5] is True
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width >= 18


def test_unknown_extension_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"unknown output format; use \.csv, \.xlsx or \.parquet"):
        write_results(TABLE, tmp_path / "r.json")
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="folder does not exist"):
        write_results(TABLE, tmp_path / "no" / "r.csv")


def test_a_failed_write_leaves_nothing_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "r.csv"
    target.write_text("old", encoding="utf-8")

    def broken(table: pa.Table, path: Path, headers: dict[str, str]) -> None:
        path.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    monkeypatch.setitem(results_module._WRITERS, ".csv", broken)
    with pytest.raises(RuntimeError):
        write_results(TABLE, target)
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]
    assert target.read_text(encoding="utf-8") == "old"
