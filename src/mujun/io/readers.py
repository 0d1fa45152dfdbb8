"""Reading CSV, XLSX and Parquet files into raw text cells (:class:`RawTable`).

Readers never interpret a cell: every cell stays text (so ``0``-leading codes and dates survive) or
None when empty; parsing is :mod:`mujun.io.parsing`'s job. Each kept row carries its true file line
or sheet row number (the header being line 1 when it is the first line), so problems point at what
the clerk sees in the file. Rows that are entirely empty are dropped; line numbers are unaffected.

A file is recognised by its content, not only its name: a workbook saved as ``.csv`` is still
read as a workbook. CSV is UTF-8 (a byte-order mark is ignored) or, failing that, GB18030 — the
superset of the GBK that Chinese Excel writes.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from mujun.io.headers import KNOWN_HEADERS, count_known
from mujun.io.problems import InputError, Problem
from mujun.io.workbook_limits import check_workbook

#: how many rows a title may push the header down
HEADER_SEARCH_ROWS = 10
_UTF8_BOM = b"\xef\xbb\xbf"
_ZIP_MAGIC = b"PK\x03\x04"  # .xlsx is a zip archive
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
_PARQUET_MAGIC = b"PAR1"
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_BINARY_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".parquet", ".pq"}


@dataclass(frozen=True)
class RawTable:
    """A table as found: headers, text cells (None = empty) and the file line of each row."""

    file: str
    headers: tuple[str, ...]
    header_line: int
    #: one ``String`` column per header, named by position (``c0``, ``c1`` …) as headers may repeat
    cells: pl.DataFrame
    #: ``Int64``, the file line / sheet row of each row of ``cells``
    lines: pl.Series
    sha256: str
    #: cells the reader could not read truly (a formula without its saved result): errors that
    #: refuse their rows (docs/input-files.md)
    problems: tuple[Problem, ...] = ()

    def column(self, position: int) -> pl.Series:
        return self.cells.get_column(f"c{position}")

    def __len__(self) -> int:
        return self.cells.height


def _fail(file: str, reason: str, line: int | None = None) -> InputError:
    return InputError(Problem(file, line, None, None, reason, "error"))


def read_raw(
    path: str | Path, *, sheet: int | str = 0, known: frozenset[str] = KNOWN_HEADERS
) -> RawTable:
    """Read a CSV, XLSX or Parquet file; ``sheet`` picks the workbook sheet (default the first).

    ``known`` holds the normalized headers that mark the header row below a title (by default the
    enterprise and incident tables' headers; the land and registry readers give their own).

    Raises :class:`InputError` when the file is missing, unreadable, empty, not a table, in an
    unknown encoding or has no recognisable header row.
    """
    file = str(path)
    data = read_bytes(Path(path), file)
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
        check_workbook(data, file)  # before the reader unpacks anything (a zip bomb)
        frame, first_line, name = _workbook_frame(data, file, sheet)
        raw = _from_grid(frame, first_line, file, digest, known)
        header = frame.row(raw.header_line - first_line)
        found = _uncomputed_formulas(data, name)
        if found:
            raw = dataclasses.replace(raw, problems=_formula_problems(file, name, header, *found))
        return raw
    if data.startswith(_PARQUET_MAGIC):
        return _read_parquet(data, file, digest)
    if Path(path).suffix.lower() in _BINARY_SUFFIXES:
        reason = f"不是有效的 {Path(path).suffix} 文件 (not a valid {Path(path).suffix} file)"
        raise _fail(file, reason)
    return _read_csv(data, file, digest, known)


def read_bytes(path: Path, file: str) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _fail(file, "文件不存在 (file not found)") from None
    except IsADirectoryError:
        raise _fail(file, "这是文件夹，不是文件 (a folder, not a file)") from None
    except PermissionError:
        raise _fail(file, "没有读取权限 (permission denied)") from None
    except OSError as exc:
        raise _fail(file, f"无法读取文件 (cannot read: {exc.strerror})") from None
    if not data or data.isspace():  # not ``data.strip()``: that copies the whole file
        raise _fail(file, "文件为空 (empty file)")
    return data


# --- CSV -------------------------------------------------------------------------------------


def _decode_csv(data: bytes, file: str) -> bytes:
    """UTF-8 bytes without BOM; GB18030/GBK input is re-encoded."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(file, "不支持 UTF-16 编码，请另存为 CSV UTF-8 (UTF-16 is not supported; "
                          "save as CSV UTF-8)")
    if _looks_binary(data[:65536]):
        raise _fail(file, "不是表格文件，应为 CSV、XLSX 或 Parquet (not a table: CSV, XLSX or "
                          "Parquet expected)")
    data = data.removeprefix(_UTF8_BOM)
    if _is_utf8(data):
        return data
    try:
        return data.decode("gb18030").encode("utf-8")
    except UnicodeDecodeError:
        raise _fail(file, "无法识别文字编码，请另存为 UTF-8 (unknown text encoding; save as "
                          "UTF-8)") from None


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8: Arrow's vectorised check on the bytes in place (one text
    value over the file's buffer, no copy; Python's decoder takes three times longer on a
    province's file, and a Polars series first copies the whole file)."""
    offsets = pa.py_buffer(struct.pack("<2q", 0, len(data)))
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        whole.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _looks_binary(head: bytes) -> bool:
    """An image, PDF or archive, or many NUL bytes; a stray NUL in a cell does not count."""
    if head.startswith(_BINARY_MAGIC):
        return True
    return head.count(b"\x00") > max(2, len(head) // 100)


def _find_csv_header(data: bytes, file: str, known: frozenset[str]) -> int:
    """The file line where the header record starts (1-based)."""
    head = data[:262144].decode("utf-8", errors="ignore")
    reader = csv.reader(io.StringIO(head, newline=""))
    candidates: list[tuple[int, int]] = []  # (start line, known headers)
    end_line = 0
    try:
        for record in reader:
            start, end_line = end_line + 1, reader.line_num
            if any(cell.strip() for cell in record):
                candidates.append((start, count_known(record, known)))
            if len(candidates) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass  # a malformed record past the header; polars reports nothing better, read what we have
    return _pick_header(candidates, file)


def _pick_header(candidates: list[tuple[int, int]], file: str) -> int:
    """The first row with two known headers (a title row may stand above it), else one."""
    for least in (2, 1):
        for line, known in candidates:
            if known >= least:
                return line
    raise _fail(file, "找不到表头：前几行都没有认识的列名 (no recognisable header row in the "
                      "first rows)")


def _read_csv(data: bytes, file: str, digest: str, known: frozenset[str]) -> RawTable:
    data = _decode_csv(data, file)
    header_line = _find_csv_header(data, file, known)
    try:
        frame = pl.read_csv(
            data, has_header=False, infer_schema=False, skip_lines=header_line - 1,
            truncate_ragged_lines=True, raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise _fail(file, f"CSV 格式错误 (malformed CSV: {exc})") from None
    if frame.height == 0:
        raise _fail(file, "找不到表头 (no header row)")
    headers = tuple("" if h is None else h for h in frame.row(0))
    body = frame.slice(1)
    body.columns = [f"c{i}" for i in range(body.width)]
    header_newlines = sum(h.count("\n") for h in headers)
    first = header_line + header_newlines + 1
    lines = _csv_lines(body, first, quoted=b'"' in data,
                       ends=data.count(b"\n") - (first - 1) + (not data.endswith(b"\n")))
    return _finish(file, headers, header_line, body, lines, digest)


def _csv_lines(body: pl.DataFrame, first: int, *, quoted: bool, ends: int) -> pl.Series:
    """Start line of each record; a quoted cell may span lines, pushing later records down.

    ``ends`` counts the line breaks from the first record on, plus one when the file does not
    end with a break: at most one for each record when no record but the last holds a break in
    a cell (the last one's push no record down), so the cells need no scan then.
    """
    index = pl.int_range(0, body.height, dtype=pl.Int64, eager=True)
    if not quoted or body.width == 0 or ends <= body.height:
        return index + first
    in_cells = body.select(
        pl.sum_horizontal(pl.all().str.count_matches("\n", literal=True).fill_null(0))
    ).to_series().cast(pl.Int64)
    return index + first + in_cells.cum_sum() - in_cells


# --- workbooks --------------------------------------------------------------------------------


def _workbook_frame(data: bytes, file: str, sheet: int | str) -> tuple[pl.DataFrame, int, str]:
    """All cells of the sheet as text, from sheet row 1; and the sheet's name."""
    try:
        reader = fastexcel.read_excel(data)
    except Exception as exc:  # fastexcel raises its own hierarchy; any failure means unreadable
        raise _fail(file, f"无法读取 Excel 文件 (cannot read the workbook: {exc})") from None
    names = reader.sheet_names
    if (isinstance(sheet, int) and not 0 <= sheet < len(names)) or (
        isinstance(sheet, str) and sheet not in names
    ):
        raise _fail(file, f"没有工作表 {sheet}，现有 {', '.join(names)} (no such sheet)")
    try:
        loaded = reader.load_sheet(sheet, header_row=None, dtypes="string", skip_rows=0)
        frame = loaded.to_polars()
    except Exception as exc:
        raise _fail(file, f"无法读取工作表 (cannot read the sheet: {exc})") from None
    frame.columns = [f"c{i}" for i in range(frame.width)]
    # date cells come as "2021-03-05 00:00:00"; a whole date is written as a date
    frame = frame.with_columns(
        pl.all().str.replace(r"^([0-9]{4}-[0-9]{2}-[0-9]{2}) 00:00:00$", "$1")
    )
    return frame, 1, names[sheet] if isinstance(sheet, int) else sheet


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(r"^([A-Z]+)([0-9]+)$")


def _sheet_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip member holding the worksheet called ``name``."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rel_id = next((s.get(_REL_ID) for s in book.iter(f"{_MAIN}sheet") if s.get("name") == name),
                  None)
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels.iter(f"{_RELS}Relationship")
                   if r.get("Id") == rel_id), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _uncomputed_formulas(data: bytes, sheet: str) -> tuple[list[str], int] | None:
    """The references (``D4``) of the sheet's formula cells that hold no saved result, and the
    first column holding a value (where the reader's grid starts); None when there are none.

    A workbook written by a program (openpyxl, a script) and never opened in Excel keeps only
    the formula: every reader sees an empty cell, so the import would erase the stored value.
    A formula whose saved result is an empty text (``t="str"``, an empty ``<v>``) is computed."""
    if not data.startswith(_ZIP_MAGIC):
        return None  # a legacy .xls always holds its results
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _sheet_part(archive, sheet)
            xml = archive.read(part) if part else b""
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return None  # the reader itself has read the sheet; nothing more to find here
    if not _FORMULA.search(xml):
        return None
    missing: list[str] = []
    first = 0
    for _, cell in ElementTree.iterparse(io.BytesIO(xml)):
        if cell.tag != f"{_MAIN}c":
            continue
        ref = _CELL_REF.match(cell.get("r") or "")
        value = cell.find(f"{_MAIN}v")
        holds = (cell.find(f"{_MAIN}is") is not None or (value is not None and (
            bool(value.text) or cell.get("t") == "str")))
        if ref and cell.find(f"{_MAIN}f") is not None and not holds:
            missing.append(ref.group(0))
        elif ref and holds:
            column = _column_number(ref.group(1))
            first = column if not first else min(first, column)
        cell.clear()
    return (missing, first or 1) if missing else None


def _formula_problems(file: str, sheet: str, header: tuple[str | None, ...], refs: list[str],
                      first_column: int) -> tuple[Problem, ...]:
    """One error per formula cell without its result, naming sheet, row and column."""
    out = []
    for ref in refs:
        match = _CELL_REF.match(ref)
        assert match is not None
        letters, row = match.groups()
        position = _column_number(letters) - first_column
        name = header[position] if 0 <= position < len(header) else None
        column = f"{name.strip()} ({letters})" if name and name.strip() else letters
        out.append(Problem(
            file, int(row), column, None,
            f"公式单元格没有保存的计算结果（工作表 {sheet}，单元格 {ref}），"
            "请在 Excel 中打开并保存后再导入 (a formula cell without its saved result: open "
            "and save the file in Excel, then import it again)"))
    return tuple(out)


def _from_grid(
    grid: pl.DataFrame, first_line: int, file: str, digest: str, known: frozenset[str]
) -> RawTable:
    """Find the header row among the first rows of a grid of text cells, the rest is data."""
    candidates: list[tuple[int, int]] = []
    for offset in range(grid.height):
        row = grid.row(offset)
        if any(c is not None and c.strip() for c in row):
            candidates.append((offset + first_line, count_known(row, known)))
        if len(candidates) >= HEADER_SEARCH_ROWS:
            break
    if not candidates:
        raise _fail(file, "工作表为空 (empty sheet)")
    header_line = _pick_header(candidates, file)
    start = header_line - first_line
    headers = tuple("" if h is None else h for h in grid.row(start))
    body = grid.slice(start + 1)
    lines = pl.int_range(0, body.height, dtype=pl.Int64, eager=True) + (header_line + 1)
    return _finish(file, headers, header_line, body, lines, digest)


# --- Parquet ----------------------------------------------------------------------------------


def _read_parquet(data: bytes, file: str, digest: str) -> RawTable:
    try:
        table = pq.read_table(pa.BufferReader(data))
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        raise _fail(file, f"无法读取 Parquet 文件 (cannot read the Parquet file: {exc})") from None
    frame = pl.DataFrame(table)
    headers = tuple(frame.columns)
    try:
        body = pl.DataFrame([_as_text(frame.to_series(i)).alias(f"c{i}")
                             for i in range(frame.width)])
    except pl.exceptions.PolarsError as exc:
        raise _fail(file, f"不支持的列类型 (unsupported column type: {exc})") from None
    lines = pl.int_range(0, body.height, dtype=pl.Int64, eager=True) + 2
    return _finish(file, headers, 1, body, lines, digest)


def _as_text(s: pl.Series) -> pl.Series:
    """A typed column as the text a spreadsheet would show: whole floats without ``.0``."""
    if s.dtype in (pl.Float32, pl.Float64):
        whole = s.is_finite() & (s.round(0) == s) & (s.abs() < 1e15)
        as_int = s.cast(pl.Int64, strict=False).cast(pl.String)
        return pl.select(
            pl.when(whole).then(as_int).otherwise(s.cast(pl.String))
        ).to_series()
    if s.dtype == pl.Datetime:
        return s.dt.strftime("%Y-%m-%d %H:%M:%S").str.replace(" 00:00:00", "", literal=True)
    if s.dtype == pl.Date:
        return s.dt.strftime("%Y-%m-%d")
    return s.cast(pl.String)


# --- common -----------------------------------------------------------------------------------


def _finish(
    file: str, headers: tuple[str, ...], header_line: int, body: pl.DataFrame,
    lines: pl.Series, digest: str,
) -> RawTable:
    """Drop entirely empty rows and unnamed empty columns."""
    if body.width:
        filled = _has_content(body.get_column("c0"))
        blank_first = ~filled
        if blank_first.any():  # look at the other cells only of rows whose first cell is blank
            rest = body.filter(blank_first).select(
                pl.any_horizontal(pl.all().str.contains(r"\S")).fill_null(False)
            ).to_series()
            filled = filled.scatter(blank_first.arg_true(), rest)
        body, lines = body.filter(filled), lines.filter(filled)
    keep = [
        i for i, h in enumerate(headers)
        if h.strip() or _has_content(body.get_column(f"c{i}")).any()
    ]
    body = body.select([pl.col(f"c{i}").alias(f"c{n}") for n, i in enumerate(keep)])
    headers = tuple(headers[i].strip() for i in keep)
    return RawTable(file, headers, header_line, body, lines.rename("line"), digest)


def _has_content(cells: pl.Series) -> pl.Series:
    """True where a cell holds more than spaces."""
    return cells.str.contains(r"\S").fill_null(False)
