"""The monitoring.md spec cases of ``cases/*.yaml`` (format in ``cases/README.md``): each case's
file through ``io/power.py`` and the rules on the embedded engine, compared with the values worked
out by hand; the row-by-row reference must give the same table."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from bench import monitor_rowwise
from tests.engine.case_runner import case_params, case_policy
from tests.engine.monitoring.support import LETTER_CODES

from mujun.engine.monitoring import OUTPUT_COLUMNS, monitor, months
from mujun.io.power import read_power

CASES = Path(__file__).parent / "cases"
MARGIN = 1e-9
CASE_KEYS = frozenset({"name", "description", "as_of", "policy", "series", "csv", "expected",
                       "errors", "absent"})
DEFAULT_AS_OF = "2025-12"
BY_CODE = {c: letter for letter, c in LETTER_CODES.items()}


def _cases(file: str) -> list[Any]:
    params = case_params(CASES / file, CASE_KEYS)
    for param in params:
        case = param.values[0]
        assert ("series" in case) != ("csv" in case), f"{file}::{case['name']}: series or csv"
    return params


def _month(value: Any) -> int:
    parsed = months.parse(str(value))
    assert parsed is not None, value
    return parsed


def _csv(case: dict[str, Any], as_of: int) -> str:
    if "csv" in case:
        text: str = case["csv"]
        for letter, code in LETTER_CODES.items():
            text = text.replace(f"{{{letter}}}", code).replace(f"{{{letter.lower()}}}",
                                                               code.lower())
        return text
    lines = ["uscc,month,kwh"]
    for letter, series in case["series"].items():
        first = _month(series.get("from", months.text(as_of - 14)))
        for offset, kwh in enumerate(series["kwh"]):
            if kwh is not None:
                lines.append(f"{LETTER_CODES[letter]},{months.text(first + offset)},{kwh!r}")
    return "\n".join(lines) + "\n"


def _same(actual: Any, expected: Any) -> bool:
    if expected is None or isinstance(expected, str):
        return bool(actual == expected)
    if isinstance(actual, int | float):
        return math.isclose(actual, expected, rel_tol=MARGIN, abs_tol=MARGIN)
    return False


def _run(case: dict[str, Any], tmp_path: Path) -> None:
    as_of = _month(case.get("as_of", DEFAULT_AS_OF))
    rules = case_policy(case).policy.monitoring
    path = tmp_path / "power.csv"
    path.write_text(_csv(case, as_of), encoding="utf-8")
    read = read_power(path)
    errors = [(p.line, p.column, p.reason) for p in read.problems]
    expected_errors = case.get("errors", [])
    assert len(errors) == len(expected_errors), errors
    for (line, column, reason), (want_line, want_column, part) in zip(
            errors, expected_errors, strict=True):
        assert (line, column) == (want_line, want_column) and part in reason, (line, reason)

    result = monitor(read.table, as_of, rules)
    assert result.column_names == list(OUTPUT_COLUMNS)
    rows = result.to_pylist()
    codes = [r["uscc"] for r in rows]
    assert codes == sorted(codes)
    by_letter = {BY_CODE.get(r["uscc"], r["uscc"]): r for r in rows}
    wrong = {}
    for letter, cells in case["expected"].items():
        row = by_letter[letter]
        for key, value in cells.items():
            assert key in row, f"{key} is not an output column"
            if not _same(row[key], value):
                wrong[f"{letter}.{key}"] = (row[key], value)
    assert wrong == {}, "(got, expected) per cell"
    for letter in case.get("absent", []):
        assert letter not in by_letter

    triples = [(str(u), _month(m), k) for u, m, k in zip(
        read.table["uscc"].to_pylist(), read.table["month"].to_pylist(),
        read.table["kwh"].to_pylist(), strict=True)]
    reference = monitor_rowwise.monitor(
        triples, as_of, min_baseline_months=rules.min_baseline_months,
        stop_share=rules.stop_share, decline_share=rules.decline_share)
    assert rows == reference


@pytest.mark.parametrize("case", _cases("levels.yaml"))
def test_levels(case: dict[str, Any], tmp_path: Path) -> None:
    _run(case, tmp_path)


@pytest.mark.parametrize("case", _cases("input.yaml"))
def test_input(case: dict[str, Any], tmp_path: Path) -> None:
    _run(case, tmp_path)


def test_every_case_file_is_collected() -> None:
    assert sorted(p.name for p in CASES.glob("*.yaml")) == ["input.yaml", "levels.yaml"]
