"""The monthly power table of the 供电公司 (docs/monitoring.md, "The power file"): read, checked
and typed for ``engine/monitoring``.

Columns ``uscc, month, kwh`` (统一社会信用代码, 月份, 用电量(千瓦时)), in CSV, XLSX or Parquet. A
row with an invalid credit code, an unreadable or empty month, an unreadable, empty or negative
kWh, or an (enterprise, month) pair given on an earlier row is a row error: reported with its line
and left out. A month with no row stays missing, never 0.

The checks are columnar, and run on the distinct values where they can (codes and months repeat
row after row), so a province's 36 million readings take seconds: a Parquet file keeps its typed
columns (no detour through text), and the credit codes stay dictionary-encoded throughout.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from mujun.engine import uscc
from mujun.engine.monitoring import READING_SCHEMA, months
from mujun.io.headers import header_index, map_columns
from mujun.io.problems import HasProblems, InputError, Problem, sort_problems

#: (key, Chinese header) of each column, in order
POWER_COLUMNS = (("uscc", "统一社会信用代码"), ("month", "月份"), ("kwh", "用电量(千瓦时)"))
POWER_HEADERS = header_index(POWER_COLUMNS)
_PARQUET_MAGIC = b"PAR1"

BAD_MONTH = "不是月份，应如 2025-12、2025/12、202512 或日期 (not a month)"
NO_MONTH = "月份为空 (month missing)"
BAD_KWH = "不是数字 (not a number)"
NO_KWH = "用电量为空 (kWh missing)"
NEGATIVE_KWH = "用电量不能为负数 (kWh must not be negative)"
NO_CODE = "统一社会信用代码为空 (invalid credit code)"
REPEATED = ("同一企业同一月份重复，首次出现在第 {} 行 (enterprise and month repeated, first on "
            "line {})")


@dataclass(frozen=True)
class PowerInput(HasProblems):
    """A power file read: its readings without errors and every problem found."""

    file: str
    #: ``engine/monitoring.READING_SCHEMA``; ``uscc`` dictionary-encoded (it reads as text)
    table: pa.Table
    problems: list[Problem]
    #: data rows in the file (entirely empty rows not counted)
    rows_read: int
    #: SHA-256 of the file; empty when the caller did not ask for it (``read_power(hashed=
    #: False)``: ``mujun monitor`` keeps no record of its input)
    input_hash: str
    #: the file line of each row of ``table`` (the store's import names the line of a row it
    #: refuses, such as an unknown credit code)
    lines: np.ndarray = field(compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Cells:
    """The three columns as found (Arrow, any type), each row's file line, the headers."""

    file: str
    codes: pa.ChunkedArray
    month: pa.ChunkedArray
    kwh: pa.ChunkedArray
    lines: np.ndarray
    headers: tuple[str, str, str]
    problems: list[Problem]
    digest: str


def read_power(path: str | Path, *, sheet: int | str = 0, hashed: bool = True) -> PowerInput:
    """Read and check a power file. :class:`InputError` only when it cannot be used at all
    (unreadable, not a table, a column missing). ``hashed=False``: a Parquet file is not read a
    second time for its SHA-256 (``input_hash`` is then empty; a province's file is hundreds of
    MB)."""
    file = str(path)
    source = Path(path)
    try:
        with source.open("rb") as f:
            head = f.read(len(_PARQUET_MAGIC))
    except OSError:
        head = b""
    if not head.startswith(_PARQUET_MAGIC):
        return _check(_text(path, sheet))  # read_raw reports a missing or unreadable file
    return _check(_parquet(source, file, hashed))


def _positions(headers: tuple[str, ...], file: str, header_line: int
               ) -> tuple[dict[str, int], list[Problem]]:
    mapped = map_columns(headers, POWER_HEADERS, file=file, header_line=header_line)
    missing = [f"{zh}（{key}）" for key, zh in POWER_COLUMNS if key not in mapped.positions]
    if missing:
        raise InputError(Problem(file, header_line, None, None,
                                 f"缺少必需的列 {'、'.join(missing)} (required column missing)"))
    return mapped.positions, mapped.problems


