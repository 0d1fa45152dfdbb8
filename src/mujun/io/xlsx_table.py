"""One sheet of an export: headers with their units, typed cells with number formats, columns
sized to their contents, the header row frozen (docs/numbers.md, "Exports").

Every list export of the web and the command line describes its columns as :class:`Column`\\ s and
calls :func:`write_table` (or :func:`table_xlsx` for a one-sheet workbook), so a money column is
``#,##0.00`` with ``（万元）`` in its header wherever it is exported. Cells keep the full-precision
number; only the format rounds what Excel shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from mujun.io.cells import new_workbook
from mujun.io.number_formats import Kind, as_text

MAX_WIDTH = 60
_WIDTH_SAMPLE = 1000
_DEFAULT_UNIT = {Kind.MONEY: "万元", Kind.MU: "亩", Kind.AREA_M2: "m²"}
HEADER_STYLE = {"bold": True, "bg_color": "#E8EEF7", "border": 1, "valign": "vcenter"}


@dataclass(frozen=True)
class Column:
    """An exported column: its title, what its figures are, and their unit (``None``: the
    kind's usual unit — 万元 for money, 亩 for land — ``""``: none)."""

    title: str
    kind: Kind = Kind.TEXT
    unit: str | None = None

    @property
    def header(self) -> str:
        """``实缴税收（万元）``: the title with its unit in full-width brackets."""
        unit = _DEFAULT_UNIT.get(self.kind, "") if self.unit is None else self.unit
        return f"{self.title}（{unit}）" if unit else self.title


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _shown(kind: Kind, value: Any) -> str:
    """The text Excel shows for a cell (to size its column)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.date, dt.datetime)):
        return "2021-03-05"
    if isinstance(value, (int, float)):
        return as_text(value, kind)
    return str(value)


def column_width(column: Column, values: Iterable[Any]) -> float:
    widest = max([display_width(column.header),
                  *(display_width(_shown(column.kind, v)) for v in values if v is not None)])
    return float(min(widest + 2, MAX_WIDTH))


def write_table(book: Any, sheet: Any, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
                *, top: int = 0, header_format: Any = None, cell_style: dict[str, Any] | None = None
                ) -> int:
    """Write ``columns``' headers at row ``top`` and ``rows`` below them into ``sheet`` of the
    xlsxwriter ``book``; returns the number of rows written. Freezes the header row and puts an
    autofilter on the table. ``cell_style`` (e.g. borders) is added to every cell's format."""
    style = cell_style or {}
    head = header_format or book.add_format(HEADER_STYLE)
    formats = [book.add_format({**style, **({"num_format": c.kind.excel_format}
                                            if c.kind.excel_format else {})})
               for c in columns]
    rows = list(rows)
    for c, column in enumerate(columns):
        sheet.write_string(top, c, column.header, head)
        sample = (row[c] for row in rows[:_WIDTH_SAMPLE])
        sheet.set_column(c, c, column_width(column, sample))
    for r, row in enumerate(rows, start=top + 1):
        for c, (column, value) in enumerate(zip(columns, row, strict=True)):
            _write_cell(sheet, r, c, column.kind, value, formats[c])
    sheet.freeze_panes(top + 1, 0)
    if rows:
        sheet.autofilter(top, 0, top + len(rows), len(columns) - 1)
    return len(rows)


def _write_cell(sheet: Any, r: int, c: int, kind: Kind, value: Any, fmt: Any) -> None:
    if value is None or (isinstance(value, float) and value != value):  # None, NaN: empty
        sheet.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(r, c, "是" if value else "否", fmt)
    elif kind is Kind.CODE or not isinstance(value, (int, float, dt.date, dt.datetime)):
        sheet.write_string(r, c, str(value), fmt)
    elif isinstance(value, (dt.date, dt.datetime)):
        sheet.write_datetime(r, c, value, fmt)
    else:
        sheet.write_number(r, c, value, fmt)


def table_xlsx(columns: Sequence[Column], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1"
               ) -> bytes:
    """A one-sheet workbook of ``rows`` under ``columns``."""
    buffer = BytesIO()
    book = new_workbook(buffer)
    write_table(book, book.add_worksheet(sheet[:31]), columns, rows)
    book.close()
    return buffer.getvalue()
