"""Text that stays text in the files we write: workbooks never turn a string into a formula, a
link or a number, and CSV text cannot start a formula when a spreadsheet opens it
(docs/security.md, "Exports")."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:  # imported when a workbook is written: a third of a second that CSV and
    import xlsxwriter  # Parquet results need not pay

#: what makes Excel, LibreOffice or WPS read a CSV cell as a formula (CR and tab included)
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

_TEXT_STAYS_TEXT = {"strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False}


def new_workbook(target: str | Path | BytesIO, options: dict[str, Any] | None = None
                 ) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook whose ``write()`` writes every string as a text cell."""
    import xlsxwriter

    if isinstance(target, BytesIO):
        options = {"in_memory": True, **(options or {})}
    return xlsxwriter.Workbook(target if isinstance(target, BytesIO) else str(target),
                               {**(options or {}), **_TEXT_STAYS_TEXT})


def csv_text(value: str) -> str:
    """``value`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_LEADS) else value


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of ``frame`` through :func:`csv_text` (numbers stay numbers)."""
    leads = "^[" + "".join("\\" + c if c in "-" else c for c in FORMULA_LEADS) + "]"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(leads)).then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name)).alias(name)
        for name, kind in frame.schema.items() if kind == pl.String)
