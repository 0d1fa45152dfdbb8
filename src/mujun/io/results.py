"""Writing evaluation results (evaluation.md §8) as CSV, XLSX or Parquet.

- CSV: UTF-8 *without* a byte-order mark, the English column keys of §8, booleans
  ``true``/``false``, numbers at full precision (the shortest text that reads back as the same
  float), empty cells for nulls (an empty text is written ``""``); a text starting with
  ``= + - @``, a tab or CR gets a leading ``'`` so no spreadsheet runs it as a formula. No BOM:
  the file is first of all input to other programs (and to this one, which ignores a BOM
  anyway); clerks who open results in Excel get the Chinese headers from the XLSX instead.
- XLSX: Chinese headers from ``headers_zh`` (the key where none is given; units as the headers
  give them), bold and frozen, columns sized to their contents, numbers and dates as real cells
  at full precision (Excel keeps 15 significant digits) with the number format of their kind
  (``result_kind``: ``#,##0.00`` money in 万元 and indicator values, ``0.00`` scores, ``#,##0``
  ranks, the credit code a text cell), text never turned into a formula.
- Parquet: the table as it is (dictionary-encoded text columns, snappy).

Every format is written to a temporary file in the target folder and renamed into place, so a
failed write never leaves a half-written result.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from mujun.io.number_formats import Kind
from mujun.io.problems import OutputError, Problem

XLSX_MAX_ROWS = 1_048_576
_WIDTH_SAMPLE = 1000


def write_results(
    table: pa.Table, path: str | Path, *, headers_zh: dict[str, str] | None = None
) -> Path:
    """Write ``table`` to ``path``, the format chosen by the extension (.csv, .xlsx, .parquet)."""
    target = Path(path)
    writer = _WRITERS.get(target.suffix.lower())
    if writer is None:
        raise _fail(path, f"不支持的文件类型 {target.suffix or '(无扩展名)'}，应为 .csv、.xlsx 或 "
                          f".parquet (unknown output format; use .csv, .xlsx or .parquet)")
    if not target.parent.is_dir():
        raise _fail(path, "目标文件夹不存在 (the folder does not exist)")
    if target.suffix.lower() == ".xlsx" and table.num_rows + 1 > XLSX_MAX_ROWS:
        raise _fail(path, f"行数超出 Excel 上限 {XLSX_MAX_ROWS} (too many rows for Excel; use "
                          ".csv or .parquet)")
    # created by the writer itself, so the file gets the usual permissions (mkstemp's are 0600)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        writer(table, tmp, headers_zh or {})
        os.replace(tmp, target)
    except OSError as exc:
        raise _fail(path, f"无法写入 (cannot write: {exc.strerror or exc})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target


def _fail(path: str | Path, reason: str) -> OutputError:
    return OutputError(Problem(str(path), None, None, None, reason, "error"))


def _write_csv(table: pa.Table, path: Path, headers_zh: dict[str, str]) -> None:
    import polars as pl  # here, not on the Parquet path: an import of a fifth of a second

    from mujun.io.cells import csv_safe

    del headers_zh  # §8 names the CSV columns by their keys
    frame = csv_safe(pl.DataFrame(table))
    frame.write_csv(path, include_bom=False, null_value="", float_precision=None)


def _write_parquet(table: pa.Table, path: Path, headers_zh: dict[str, str]) -> None:
    """Dictionary pages for the text columns only (codes, groups, classes, reasons repeat); a
    dictionary of a million distinct figures costs a third of the writing and saves nothing."""
    del headers_zh
    texts = [f.name for f in table.schema if pa.types.is_string(f.type)]
    pq.write_table(table, path, use_dictionary=texts)


def _write_xlsx(table: pa.Table, path: Path, headers_zh: dict[str, str]) -> None:
    from mujun.io.cells import new_workbook
    from mujun.io.xlsx_table import Column, column_width

    workbook = new_workbook(path, {
        "constant_memory": True,  # rows are streamed to disk in order
        "nan_inf_to_errors": True,
    })
    try:
        sheet = workbook.add_worksheet("结果")
        bold = workbook.add_format({"bold": True})
        columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
        writers = []
        for c, (name, values) in enumerate(zip(table.column_names, columns, strict=True)):
            kind = result_kind(name, table.schema.field(c).type)
            column = Column(headers_zh.get(name, name), kind, unit="")
            sheet.set_column(c, c, column_width(column, values[:_WIDTH_SAMPLE]))
            sheet.write_string(0, c, column.header, bold)
            fmt = workbook.add_format({"num_format": kind.excel_format}) \
                if kind.excel_format else None
            writers.append(_cell_writer(sheet, kind, fmt))
        sheet.freeze_panes(1, 0)
        for r, row in enumerate(zip(*columns, strict=True), start=1):
            for c, value in enumerate(row):
                if value is not None:
                    writers[c](r, c, value)
    finally:
        workbook.close()


def result_kind(name: str, kind: pa.DataType) -> Kind:
    """What a §8 column's figures are (their Excel number format): money in 万元, scores, the
    indicators' values and benchmarks, ranks; the credit code stays text."""
    if name == "uscc":
        return Kind.CODE
    if pa.types.is_boolean(kind):
        return Kind.BOOL
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return Kind.DATE
    if pa.types.is_integer(kind):
        return Kind.INT
    if name.endswith("_wan"):  # extra_tax_to_next_class_wan is text: a number or `unreachable`
        return Kind.MONEY
    if not pa.types.is_floating(kind):
        return Kind.TEXT
    if name == "land_mu":
        return Kind.MU
    if name in _SCORE_COLUMNS or name.startswith("score_"):
        return Kind.SCORE
    return Kind.NUMBER


_SCORE_COLUMNS = frozenset({"score", "base_score", "bonus", "penalty", "raw_score"})


def _cell_writer(sheet: Any, kind: Kind, fmt: Any) -> Callable[[int, int, Any], object]:
    """The xlsxwriter call for a column's kind, so a cell is never guessed from its text."""
    if kind is Kind.BOOL:
        return sheet.write_boolean
    if kind is Kind.DATE:
        return lambda r, c, v: sheet.write_datetime(r, c, v, fmt)
    if kind.digits is not None:
        return lambda r, c, v: _write_figure(sheet, r, c, v, fmt)
    return lambda r, c, v: sheet.write_string(r, c, v if isinstance(v, str) else str(v), fmt)


def _write_figure(sheet: Any, r: int, c: int, value: float | str, fmt: Any) -> None:
    """A number cell; a text column of figures (the §5 extra tax) gives numbers where its text
    is one and keeps a word such as ``unreachable`` as text."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            sheet.write_string(r, c, value, fmt)
            return
    sheet.write_number(r, c, value, fmt)


_WRITERS: dict[str, Callable[[pa.Table, Path, dict[str, str]], None]] = {
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
    ".parquet": _write_parquet,
}
