"""The county's yearly series (``industrial_investment.csv``): ``year, industrial_investment_wan``.

工业投资 is the fifth target of 五个翻番 (platform.md); an empty value is a year without the figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mujun.io.records import Column, FileRecords, read_records

COUNTY_SERIES_COLUMNS = (
    Column("year", "年度", "int", required=True, unique=True),
    Column("industrial_investment_wan", "工业投资（万元）", "number"),
)


@dataclass(frozen=True)
class YearFigure:
    line: int
    year: int
    value: float | None


CountySeriesInput = FileRecords[YearFigure]


def read_industrial_investment(path: str | Path) -> CountySeriesInput:
    """Read the yearly 工业投资 series; :class:`~mujun.io.problems.InputError` when unusable."""
    checked = read_records(path, COUNTY_SERIES_COLUMNS)
    records = [YearFigure(r.line, r.values["year"], r.values["industrial_investment_wan"])
               for r in checked.records]
    return CountySeriesInput(checked.file, records, checked.problems, checked.rows_read)
