"""The power reader (io/power.py, docs/monitoring.md "The power file") on every kind of file:
typed Parquet columns, a workbook with Chinese headers and date cells, a title above the header,
a missing column, and the columnar credit-code check against the one-by-one check."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.monitoring.support import code

from mujun.engine import uscc
from mujun.io import InputError
from mujun.io.power import _in_dictionary_pages, read_power

A, B = code(1), code(2)


def _readings(path: Path) -> list[tuple[str, str, float]]:
    read = read_power(path)
    return [(r["uscc"], r["month"].isoformat()[:7], r["kwh"]) for r in read.table.to_pylist()]


def test_parquet_with_typed_columns(tmp_path: Path) -> None:
    """Months as dates, as whole numbers YYYYMM and as timestamps; kWh as whole numbers."""
    path = tmp_path / "power.parquet"
    pq.write_table(pa.table({
        "统一社会信用代码": [A, A, B],
        "月份": pa.array([dt.date(2025, 11, 30), dt.date(2025, 12, 1), dt.date(2025, 12, 15)]),
        "用电量(千瓦时)": pa.array([100, 200, 0], pa.int64()),
    }), path)
    assert _readings(path) == [(A, "2025-11", 100.0), (A, "2025-12", 200.0), (B, "2025-12", 0.0)]

    pq.write_table(pa.table({"uscc": [A, A], "month": pa.array([202511, 202513], pa.int64()),
                             "kwh": pa.array([1.5, None])}), path)
    read = read_power(path)
    assert [(p.line, p.column, p.reason) for p in read.problems] == [
        (3, "month", read.problems[0].reason), (3, "kwh", "用电量为空 (kWh missing)")]
    assert "not a month" in read.problems[0].reason
    assert _readings(path) == [(A, "2025-11", 1.5)]

    stamps = pa.array([dt.datetime(2025, 12, 31, 23, 0)], pa.timestamp("us"))
    pq.write_table(pa.table({"uscc": [A], "month": stamps, "kwh": [float("nan")]}), path)
    read = read_power(path)
    assert [(p.line, p.column, p.value) for p in read.problems] == [(2, "kwh", "nan")]


def test_workbook_with_chinese_headers_and_a_title(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2025年12月 企业用电量"])
    sheet.append(["统一社会信用代码", "月份", "用电量（千瓦时）"])  # full-width brackets
    sheet.append([A, dt.date(2025, 12, 1), 1200.5])
    sheet.append([B, "2025/11", "1,000"])
    sheet.append([B, "2025年11月", 5])
    path = tmp_path / "用电.xlsx"
    book.save(path)
    read = read_power(path)
    assert [(p.line, p.column, p.value) for p in read.problems] == [(5, "月份", "2025年11月")]
    assert _readings(path) == [(A, "2025-12", 1200.5), (B, "2025-11", 1000.0)]


def test_a_missing_column_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "power.csv"
    path.write_text(f"统一社会信用代码,月份\n{A},2025-12\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_power(path)
    assert "用电量(千瓦时)（kwh）" in str(caught.value)


def test_gbk_csv_and_empty_rows(tmp_path: Path) -> None:
    path = tmp_path / "power.csv"
    path.write_bytes(f"统一社会信用代码,月份,用电量(千瓦时)\n{A},2025-12,1\n,,\n{B},2025-12,2\n"
                     .encode("gb18030"))
    read = read_power(path)
    assert read.problems == [] and read.rows_read == 2
    assert [(p[0], p[2]) for p in _readings(path)] == [(A, 1.0), (B, 2.0)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(
    st.just(A), st.just(A.lower()), st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYIOSZ",
                                            min_size=17, max_size=19),
    st.text(min_size=0, max_size=18)), max_size=30),
    st.sampled_from([pa.string(), pa.large_string()]))
def test_the_columnar_code_check_agrees_with_the_one_by_one_check(
    codes: list[str], text: pa.DataType
) -> None:
    expected = np.array([uscc.is_valid(c) and c == uscc.normalize(c) for c in codes], dtype=bool)
    assert uscc.valid_mask_arrow(pa.array(codes, text)).tolist() == expected.tolist()


def test_the_columnar_code_check_over_several_blocks() -> None:
    """Codes are checked in blocks (``uscc._BLOCK_ROWS``): each row keeps its own answer."""
    bad = A[:17] + ("0" if A[17] != "0" else "1")
    n = 2 * uscc._BLOCK_ROWS + 5
    wrong = {0, uscc._BLOCK_ROWS - 1, uscc._BLOCK_ROWS, n - 1}
    codes = [bad if i in wrong else A for i in range(n)]
    for text in (pa.string(), pa.large_string()):
        found = uscc.valid_mask_arrow(pa.chunked_array([codes[:7], codes[7:]], text))
        assert set(np.flatnonzero(~found).tolist()) == wrong
        with_short = uscc.valid_mask_arrow(pa.array([*codes, "91"], text))  # rows gathered
        assert set(np.flatnonzero(~with_short).tolist()) == wrong | {n}
        with_null = pa.array([None, *codes, None], text).slice(1)  # an offset, a null
        assert set(np.flatnonzero(~uscc.valid_mask_arrow(with_null)).tolist()) == wrong | {n}


def test_each_reading_keeps_its_file_line(tmp_path: Path) -> None:
    """The store's import names the line of a reading it refuses (an unknown credit code), so
    every kept row carries its line: bad and empty rows are skipped, not counted away."""
    path = tmp_path / "power.csv"
    path.write_text("统一社会信用代码,月份,用电量(千瓦时)\n"
                    f"{A},2025-01,1\n{A},2025-13,2\n,,\n{B},2025-01,3\n{B},2025-02,4\n",
                    encoding="utf-8")
    read = read_power(path)
    assert [p.line for p in read.errors] == [3]
    assert read.lines.tolist() == [2, 5, 6]
    assert [r["kwh"] for r in read.table.to_pylist()] == [1.0, 3.0, 4.0]


def test_codes_in_dictionary_pages_read_as_codes_written_plain(tmp_path: Path) -> None:
    """A Parquet file's codes are read from its dictionary pages by pyarrow, or as plain texts
    by DuckDB (io/power._code_column): the same readings, problems and lines either way, over
    several row groups, with codes to tidy, an invalid code, an empty one and a repeated
    pair."""
    codes = [code(i) for i in range(1, 41)]
    rows = [(c, f"2025-{m:02d}", float(i * 12 + m)) for m in range(1, 13)
            for i, c in enumerate(codes)]
    rows[5] = (f" {rows[5][0].lower()} ", rows[5][1], rows[5][2])  # tidied to its code
    rows[17] = ("91330000X00000000X", rows[17][1], rows[17][2])  # a wrong check character
    rows[30] = (None, rows[30][1], rows[30][2])  # type: ignore[assignment]
    rows.append(rows[3])  # the pair of line 5 again
    table = pa.table({"uscc": [r[0] for r in rows], "month": [r[1] for r in rows],
                      "kwh": [r[2] for r in rows]})
    dictionary, plain = tmp_path / "dictionary.parquet", tmp_path / "plain.parquet"
    pq.write_table(table, dictionary, row_group_size=100)
    pq.write_table(table, plain, row_group_size=100, use_dictionary=False)
    assert pq.ParquetFile(dictionary).metadata.num_row_groups == 5
    # the two ways in: pyarrow for the first file, DuckDB for the second
    assert _in_dictionary_pages(pq.ParquetFile(dictionary).metadata, "uscc")
    assert not _in_dictionary_pages(pq.ParquetFile(plain).metadata, "uscc")
    first, second = read_power(dictionary), read_power(plain)
    assert first.table.to_pylist() == second.table.to_pylist()
    assert first.table.num_rows == len(rows) - 3
    assert [(p.line, p.column, p.value, p.reason) for p in first.problems] == [
        (p.line, p.column, p.value, p.reason) for p in second.problems]
    assert [p.line for p in first.errors] == [19, 32, len(rows) + 1]
    assert first.lines.tolist() == second.lines.tolist()


def test_a_parquet_file_is_hashed_only_when_asked(tmp_path: Path) -> None:
    """The store's import records the file's SHA-256; ``mujun monitor`` keeps no record and
    does not read the file again for it."""
    path = tmp_path / "power.parquet"
    pq.write_table(pa.table({"uscc": [A, B], "month": ["2025-11", "2025-12"],
                             "kwh": [1.0, 2.0]}), path)
    hashed, unhashed = read_power(path), read_power(path, hashed=False)
    assert hashed.input_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert unhashed.input_hash == ""
    assert unhashed.table.equals(hashed.table)
