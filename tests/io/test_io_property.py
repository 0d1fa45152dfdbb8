"""Property: whatever is in the cells, reading returns problems, never an exception."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_helpers import A
from tests.hypothesis_profiles import examples

from mujun.engine.fields import FIELDS
from mujun.io import ENTERPRISE_SCHEMA, enterprises, read_enterprises, read_incidents
from mujun.io.problems import InputError
from mujun.io.readers import RawTable

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


def _repeats_by_rows(codes: list[str], invalid: list[bool]) -> list[bool]:
    """The rule row by row: a valid code seen on an earlier valid row is a repeat."""
    seen: set[str] = set()
    out = []
    for code, bad in zip(codes, invalid, strict=True):
        out.append(not bad and code in seen)
        if not bad:
            seen.add(code)
    return out


codes_and_validity = st.lists(
    st.tuples(st.sampled_from([A, A.lower(), "B", "", "91331124MA2A00020R"]), st.booleans()),
    max_size=30)


@settings(max_examples=examples(100), deadline=None)
@given(codes_and_validity, st.booleans())
def test_repeated_codes_as_the_rule_row_by_row(rows, colliding) -> None:  # type: ignore[no-untyped-def]
    """Also when every code's hash is the same (``colliding``): the sieve of hashes may only
    let rows through, the codes themselves decide."""
    codes = [c for c, _ in rows]
    invalid = [bad for _, bad in rows]
    raw = RawTable("f.csv", ("uscc",), 1, pl.DataFrame({"c0": codes}, schema={"c0": pl.String}),
                   pl.Series("line", range(2, len(codes) + 2), dtype=pl.Int64), "")
    with pytest.MonkeyPatch.context() as patch:
        if colliding:
            patch.setattr(pl.Series, "hash", lambda s, *a, **k: pl.repeat(
                7, len(s), dtype=pl.UInt64, eager=True))
        repeated, problems = enterprises.check_repeated(
            pl.Series(codes, dtype=pl.String), pl.Series(invalid, dtype=pl.Boolean),
            raw.column(0), raw, "uscc")
    expected = _repeats_by_rows(codes, invalid)
    assert repeated.to_list() == expected
    first: dict[str, int] = {}
    for line, (code, bad) in enumerate(rows, start=2):
        if not bad:
            first.setdefault(code, line)
    assert [(p.line, p.value, p.reason) for p in problems] == [
        (line, code, f"统一社会信用代码重复，首次出现在第 {first[code]} 行 (credit code repeated, "
                     f"first on line {first[code]})")
        for line, (code, hit) in enumerate(zip(codes, expected, strict=True), start=2) if hit]
