"""List exports as .xlsx: headers with units, number formats, frozen header row, column widths
(the table writer of ``io/xlsx_table.py``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response

from mujun.io.xlsx_table import Column, table_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(columns: Sequence[Column | str], rows: Iterable[Sequence[Any]],
             sheet: str = "Sheet1") -> bytes:
    """One sheet of ``rows``; a plain title is a text column without a unit."""
    return table_xlsx([c if isinstance(c, Column) else Column(c) for c in columns], rows, sheet)


def download(data: bytes, filename: str) -> Response:
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})
