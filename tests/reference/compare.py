"""Comparing two evaluation results (§8 rows) cell by cell, for the reference tests and benchmark.

A result may be given as a list of dicts (the row-wise form), a pyarrow Table or a pandas DataFrame.
Numbers compare within ``tol`` relative to their magnitude (absolute below 1), everything else —
classes, ranks, reasons, booleans, warnings, the word ``unreachable`` — exactly. A number written as
text (a string column holding numbers and ``unreachable``) compares as the number.
"""

from __future__ import annotations

import math
from typing import Any

#: columns compared exactly even though they hold numbers
EXACT_COLUMNS = frozenset({"rank"})


def as_rows(result: Any) -> list[dict[str, Any]]:
    """A result as a list of dicts with None for empty cells."""
    if hasattr(result, "to_pylist"):  # pyarrow Table
        rows = result.to_pylist()
    elif hasattr(result, "to_dict") and hasattr(result, "columns"):  # pandas DataFrame
        rows = result.astype(object).where(result.notna(), None).to_dict("records")
    else:
        rows = list(result)
    return [{k: _plain(v) for k, v in row.items()} for row in rows]


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalar
        return _plain(value.item())
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def cell_differs(column: str, a: Any, b: Any, tol: float) -> bool:
    if a is None or b is None:
        return not (a is None and b is None)
    if isinstance(a, bool) or isinstance(b, bool):
        return not (isinstance(a, bool) and isinstance(b, bool) and a == b)
    x, y = _number(a), _number(b)
    if x is not None and y is not None and not (isinstance(a, str) and isinstance(b, str)):
        if column in EXACT_COLUMNS:
            return x != y
        return abs(x - y) > tol * max(1.0, abs(x), abs(y))
    return a != b


def differences(a_rows: Any, b_rows: Any, tol: float = 1e-9, limit: int = 10) -> list[str]:
    """Human-readable differences, at most ``limit`` of them (first ones first)."""
    a, b = as_rows(a_rows), as_rows(b_rows)
    out: list[str] = []
    if len(a) != len(b):
        out.append(f"row count differs: {len(a)} != {len(b)}")
    if a and b and list(a[0]) != list(b[0]):
        out.append(f"columns differ:\n  {list(a[0])}\n  {list(b[0])}")
        return out
    for i, (ra, rb) in enumerate(zip(a, b, strict=False)):
        for col in ra:
            if cell_differs(col, ra[col], rb[col], tol):
                who = ra.get("uscc")
                out.append(f"row {i} (uscc {who}), column {col}: {ra[col]!r} != {rb[col]!r}")
                if len(out) >= limit:
                    return out
    return out


def assert_results_equal(a_rows: Any, b_rows: Any, tol: float = 1e-9) -> None:
    """Fail naming the first differing row and column (and a few more) when the results differ."""
    diffs = differences(a_rows, b_rows, tol)
    if diffs:
        raise AssertionError("results differ:\n" + "\n".join(diffs))
