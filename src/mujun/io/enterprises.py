"""The enterprise table: read, validate (evaluation.md §1, §7) and type it for the engine.

The result's ``table`` follows the enterprise-table contract of architecture.md: one column per
``FIELDS`` key in that order; ``string`` text (credit codes trimmed and upper-cased), ``bool`` never
null, ``date32``, ``float64`` (null = missing, but 0 for an empty land field), rows in input order.

Validation is columnar — one function per rule, each returning a mask of rows it rejects and
the problems it found — so a million rows take seconds. Row errors (an invalid credit code, a
cell that is not its type, a repeated credit code) leave the row out; a negative value in a field
that must be ≥ 0 is kept with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa

from mujun.engine import uscc
from mujun.engine.fields import FIELDS, Field, FieldType
from mujun.io.headers import ENTERPRISE_HEADERS, map_columns
from mujun.io.parsing import BOOL, DATE, NUMBER, Reader, clean_expr, read_columns
from mujun.io.problems import HasProblems, InputError, Problem, Severity, sort_problems
from mujun.io.readers import RawTable, read_raw

_ARROW_TYPES: dict[FieldType, pa.DataType] = {
    FieldType.STR: pa.string(),
    FieldType.BOOL: pa.bool_(),
    FieldType.DATE: pa.date32(),
    FieldType.NUMBER: pa.float64(),
}
#: the enterprise-table contract, as an Arrow schema
ENTERPRISE_SCHEMA = pa.schema([pa.field(f.key, _ARROW_TYPES[f.type]) for f in FIELDS])

_NOT_READABLE = {
    FieldType.BOOL: "不是是/否值，应为 是/否、1/0、true/false 或 Y/N (not a yes/no value)",
    FieldType.DATE: "不是日期，应如 2021-03-05、2021/3/5、2021.3.5 或 20210305 (not a date)",
    FieldType.NUMBER: "不是数字 (not a number)",
}
_READERS = {FieldType.BOOL: BOOL, FieldType.DATE: DATE, FieldType.NUMBER: NUMBER}


@dataclass(frozen=True)
class EnterpriseInput(HasProblems):
    """A validated enterprise file: the typed rows kept and every problem found."""

    file: str
    table: pa.Table
    problems: list[Problem]
    #: the file line of each row of ``table``
    lines: list[int]
    rows_read: int
    input_hash: str
    strict: bool = False

    @property
    def ok(self) -> bool:
        """False only under ``strict``, when any error was found."""
        return not (self.strict and any(p.is_error for p in self.problems))


def read_enterprises(
    path: str | Path, *, strict: bool = False, sheet: int | str = 0
) -> EnterpriseInput:
    """Read and validate an enterprise file (CSV, XLSX or Parquet; English keys or Chinese headers).

    Raises :class:`InputError` only for a file that cannot be used at all (see ``read_raw``) or
    has no ``uscc`` column; everything else is a :class:`Problem` in the result.
    """
    raw = read_raw(path, sheet=sheet)
    columns = map_columns(raw.headers, ENTERPRISE_HEADERS, file=raw.file,
                          header_line=raw.header_line)
    if "uscc" not in columns.positions:
        raise InputError(Problem(
            raw.file, raw.header_line, None, None,
            "缺少必需的列 统一社会信用代码 (required column uscc missing)", "error",
        ))
    return validate_raw(raw, columns.positions, columns.problems, strict=strict)


def validate_raw(
    raw: RawTable, positions: dict[str, int], problems: list[Problem] | None = None, *,
    strict: bool = False,
) -> EnterpriseInput:
    """Validate a raw table whose columns are already matched (``key -> position``, with ``uscc``).

    ``problems`` found earlier (e.g. by the header mapping) come first in the result. For callers
    that map headers their own way, such as the department imports.
    """
    problems = [*raw.problems, *(problems or [])]
    parsed = _parse_all(raw, positions)
    n = len(raw)
    rejected = raw.lines.is_in([p.line for p in raw.problems if p.is_error])
    for field in FIELDS:
        if field.key not in positions or (field.type is FieldType.STR and field.key != "uscc"):
            continue
        cells = raw.column(positions[field.key])
        header = raw.headers[positions[field.key]]
        if field.key == "uscc":
            bad, found = check_uscc(parsed.get_column("uscc"), cells, raw, header)
            invalid_code = bad
        else:
            bad = parsed.get_column(_bad_name(field.key))
            found = check_cells(field, bad, cells, raw, header)
        problems += found
        rejected |= bad
        if field.type is FieldType.NUMBER and field.non_negative:
            problems += check_non_negative(parsed.get_column(field.key), cells, raw, header)
    bad, found = check_repeated(parsed.get_column("uscc"), invalid_code,
                                raw.column(positions["uscc"]), raw,
                                raw.headers[positions["uscc"]])
    problems += found
    rejected |= bad
    if n == 0:
        problems.append(Problem(raw.file, None, None, None, "没有数据行 (no data rows)",
                                "warning"))
    kept = ~rejected
    return EnterpriseInput(
        file=raw.file, table=_arrow_table(parsed, kept), problems=sort_problems(problems),
        lines=raw.lines.filter(kept).to_list(), rows_read=n, input_hash=raw.sha256,
        strict=strict,
    )


#: the name the department imports first imported; kept so it keeps working
_validate = validate_raw


def _arrow_table(parsed: pl.DataFrame, kept: pl.Series) -> pa.Table:
    """The contract's columns of the kept rows as Arrow, taken out of ``parsed`` one at a time.

    Each column leaves ``parsed`` as it is converted, so the table is never held twice: a
    ``select`` of every column (which joins the reader's chunks into a copy) and then its Arrow
    copy held ≈ 250 MB more at a million rows (docs/benchmarks.md, "Around the engine").
    """
    every = bool(kept.all())
    columns: list[pa.Array] = []
    for field in ENTERPRISE_SCHEMA:
        series = parsed.drop_in_place(field.name)
        if not every:  # a copy of every column only when a row goes
            series = series.filter(kept)
        column = series.to_arrow(compat_level=pl.CompatLevel.oldest())
        del series  # the Polars chunks go before the next column is converted
        if column.type != field.type:
            # Polars hands over 64-bit offsets; the cast makes 32-bit ones but shares the text,
            # and an array imported from Polars frees its buffers together: a copy of the text
            # lets the 64-bit offsets go (≈ 26 MB at a million rows, held through the evaluation)
            column = column.cast(field.type).copy_to(pa.default_cpu_memory_manager())
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=ENTERPRISE_SCHEMA)


def _bad_name(key: str) -> str:
    return f"{key}:bad"


def _parse_all(raw: RawTable, positions: dict[str, int]) -> pl.DataFrame:
    """Every field typed, and a ``<key>:bad`` mask per parsed field.

    The text fields are read in one ``select`` (Polars runs them in parallel), the typed ones by
    ``read_columns`` (a quick pass, the full readers only where it leaves a filled cell unread);
    then the meaning of empty cells.
    """
    text: list[pl.Expr] = []
    typed: dict[str, tuple[str, Reader]] = {}
    for field in FIELDS:
        key = field.key
        if key not in positions:
            text.append(_absent(field).alias(key))
        elif key == "uscc":
            cells = pl.col(f"c{positions[key]}")
            text.append(cells.str.strip_chars().str.to_uppercase().fill_null("").alias(key))
        elif field.type is FieldType.STR:
            text.append(clean_expr(pl.col(f"c{positions[key]}")).alias(key))
        else:
            typed[key] = (f"c{positions[key]}", _READERS[field.type])
    values, bad = read_columns(raw.cells, typed)
    empty: list[pl.Expr] = []
    for field in FIELDS:
        if field.key in typed and field.type is FieldType.BOOL:
            empty.append(pl.col(field.key).fill_null(False))
        elif field.key in typed and field.empty_is_zero:
            empty.append(pl.col(field.key).fill_null(0.0))  # unreadable too, but the row goes
    parsed = raw.cells.select(text).hstack(values.with_columns(empty))
    return parsed.hstack(bad.rename(_bad_name))


def _absent(field: Field) -> pl.Expr:
    """A field the file does not have: false, 0 for land, else missing."""
    if field.type is FieldType.BOOL:
        return pl.repeat(False, pl.len(), dtype=pl.Boolean)
    if field.empty_is_zero:
        return pl.repeat(0.0, pl.len(), dtype=pl.Float64)
    dtype = {FieldType.STR: pl.String, FieldType.DATE: pl.Date}.get(field.type, pl.Float64)
    return pl.repeat(None, pl.len(), dtype=dtype)


def _problems(
    raw: RawTable, where: pl.Series, column: str, cells: pl.Series,
    reasons: pl.Series | str, severity: Severity = "error",
) -> list[Problem]:
    """One problem per row where ``where`` is True."""
    if not where.any():
        return []
    lines = raw.lines.filter(where).to_list()
    values = cells.filter(where).to_list()
    if isinstance(reasons, str):
        return [Problem(raw.file, ln, column, v, reasons, severity)
                for ln, v in zip(lines, values, strict=True)]
    return [Problem(raw.file, ln, column, v, r, severity)
            for ln, v, r in zip(lines, values, reasons.filter(where).to_list(), strict=True)]


def check_uscc(
    codes: pl.Series, cells: pl.Series, raw: RawTable, header: str
) -> tuple[pl.Series, list[Problem]]:
    """Credit codes (already trimmed and upper-cased) must pass the GB 32100-2015 check (§7)."""
    bad = pl.Series(~uscc.valid_mask_arrow(codes.to_arrow()))
    reasons: list[str] = []
    for code in codes.filter(bad).to_list():
        why = "统一社会信用代码为空" if code == "" else uscc.problem(code)
        reasons.append(f"{why} (invalid credit code)")
    return bad, _problems(raw, bad, header, cells, _spread(reasons, bad))


def _spread(reasons: list[str], where: pl.Series) -> pl.Series:
    """Put reasons computed for the rows where ``where`` holds back at their rows."""
    out = pl.repeat(None, len(where), dtype=pl.String, eager=True)
    if reasons:
        out = out.scatter(where.arg_true(), reasons)
    return out


def _repeated_valid(codes: pl.Series, invalid: pl.Series) -> pl.Series:
    """True on every row whose valid code another valid row also has.

    The codes' 64-bit hashes sieve first (a repeated code has a repeated hash; comparing hashes
    takes a fifth of the time of comparing a million texts); the texts then decide among the
    few rows the sieve leaves, so a collision of hashes never makes a repeat. The repeated
    hashes are found by sorting them (``is_duplicated`` groups a million rows: three times the
    CPU time and five times the memory; docs/benchmarks.md, "Around the engine").
    """
    hashes = codes.hash()
    ordered = hashes.sort()
    repeated = ordered.filter(ordered == ordered.shift(1))  # each repeated hash, once or more
    candidates = hashes.is_in(repeated.implode()) & ~invalid
    if not candidates.any():
        return candidates
    at = candidates.arg_true()
    return candidates.scatter(at, codes.gather(at).is_duplicated())


def _spread_series(values: pl.Series, where: pl.Series) -> pl.Series:
    out = pl.repeat(None, len(where), dtype=values.dtype, eager=True)
    return out.scatter(where.arg_true(), values) if len(values) else out


def check_cells(
    field: Field, bad: pl.Series, cells: pl.Series, raw: RawTable, header: str
) -> list[Problem]:
    """Every non-empty cell must read as the field's type (parsing.py says what each accepts)."""
    return _problems(raw, bad, header, cells, _NOT_READABLE[field.type])


