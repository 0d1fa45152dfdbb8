"""Property: whatever is in the cells, reading returns problems, never an exception."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_helpers import A
from tests.hypothesis_profiles import examples

from mujun.engine.fields import FIELDS
from mujun.io import ENTERPRISE_SCHEMA, read_enterprises, read_incidents
from mujun.io.problems import InputError

KEYS = [f.key for f in FIELDS]
cell = st.one_of(
    st.just(""), st.just(A), st.just(A.lower()), st.sampled_from(["是", "否", "1", "0", "Y"]),
    st.sampled_from(["2021-03-05", "2021/3/5", "20210230", "1,234.5", "-5", "inf", "abc"]),
    st.text(max_size=12),
)
rows = st.lists(st.lists(cell, min_size=len(KEYS), max_size=len(KEYS)), max_size=12)


def write_csv(path: Path, header: list[str], body: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(body)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, st.booleans())
def test_random_enterprise_cells_give_problems_not_exceptions(body, strict) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        write_csv(path, KEYS, body)
        result = read_enterprises(path, strict=strict)
    assert result.table.schema == ENTERPRISE_SCHEMA
    assert len(result.lines) == result.table.num_rows <= result.rows_read <= len(body)
    error_lines = {p.line for p in result.problems if p.is_error}
    assert not error_lines & set(result.lines)  # a row with an error is never kept
    for f in FIELDS:
        if f.type == "bool" or f.empty_is_zero:
            assert result.table.column(f.key).null_count == 0
    codes = result.table.column("uscc").to_pylist()
    assert len(codes) == len(set(codes))


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.lists(cell, min_size=5, max_size=5), max_size=12))
def test_random_incident_cells_give_problems_not_exceptions(body) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "incidents.csv"
        write_csv(path, ["uscc", "year", "type", "date", "note"], body)
        try:
            result = read_incidents(path)
        except InputError as exc:
            # a short file with several NUL bytes is taken for a binary file, refused as a whole
            # with its reason (docs/input-files.md); a stray NUL in a cell is not
            assert sum(c.count("\x00") for row in body for c in row) > 2, exc
            assert "not a table" in exc.problem.reason
            return
    assert result.table.num_rows == len(result.lines)
    assert not {p.line for p in result.problems if p.is_error} & set(result.lines)