def _parquet(source: Path, file: str, hashed: bool) -> _Cells:
    """A Parquet file read column by column from disk (never whole in memory: a province's file
    is hundreds of MB), hashed as a stream when ``hashed``."""
    try:
        digest = ""
        if hashed:
            with source.open("rb") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()
        schema = pq.read_schema(str(source))
        names = tuple(schema.names)
        positions, problems = _positions(names, file, 1)
        chosen = [names[positions[key]] for key, _ in POWER_COLUMNS]
        # months read dictionary-encoded (a few distinct texts repeated row after row)
        dictionary = [chosen[1]] if _is_text(schema.field(chosen[1]).type) else None
        # ParquetFile, not read_table: the latter imports pyarrow.dataset (and pandas), seconds
        with pa.OSFile(str(source)) as f:
            table = pq.ParquetFile(f, read_dictionary=dictionary).read(columns=chosen[1:])
        table = table.add_column(0, chosen[0], _code_column(source, chosen[0]))
    except InputError:
        raise
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        raise InputError(Problem(file, None, None, None,
                                 f"无法读取 Parquet 文件 (cannot read the Parquet file: {exc})")
                         ) from None
    lines = np.arange(2, table.num_rows + 2, dtype=np.int32 if table.num_rows < 1 << 30
                      else np.int64)
    codes, month, kwh = table.columns
    # entirely empty rows are skipped, as in every table
    filled = pc.or_(pc.or_(pc.is_valid(codes), pc.is_valid(month)), pc.is_valid(kwh))
    if not pc.all(filled).as_py():
        codes, month, kwh = (pc.filter(c, filled) for c in (codes, month, kwh))
        lines = lines[filled.to_numpy(zero_copy_only=False)]
    headers = (chosen[0], chosen[1], chosen[2])
    return _Cells(file, codes, month, kwh, lines, headers, problems, digest)


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _code_column(source: Path, name: str) -> pa.ChunkedArray:
    """The credit codes of a Parquet file, in file order, dictionary-encoded when they are text.

    A county's file usually keeps its codes in the file's dictionary pages: pyarrow reads those
    as they are (a dictionary per row group, unified at the cost of the distinct codes). A
    province's file holds tens of millions of codes written as plain texts (a million distinct
    codes overflow Parquet's dictionary pages): DuckDB decodes them several times faster than
    pyarrow's reader, and one dictionary is built for all rows (docs/benchmarks.md,
    "Monitoring"). The two give the same codes."""
    with pa.OSFile(str(source)) as f:
        parquet = pq.ParquetFile(f, read_dictionary=[name])
        if _in_dictionary_pages(parquet.metadata, name):
            column = parquet.read(columns=[name]).column(0)
            if pa.types.is_dictionary(column.type) and column.num_chunks > 1:
                column = pa.chunked_array(column.unify_dictionaries())
            return _one_dictionary(column) if pa.types.is_dictionary(column.type) else column
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        relation = con.read_parquet(str(source)).select(duckdb.ColumnExpression(name))
        column = relation.to_arrow_table().column(0)
    finally:
        con.close()
    if not _is_text(column.type):
        return column
    # codes repeat row after row: one dictionary for all rows. Every chunk of a chunked
    # encoding carries the same, final dictionary: one array, without unifying them again
    return _one_dictionary(pc.dictionary_encode(column.cast(pa.string())))


#: below this many bytes a value in the file, a text column is held in dictionary pages (an
#: 18-character code written plain takes 22)
_DICTIONARY_BYTES = 12


