"""Writing evaluation results (evaluation.md §8) as CSV, XLSX or Parquet.

- CSV: UTF-8 *without* a byte-order mark, the English column keys of §8, booleans
  ``true``/``false``, numbers at full precision (the shortest text that reads back as the same
  float), empty cells for nulls (an empty text is written ``""``); a text starting with
  ``= + - @``, a tab or CR gets a leading ``'`` so no spreadsheet runs it as a formula. No BOM:
  the file is first of all input to other programs (and to this one, which ignores a BOM
  anyway); clerks who open results in Excel get the Chinese headers from the XLSX instead.
- XLSX: Chinese headers from ``headers_zh`` (the key where none is given), bold and frozen,
  columns sized to their contents, numbers and dates as real cells (Excel keeps 15 significant
  digits), text never turned into a formula.
- Parquet: the table as it is.

Every format is written to a temporary file in the target folder and renamed into place, so a
failed write never leaves a half-written result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from mujun.io.cells import csv_safe, new_workbook
from mujun.io.problems import OutputError, Problem

XLSX_MAX_ROWS = 1_048_576
_WIDTH_SAMPLE = 1000
_MAX_WIDTH = 60


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
    del headers_zh  # §8 names the CSV columns by their keys
    frame = csv_safe(pl.DataFrame(table))
    frame.write_csv(path, include_bom=False, null_value="", float_precision=None)


def _write_parquet(table: pa.Table, path: Path, headers_zh: dict[str, str]) -> None:
    del headers_zh
    pq.write_table(table, path)


def _write_xlsx(table: pa.Table, path: Path, headers_zh: dict[str, str]) -> None:
    workbook = new_workbook(path, {
        "constant_memory": True,  # rows are streamed to disk in order
        "nan_inf_to_errors": True,
    })
    try:
        sheet = workbook.add_worksheet("结果")
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        headers = [headers_zh.get(name, name) for name in table.column_names]
        columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
        for c, (header, values) in enumerate(zip(headers, columns, strict=True)):
            sheet.set_column(c, c, _width(header, values[:_WIDTH_SAMPLE]))
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, headers, bold)
        writers = [_cell_writer(sheet, table.schema.field(i).type, date_format)
                   for i in range(table.num_columns)]
        for r, row in enumerate(zip(*columns, strict=True), start=1):
            for c, value in enumerate(row):
                if value is not None:
                    writers[c](r, c, value)
    finally:
        workbook.close()


def _cell_writer(
    sheet: Any, kind: pa.DataType, date_format: Any
) -> Callable[[int, int, Any], object]:
    """The xlsxwriter call for a column's type, so a cell is never guessed from its text."""
    if pa.types.is_boolean(kind):
        return sheet.write_boolean
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return sheet.write_number
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return lambda r, c, v: sheet.write_datetime(r, c, v, date_format)
    return lambda r, c, v: sheet.write_string(r, c, v if isinstance(v, str) else str(v))


def _width(header: str, values: list[Any]) -> float:
    """Display width: CJK characters count double; dates and numbers by their text."""
    def text_width(v: Any) -> int:
        if isinstance(v, float):
            v = f"{v:.6g}"
        elif isinstance(v, dt.date):
            v = "2021-03-05"
        s = str(v)
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)
    widest = max([text_width(header), *(text_width(v) for v in values if v is not None)])
    return float(min(widest + 2, _MAX_WIDTH))


_WRITERS: dict[str, Callable[[pa.Table, Path, dict[str, str]], None]] = {
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
    ".parquet": _write_parquet,
}
