"""List exports as .xlsx (Chinese headers, frozen header row, column widths)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response

from mujun.io.cells import new_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1") -> bytes:
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    widths = [max(8, len(h) * 2) for h in headers]
    ws.write_row(0, 0, headers, bold)
    n = 0
    for n, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, bool):
                value = "是" if value else "否"
            ws.write(n, c, value)
            if isinstance(value, str):
                widths[c] = min(60, max(widths[c], len(value) * 2))
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.freeze_panes(1, 0)
    if n:
        ws.autofilter(0, 0, n, len(headers) - 1)
    book.close()
    return buffer.getvalue()


def download(data: bytes, filename: str) -> Response:
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})