def _in_dictionary_pages(metadata: pq.FileMetaData, name: str) -> bool:
    values = size = 0
    for i in range(metadata.num_row_groups):
        group = metadata.row_group(i)
        for j in range(group.num_columns):
            chunk = group.column(j)
            if chunk.path_in_schema == name:
                values += chunk.num_values
                size += chunk.total_uncompressed_size
    return values > 0 and size < _DICTIONARY_BYTES * values


def _one_dictionary(encoded: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary-encoded column whose chunks share one dictionary (the last chunk's holds
    every value) as one chunk."""
    if encoded.num_chunks <= 1:
        return encoded
    indices = pa.concat_arrays([c.indices for c in encoded.chunks])
    dictionary = encoded.chunk(encoded.num_chunks - 1).dictionary
    return pa.chunked_array([pa.DictionaryArray.from_arrays(indices, dictionary)])


def _text(path: str | Path, sheet: int | str) -> _Cells:
    from mujun.io.readers import read_raw  # polars: not imported on the Parquet path

    raw = read_raw(path, sheet=sheet, known=frozenset(POWER_HEADERS))
    positions, problems = _positions(raw.headers, raw.file, raw.header_line)
    columns = [raw.column(positions[key]) for key, _ in POWER_COLUMNS]
    codes, month, kwh = (pa.chunked_array([c.to_arrow()]) for c in columns)
    headers = tuple(raw.headers[positions[key]] for key, _ in POWER_COLUMNS)
    return _Cells(raw.file, codes, month, kwh, raw.lines.to_numpy(), (headers[0], headers[1],
                  headers[2]), [*raw.problems, *problems], raw.sha256)


# --- the checks -------------------------------------------------------------------------------


def _distinct(column: pa.ChunkedArray) -> tuple[np.ndarray, list[Any]]:
    """Each row's position among the column's distinct values (-1 for an empty cell), and those
    values."""
    encoded = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
    encoded = pa.chunked_array([encoded.combine_chunks()])  # one dictionary for all rows
    if encoded.num_chunks == 0:
        return np.zeros(0, dtype=np.int64), []
    return _indices(encoded), encoded.chunk(0).dictionary.to_pylist()


def _indices(encoded: pa.ChunkedArray) -> np.ndarray:
    """The dictionary indices of every row (``int32``), -1 for an empty cell."""
    parts = [(c.indices.fill_null(-1) if c.null_count else c.indices)
             .to_numpy(zero_copy_only=False) for c in encoded.chunks]
    return np.concatenate(parts).astype(np.int32, copy=False)


def _codes(cells: _Cells) -> tuple[np.ndarray, pa.Array, np.ndarray, dict[int, str]]:
    """Each row's code number (-1: none), the normalized codes, which are valid, and the reason
    each invalid one is invalid (by number). Normalized on the distinct values, in Arrow."""
    column = cells.codes
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column.cast(pa.string()))
    column = pa.chunked_array([column.combine_chunks()])  # one dictionary (unified)
    if column.num_chunks == 0:
        return np.zeros(0, dtype=np.int64), pa.array([], pa.string()), np.zeros(0, dtype=bool), {}
    found = column.chunk(0).dictionary.cast(pa.string())
    # trimmed and upper-cased (uscc.normalize); two spellings of one code become one
    normalized = pc.utf8_upper(pc.utf8_trim_whitespace(found)).dictionary_encode()
    remap = normalized.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    codes = normalized.dictionary
    valid = uscc.valid_mask_arrow(codes)
    invalid = np.flatnonzero(~valid)
    reasons = {int(i): f"{uscc.problem(c) or '统一社会信用代码为空'} (invalid credit code)"
               for i, c in zip(invalid, codes.take(pa.array(invalid)).to_pylist(), strict=True)}
    indices = _indices(column)
    del column
    if len(remap) == 0:
        return np.full(len(indices), -1, dtype=np.int32), codes, valid, reasons
    if len(remap) == len(codes) and np.array_equal(remap, np.arange(len(remap))):
        return indices, codes, valid, reasons  # every code already written as normalized
    number = remap[np.maximum(indices, 0)]
    number[indices < 0] = -1
    return number, codes, valid, reasons


def _months(column: pa.ChunkedArray) -> np.ndarray:
    """Each row's month index; -1 for an empty cell, -2 for one that names no month."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        found = column.cast(kind) if pa.types.is_dictionary(column.type) else column
        year = pc.year(found).fill_null(-1).to_numpy().astype(np.int32)
        month = pc.month(found).fill_null(1).to_numpy().astype(np.int32)
        return np.where(year >= 0, year * 12 + month - 1, -1).astype(np.int32)
    if pa.types.is_floating(kind):  # 202512.0 from a spreadsheet program
        whole = pc.equal(pc.floor(column), column)
        column = pc.if_else(whole, pc.cast(column, pa.int64(), safe=False), pa.scalar(None,
                            pa.int64()))
        column = pc.if_else(pc.and_(pc.invert(whole), pc.is_valid(whole)),
                            pa.scalar(-1, pa.int64()), column)
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        column = pc.cast(column, pa.string())
    indices, found = _distinct(column)
    parsed = np.array([-2 if (m := months.parse(str(v))) is None else m for v in found],
                      dtype=np.int32)
    if len(parsed) == 0:
        return np.full(len(indices), -1, dtype=np.int32)
    result = parsed[np.maximum(indices, 0)]
    result[indices < 0] = -1
    return result


def _kwh(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The readings, and where a cell is empty and where it is filled but not a number."""
    kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        values = pc.cast(column, pa.float64(), safe=False)
        if values.null_count:
            empty = pc.is_null(values).to_numpy(zero_copy_only=False)
            number = values.fill_null(np.nan).to_numpy()
        else:  # the usual file: no empty cell to look for
            empty = np.zeros(len(values), dtype=bool)
            number = values.to_numpy()
        bad = ~empty & ~np.isfinite(number)
        return number, empty, bad
    import polars as pl  # not imported for a Parquet file's numbers

    from mujun.io.parsing import read_number

    text = pl.Series("kwh", pc.cast(column, pa.string()))
    frame = text.to_frame().select(
        value=read_number(pl.col("kwh"), thousands=bool(text.str.contains(",", literal=True)
                                                        .any())),
        empty=~pl.col("kwh").str.contains(r"\S").fill_null(False),
    )
    value = frame.get_column("value")
    empty = frame.get_column("empty").to_numpy()
    number = value.fill_null(np.nan).to_numpy()
    return number, empty, ~empty & value.is_null().to_numpy()


def _repeated(code: np.ndarray, month: np.ndarray, usable: np.ndarray, lines: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose (code, month) pair an earlier usable row already gave, and that row's line.

    Only rows that give a reading (code, month and kWh all fine) count: a row left out for a
    bad kWh does not make a later, correct row of its pair a repeat."""
    later = np.zeros(len(code), dtype=bool)
    if not usable.any():
        return later, np.zeros(0, dtype=np.int64)
    every = bool(usable.all())
    used_code, used_month = (code, month) if every else (code[usable], month[usable])
    first_month = int(used_month.min())
    span = int(used_month.max()) - first_month + 1
    slots = (int(used_code.max()) + 1) * span
    if slots < 1 << 30:  # one slot per possible pair: the usual file
        key = used_code.astype(np.int32, copy=False) * np.int32(span) + (
            used_month.astype(np.int32, copy=False) - np.int32(first_month))
        seen = np.zeros(slots, dtype=bool)
        seen[key] = True  # a pair given twice fills one slot for two rows
        if np.count_nonzero(seen) == len(key):
            return later, np.zeros(0, dtype=np.int64)
        del key, seen
    del used_code, used_month
    # some pair is repeated (or the pairs are too many to count): find which rows
    import polars as pl

    pairs = code.astype(np.int64) * 32768 + month
    keys = pl.Series("key", np.where(usable, pairs, -1 - np.arange(len(code))))
    later = ~keys.is_first_distinct().to_numpy()
    frame = pl.DataFrame({"key": keys, "line": lines}).with_columns(
        first=pl.col("line").first().over("key"))
    return later, frame.get_column("first").to_numpy()[later]


def _cell_texts(column: pa.ChunkedArray, rows: np.ndarray) -> list[str | None]:
    taken = column.take(pa.array(rows, pa.int64())) if len(rows) else pa.array([], pa.null())
    return [None if v is None else str(v) for v in taken.to_pylist()]


def _check(cells: _Cells) -> PowerInput:
    file = cells.file
    n = len(cells.lines)
    code, codes, valid, reasons = _codes(cells)
    code_ok = code >= 0
    if not valid.all():
        code_ok &= valid[np.maximum(code, 0)] if len(valid) else False
    month = _months(cells.month)
    month_ok = month >= 0
    kwh, kwh_empty, kwh_bad = _kwh(cells.kwh)
    negative = ~kwh_empty & ~kwh_bad & (kwh < 0)
    refused = np.zeros(n, dtype=bool)
    for p in cells.problems:  # a formula without its saved result refuses its row
        if p.is_error and p.line is not None:
            refused |= cells.lines == p.line
    kwh_ok = ~kwh_empty & ~kwh_bad & ~negative
    readable = code_ok & month_ok & kwh_ok & ~refused
    repeated, first = _repeated(code, month, readable, cells.lines)
    kept = readable & ~repeated

    code_header, month_header, kwh_header = cells.headers
    problems = list(cells.problems)

    def report(where: np.ndarray, column: pa.ChunkedArray, header: str,
               why: list[str] | str) -> None:
        if not where.any():  # the usual file: nothing to report (a quicker pass)
            return
        rows = np.flatnonzero(where)
        values = _cell_texts(column, rows)
        texts = [why] * len(rows) if isinstance(why, str) else why
        problems.extend(Problem(file, int(cells.lines[r]), header, v, reason)
                        for r, v, reason in zip(rows, values, texts, strict=True))

    bad_code = ~code_ok
    report(bad_code, cells.codes, code_header,
           [NO_CODE if c < 0 else reasons[c] for c in code[bad_code].tolist()])
    report(month == -1, cells.month, month_header, NO_MONTH)
    report(month == -2, cells.month, month_header, BAD_MONTH)
    report(kwh_empty, cells.kwh, kwh_header, NO_KWH)
    report(kwh_bad, cells.kwh, kwh_header, BAD_KWH)
    report(negative, cells.kwh, kwh_header, NEGATIVE_KWH)
    report(repeated, cells.month, month_header, [REPEATED.format(f, f) for f in first])
    if n == 0:
        problems.append(Problem(file, None, None, None, "没有数据行 (no data rows)", "warning"))

    lines = cells.lines
    if not kept.all():
        code, month, kwh, lines = code[kept], month[kept], kwh[kept], lines[kept]
    table = pa.table({
        "uscc": pa.DictionaryArray.from_arrays(pa.array(code.astype(np.int32, copy=False)),
                                               codes),
        "month": pa.array(_first_days(month), pa.date32()),
        "kwh": pa.array(kwh + 0.0, pa.float64()),  # + 0.0 turns a -0.0 into 0.0
    })
    return PowerInput(file, table.cast(READING_SCHEMA.set(0, table.schema.field(0))),
                      sort_problems(problems), n, cells.digest, lines)


def _first_days(month: np.ndarray) -> np.ndarray:
    """The first day of each month index, as days since 1970-01-01 (a table of the few months
    there are, then one lookup per row)."""
    if len(month) == 0:
        return np.zeros(0, dtype=np.int32)
    first = int(month.min())
    span = np.arange(first, int(month.max()) + 1) - 1970 * 12
    days = span.astype("datetime64[M]").astype("datetime64[D]").astype(np.int32)
    return days[month - first]
