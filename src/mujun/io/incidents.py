"""The incidents table (evaluation.md §1): ``uscc, year, type, date, note``.

Each kept row becomes ``uscc`` (trimmed, upper-cased), ``year`` (int64) and ``type`` (the code) in
file order — the incident-table contract of architecture.md. ``type`` may be the code (any case) or
the Chinese label; an empty year is taken from the date. A row with an invalid credit code, an
unknown type or no readable year is reported and left out; an unreadable date beside a readable year
is a warning (the row is kept, without its date).

This is the one reader of incidents: ``mujun evaluate --incidents`` and the store's department
imports (``mujun.io.departments``) both call :func:`validate_incidents`: one file, one verdict.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa

from mujun.engine import uscc
from mujun.engine.fields import INCIDENT_CODE_BY_LABEL, INCIDENT_CODES, INCIDENT_TYPES
from mujun.io.headers import INCIDENT_HEADERS, map_columns
from mujun.io.parsing import clean_expr, filled_expr, read_date, read_year
from mujun.io.problems import HasProblems, InputError, Problem, sort_problems
from mujun.io.readers import RawTable, read_raw

INCIDENT_SCHEMA = pa.schema([("uscc", pa.string()), ("year", pa.int64()), ("type", pa.string())])

_TYPE_BY_NAME: dict[str, str] = {code: code for code in INCIDENT_CODES} | INCIDENT_CODE_BY_LABEL
_TYPES_HELP = "、".join(f"{t.code}/{t.label_zh}" for t in INCIDENT_TYPES)


@dataclass(frozen=True)
class IncidentInput(HasProblems):
    file: str
    table: pa.Table
    problems: list[Problem]
    #: the file line of each row of ``table``
    lines: list[int]
    rows_read: int
    input_hash: str
    #: the date (None when empty or unreadable) and note (None when empty) of each row of ``table``
    details: pl.DataFrame = dataclasses.field(
        default_factory=lambda: pl.DataFrame(schema={"date": pl.Date, "note": pl.String}))

    @property
    def ok(self) -> bool:
        """True when every row was kept."""
        return not self.errors


def read_incidents(path: str | Path, *, sheet: int | str = 0) -> IncidentInput:
    """Read an incidents file; :class:`InputError` when it is unusable or lacks a needed column."""
    return validate_incidents(read_raw(path, sheet=sheet))


def validate_incidents(raw: RawTable) -> IncidentInput:
    """Validate a raw incidents table; :class:`InputError` when it lacks a needed column."""
    columns = map_columns(raw.headers, INCIDENT_HEADERS, file=raw.file,
                          header_line=raw.header_line)
    pos = columns.positions
    missing = [zh for key, zh in (("uscc", "统一社会信用代码"), ("type", "类型")) if key not in pos]
    if "year" not in pos and "date" not in pos:
        missing.append("年度 或 日期")
    if missing:
        raise InputError(Problem(
            raw.file, raw.header_line, None, None,
            f"缺少必需的列 {'、'.join(missing)} (required column missing)", "error",
        ))
    problems = [*raw.problems, *columns.problems]
    parsed = _parse(raw, pos)
    rejected = raw.lines.is_in([p.line for p in raw.problems if p.is_error])
    for check in (check_uscc, check_type, check_year):
        bad, found = check(parsed, raw, pos)
        rejected |= bad
        problems += found
    problems += check_date(parsed, raw, pos)
    kept = ~rejected
    table = parsed.select("uscc", "year", "type").filter(kept).to_arrow().cast(INCIDENT_SCHEMA)
    details = parsed.select("date", "note").filter(kept)
    return IncidentInput(raw.file, table, sort_problems(problems), raw.lines.filter(kept).to_list(),
                         len(raw), raw.sha256, details)


def _parse(raw: RawTable, pos: dict[str, int]) -> pl.DataFrame:
    def col(key: str) -> pl.Expr:
        return pl.col(f"c{pos[key]}") if key in pos else pl.lit(None, dtype=pl.String)

    year = read_year(col("year"))
    date = read_date(col("date"))
    return raw.cells.select(
        uscc=col("uscc").str.strip_chars().str.to_uppercase().fill_null(""),
        # lower-casing leaves the Chinese labels as they are
        type=clean_expr(col("type")).str.to_lowercase()
        .replace_strict(_TYPE_BY_NAME, default=None, return_dtype=pl.String),
        year_filled=filled_expr(col("year")),
        year_read=year,
        date_filled=filled_expr(col("date")),
        date=date,
        year=year.fill_null(date.dt.year().cast(pl.Int64)),
        note=clean_expr(col("note")),
    )


def _problems(
    raw: RawTable, where: pl.Series, key: str, pos: dict[str, int], reasons: list[str] | str
) -> list[Problem]:
    if not where.any():
        return []
    column = raw.headers[pos[key]]
    cells = raw.column(pos[key]).filter(where).to_list()
    lines = raw.lines.filter(where).to_list()
    if isinstance(reasons, str):
        reasons = [reasons] * len(lines)
    return [Problem(raw.file, ln, column, v, r, "error")
            for ln, v, r in zip(lines, cells, reasons, strict=True)]


def check_uscc(
    parsed: pl.DataFrame, raw: RawTable, pos: dict[str, int]
) -> tuple[pl.Series, list[Problem]]:
    """The credit code must pass the GB 32100-2015 check."""
    codes = parsed.get_column("uscc")
    bad = pl.Series(~uscc.valid_mask_arrow(codes.to_arrow()))
    reasons = [f"{'统一社会信用代码为空' if c == '' else uscc.problem(c)} (invalid credit code)"
               for c in codes.filter(bad).to_list()]
    return bad, _problems(raw, bad, "uscc", pos, reasons)


def check_type(
    parsed: pl.DataFrame, raw: RawTable, pos: dict[str, int]
) -> tuple[pl.Series, list[Problem]]:
    """The type is a known code or Chinese label."""
    bad = parsed.get_column("type").is_null()
    return bad, _problems(raw, bad, "type", pos,
                          f"未知的事件类型，应为 {_TYPES_HELP} (unknown incident type)")


def check_year(
    parsed: pl.DataFrame, raw: RawTable, pos: dict[str, int]
) -> tuple[pl.Series, list[Problem]]:
    """A readable year, or when the year is empty a readable date to take it from."""
    unreadable = parsed.get_column("year_filled") & parsed.get_column("year_read").is_null()
    absent = ~parsed.get_column("year_filled") & parsed.get_column("date").is_null()
    found: list[Problem] = []
    if "year" in pos:
        found += _problems(raw, unreadable, "year", pos, "年度无法识别 (year not readable)")
    key = "year" if "year" in pos else "date"
    found += _problems(raw, absent, key, pos,
                       "没有年度，日期也无法识别 (no year and no readable date)")
    return unreadable | absent, found


def check_date(parsed: pl.DataFrame, raw: RawTable, pos: dict[str, int]) -> list[Problem]:
    """An unreadable date beside a readable year is only a warning: the year is what counts."""
    if "date" not in pos:
        return []
    where = (parsed.get_column("date_filled") & parsed.get_column("date").is_null()
             & parsed.get_column("year_read").is_not_null())
    return [
        Problem(p.file, p.line, p.column, p.value, "日期无法识别，已按年度计 (date not "
                "readable; the year is used)", "warning")
        for p in _problems(raw, where, "date", pos, "")
    ]
