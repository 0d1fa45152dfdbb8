"""Checking small reference files cell by cell: the registry and the land files
(docs/input-files.md, "Registry and land").

A :class:`Column` says what its cells must hold. :func:`check_cells` parses each column with
:mod:`mujun.io.parsing`, reports every bad cell as a located :class:`Problem` and keeps the rows
without errors as :class:`Record` values. :func:`read_records` does this for a CSV, XLSX or Parquet
table; the GeoJSON reader hands over its features' properties the same way, one row per feature.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import polars as pl

from mujun.engine import uscc
from mujun.io.headers import header_index, map_columns
from mujun.io.parsing import parse_bool, parse_date, parse_number, parse_text
from mujun.io.problems import HasProblems, InputError, Problem, sort_problems
from mujun.io.readers import read_raw

Kind = Literal["text", "uscc", "number", "int", "date", "bool"]

NOT_READABLE: dict[Kind, str] = {
    "bool": "不是是/否值，应为 是/否、1/0、true/false 或 Y/N (not a yes/no value)",
    "date": "不是日期，应如 2021-03-05、2021/3/5、2021.3.5 或 20210305 (not a date)",
    "number": "不是数字 (not a number)",
    "int": "不是整数 (not a whole number)",
}
EMPTY = "不能为空 (a value is required)"
NEGATIVE = "不能为负数 (must not be negative)"
NOT_POSITIVE = "应大于 0 (must be greater than 0)"


@dataclass(frozen=True)
class Column:
    """One column (or GeoJSON property): its key, its Chinese header and what it must hold."""

    key: str
    header_zh: str
    kind: Kind = "text"
    #: an empty cell is an error (and for a table the column must be there)
    required: bool = False
    #: a number must be greater than 0 (numbers are never negative)
    positive: bool = False
    #: the same value on two rows is an error (the later row is left out)
    unique: bool = False
    #: accepted spellings (compared in lower case) -> the value kept
    choices: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Record:
    """A row without errors: its file line (or feature number) and its typed values by key."""

    line: int
    values: dict[str, Any]


T = TypeVar("T")


@dataclass(frozen=True)
class FileRecords(HasProblems, Generic[T]):
    """A file read: the records of its rows without errors, and every problem found."""

    file: str
    records: list[T]
    problems: list[Problem]
    rows_read: int

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Checked(FileRecords[Record]):
    #: each column's header as written in the file, by key
    labels: Mapping[str, str] = field(default_factory=dict)
    #: each column's cells as trimmed text (None when empty), of every row, refused ones too
    texts: Mapping[str, list[str | None]] = field(default_factory=dict)


def column_index(columns: Sequence[Column]) -> dict[str, str]:
    return header_index((c.key, c.header_zh) for c in columns)


def read_records(path: str | Path, columns: Sequence[Column]) -> Checked:
    """Read a table of ``columns``; :class:`InputError` when it is unusable or lacks a required
    column. Unknown columns are warnings, as in every table (docs/input-files.md)."""
    index = column_index(columns)
    raw = read_raw(path, known=frozenset(index))
    mapped = map_columns(raw.headers, index, file=raw.file, header_line=raw.header_line)
    missing = [f"{c.header_zh}（{c.key}）" for c in columns
               if c.required and c.key not in mapped.positions]
    if missing:
        raise InputError(Problem(raw.file, raw.header_line, None, None,
                                 f"缺少必需的列 {'、'.join(missing)} (required column missing)"))
    cells = {key: raw.column(pos) for key, pos in mapped.positions.items()}
    labels = {key: raw.headers[pos] for key, pos in mapped.positions.items()}
    refused = {p.line for p in raw.problems if p.is_error and p.line is not None}
    checked = check_cells(raw.file, cells, labels, raw.lines.to_list(), columns, refused=refused)
    return Checked(raw.file, checked.records,
                   sort_problems([*raw.problems, *mapped.problems, *checked.problems]),
                   checked.rows_read, labels, checked.texts)


def check_cells(
    file: str, cells: Mapping[str, pl.Series], labels: Mapping[str, str], lines: list[int],
    columns: Sequence[Column], *, refused: set[int] | frozenset[int] = frozenset(),
    unit: str = "line",
) -> Checked:
    """Check the text ``cells`` of each column (a missing key: every cell empty).

    ``labels`` names each column as the file does (default its key); ``lines`` gives the line (or
    feature number) of each row; rows on ``refused`` lines are left out without a new problem."""
    problems: list[Problem] = []
    values: dict[str, list[Any]] = {}
    texts: dict[str, list[str | None]] = {}
    bad_lines = set(refused)
    for column in columns:
        series = cells.get(column.key)
        if series is None:
            series = pl.Series(column.key, [None] * len(lines), dtype=pl.String)
        label = labels.get(column.key, column.key)
        typed, reasons = _check_column(column, series.rename(column.key))
        texts[column.key] = parse_text(series).to_list()
        for line, text, reason in zip(lines, series.to_list(), reasons, strict=True):
            if reason is not None:
                problems.append(Problem(file, line, label, text, reason, unit=unit))
                bad_lines.add(line)
        values[column.key] = typed
    records = [
        Record(line, {key: vals[i] for key, vals in values.items()})
        for i, line in enumerate(lines) if line not in bad_lines
    ]
    return Checked(file, records, sort_problems(problems), len(lines), texts=texts)


def _check_column(column: Column, cells: pl.Series) -> tuple[list[Any], list[str | None]]:
    """Typed values and, per cell, the reason it is refused (None when fine)."""
    text = parse_text(cells).to_list()
    reasons: list[str | None] = [EMPTY if column.required and t is None else None for t in text]
    typed: list[Any]
    if column.kind == "text":
        typed = text
        if column.choices is not None:
            typed = [None if t is None else column.choices.get(t.lower()) for t in text]
            help_ = "、".join(dict.fromkeys(column.choices))
            _flag(reasons, [t is not None and v is None for t, v in zip(text, typed, strict=True)],
                  f"应为 {help_} 之一 (not one of the known values)")
    elif column.kind == "uscc":
        typed = [None if t is None else uscc.normalize(t) for t in text]
        for i, code in enumerate(typed):
            why = None if code is None else uscc.problem(code)
            if why is not None and reasons[i] is None:
                reasons[i] = f"{why} (invalid credit code)"
    elif column.kind == "bool":
        parsed = parse_bool(cells)
        typed = parsed.values.to_list()
        _flag(reasons, parsed.bad.to_list(), NOT_READABLE["bool"])
    elif column.kind == "date":
        parsed = parse_date(cells)
        typed = parsed.values.to_list()
        _flag(reasons, parsed.bad.to_list(), NOT_READABLE["date"])
    else:
        parsed = parse_number(cells)
        typed = parsed.values.to_list()
        _flag(reasons, parsed.bad.to_list(), NOT_READABLE["number"])
        _flag(reasons, [v is not None and v < 0 for v in typed], NEGATIVE)
        if column.positive:
            _flag(reasons, [v == 0 for v in typed], NOT_POSITIVE)
        if column.kind == "int":
            _flag(reasons, [v is not None and not float(v).is_integer() for v in typed],
                  NOT_READABLE["int"])
            typed = [None if v is None or not float(v).is_integer() else int(v) for v in typed]
    if column.unique:
        seen: set[Any] = set()
        duplicate = []
        for v in typed:
            duplicate.append(v is not None and v in seen)
            seen.add(v)
        _flag(reasons, duplicate, "与前面的行重复 (given twice; the first is kept)")
    return typed, reasons


def _flag(reasons: list[str | None], where: Sequence[bool], reason: str) -> None:
    """Give ``reason`` to the cells ``where`` holds that have no reason yet."""
    for i, hit in enumerate(where):
        if hit and reasons[i] is None:
            reasons[i] = reason
