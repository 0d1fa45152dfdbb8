"""Matching a file's column headers to canonical fields (evaluation.md §1).

A header matches a field by its English key (any case) or its Chinese header; spaces anywhere
and the difference between full-width （） and ASCII () are ignored, as clerks type both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mujun.engine.fields import FIELDS, INCIDENT_COLUMNS
from mujun.io.problems import Problem

_WIDTH = str.maketrans({"（": "(", "）": ")", "\ufeff": None})


def normalize_header(text: str | None) -> str:
    """The comparable form of a header: no whitespace, ASCII parentheses, lower case."""
    if text is None:
        return ""
    return "".join(text.translate(_WIDTH).split()).lower()


def header_index(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Normalized header (key or Chinese) -> key, for ``(key, header_zh)`` pairs."""
    index: dict[str, str] = {}
    for key, zh in pairs:
        index[normalize_header(key)] = key
        index[normalize_header(zh)] = key
    return index


ENTERPRISE_HEADERS: dict[str, str] = header_index((f.key, f.header_zh) for f in FIELDS)
INCIDENT_HEADERS: dict[str, str] = header_index(INCIDENT_COLUMNS)
#: every header a reader recognises when it looks for the header row below a title
KNOWN_HEADERS: frozenset[str] = frozenset(ENTERPRISE_HEADERS) | frozenset(INCIDENT_HEADERS)


def count_known(cells: Sequence[str | None], known: frozenset[str] = KNOWN_HEADERS) -> int:
    return sum(1 for c in cells if c is not None and normalize_header(c) in known)


@dataclass(frozen=True)
class ColumnMap:
    """Which column of the file holds which field: ``key -> column position``."""

    positions: dict[str, int]
    problems: list[Problem]


def map_columns(
    headers: Sequence[str], index: dict[str, str], *, file: str, header_line: int
) -> ColumnMap:
    """Match each header; an unknown column is a warning, a field given twice an error.

    When a field is given twice the first column is used and the later one reported and ignored.
    """
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for pos, header in enumerate(headers):
        key = index.get(normalize_header(header))
        label = header if header.strip() else f"#{pos + 1}"
        if key is None:
            if header.strip():
                reason = "未知的列，已忽略 (unknown column, ignored)"
            else:
                reason = "列没有表头，已忽略 (column without a header, ignored)"
            problems.append(Problem(file, header_line, label, None, reason, "warning"))
        elif key in positions:
            first = headers[positions[key]]
            problems.append(Problem(
                file, header_line, label, None,
                f"与列 {first} 重复，使用第一列 (column given twice, the first is used)", "error",
            ))
        else:
            positions[key] = pos
    return ColumnMap(positions, problems)
