"""The list exports of the web: units in the headers, number formats on the cells."""

from __future__ import annotations

import io

import openpyxl
from tests.web.conftest import SignIn


def _rows(data: bytes) -> list[tuple[openpyxl.cell.Cell, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None and sheet.freeze_panes == "A2"
    return list(sheet.iter_rows())


def _formats(rows: list[tuple[openpyxl.cell.Cell, ...]]) -> dict[str, str]:
    """Each header with the number format of the first data row's cell under it."""
    return {h.value: c.number_format for h, c in zip(rows[0], rows[1], strict=True)}


def test_enterprise_export_formats_scores_ranks_and_codes(sign_in: SignIn) -> None:
    r = sign_in("officer").get("/api/enterprises/export.xlsx", params={"sort": "uscc"})
    rows = _rows(r.content)
    formats = _formats(rows)
    assert formats["统一社会信用代码"] == "@"
    assert formats["综合得分"] == "0.00"
    assert formats["组内排名"] == "#,##0"
    scored = next(row for row in rows[1:] if row[5].value is not None)
    assert isinstance(scored[5].value, float)  # the full number, formatted, not text


def test_land_export_headers_carry_units(sign_in: SignIn) -> None:
    r = sign_in("admin").get("/api/land/low-efficiency.xlsx")
    rows = _rows(r.content)
    formats = _formats(rows)
    assert formats["用地面积（亩）"] == "#,##0.00"
    assert formats["亩均税收（万元/亩）"] == "#,##0.00"
    assert formats["综合得分"] == "0.00"
    land = [row[6].value for row in rows[1:]]
    assert land == sorted(land, reverse=True) and all(isinstance(v, (int, float)) for v in land)