def check_non_negative(
    values: pl.Series, cells: pl.Series, raw: RawTable, header: str
) -> list[Problem]:
    """A negative value in a field that must be ≥ 0 is kept, with a warning."""
    negative = (values < 0).fill_null(False)
    return _problems(raw, negative, header, cells,
                     "负数，此项应 ≥ 0，已保留 (negative value in a field that must be ≥ 0, kept)",
                     "warning")


def check_repeated(
    codes: pl.Series, invalid: pl.Series, cells: pl.Series, raw: RawTable, header: str
) -> tuple[pl.Series, list[Problem]]:
    """Every row after the first with the same valid credit code is an error naming the first.

    The first row counts even when it has another error; invalid codes are reported only as such.
    """
    shared = _repeated_valid(codes, invalid)
    if not shared.any():
        return shared, []
    frame = pl.DataFrame({"code": codes.filter(shared), "line": raw.lines.filter(shared)})
    marked = frame.select(
        first_line=pl.col("line").first().over("code"),
        repeated=~pl.col("code").is_first_distinct(),
    )
    # a copy: ``scatter`` changes its series in place, and ``shared`` still places the reasons
    repeated = shared.clone().scatter(shared.arg_true(), marked.get_column("repeated"))
    reasons = marked.select(pl.format(
        "统一社会信用代码重复，首次出现在第 {} 行 (credit code repeated, first on line {})",
        "first_line", "first_line",
    )).to_series()
    return repeated, _problems(raw, repeated, header, cells, _spread_series(reasons, shared))
