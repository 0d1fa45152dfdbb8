"""Calendar months as whole numbers, so that ``M − 12`` is a subtraction (docs/monitoring.md).

A month's *index* is ``year × 12 + (month − 1)``: 2025-12 is 24311, 2024-12 is 24299. The rules
count back from the as-of month on these numbers; the readers and the command turn the texts a
clerk writes (``2025-12``, ``2025/12``, ``202512`` or a date) into them.
"""

from __future__ import annotations

import re
from datetime import date

#: the years a month may name (a typo such as 0225-12 is refused, not read as the year 225)
FIRST_YEAR = 1900
LAST_YEAR = 2199

_MONTH = re.compile(
    r"^(?P<y>[0-9]{4})(?:[-/.](?P<m>[0-9]{1,2})(?:[-/.](?P<d>[0-9]{1,2}))?"
    r"|(?P<m2>[0-9]{2})(?P<d2>[0-9]{2})?)"
    r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"
)


def index(year: int, month: int) -> int:
    return year * 12 + (month - 1)


def of_date(day: date) -> int:
    return index(day.year, day.month)


def text(month_index: int) -> str:
    """``YYYY-MM``."""
    year, month = divmod(month_index, 12)
    return f"{year:04d}-{month + 1:02d}"


def first_day(month_index: int) -> date:
    year, month = divmod(month_index, 12)
    return date(year, month + 1, 1)


def parse(cell: str | None) -> int | None:
    """The month a cell names, or None when it names none.

    ``YYYY-MM``, ``YYYY/MM``, ``YYYY.MM`` (month with or without its leading zero), ``YYYYMM``,
    or a date in the forms the enterprise table accepts (``2025-12-31``, ``2025/12/31``,
    ``20251231``, with or without a time of day), of which the month is taken; the date must
    exist (2025-02-30 names no month).
    """
    if cell is None:
        return None
    found = _MONTH.match(cell.strip())
    if found is None:
        return None
    year = int(found["y"])
    month_text = found["m"] or found["m2"]
    day_text = found["d"] or found["d2"]
    month = int(month_text)
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    if day_text is not None:
        try:
            date(year, month, int(day_text))
        except ValueError:
            return None
    return index(year, month)
