"""Numbers as county staff read them: one place for the digits, units and Excel formats of every
kind of figure the pages and the exports show (docs/numbers.md).

- money in 万元 with thousands separators and 2 decimals (``4,439,375.92``); county totals in
  亿元 (``443.94 亿元``);
- land in 亩 with 2 decimals (the 亩 is ``engine.fields.M2_PER_MU`` m²);
- scores with 2 decimals; shares (ratios) as percentages (``−23.96%``);
- rounding half away from zero on the number's exact binary value, as the score rounding of
  docs/methodology.md; a value that rounds to zero never shows a sign (no ``−0.00``);
- a missing value (None, NaN, ±inf) shows as ``—``.

The text functions are for pages and terminal output; exports keep full-precision numbers and
give the cell the Excel ``number_format`` of its :class:`Kind` instead.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import Enum
from typing import Any

from mujun.engine.fields import M2_PER_MU
from mujun.engine.texts import N_

MISSING = "—"
MINUS = "\u2212"  # the minus sign, not the hyphen
YI_IN_WAN_DIGITS = 4  # 1 亿元 = 10⁴ 万元
#: wide enough for any float's exact decimal expansion, so rounding is exact
_EXACT = Context(prec=800)


class Kind(Enum):
    """What a figure is: its decimals on a page and its number format in Excel."""

    #: (name, decimals on a page, Excel number format; None: a text cell) — the name keeps
    #: kinds with the same format distinct
    TEXT = ("text", None, None)
    CODE = ("code", None, "@")  # credit codes, parcel codes: text, never a number
    INT = ("int", 0, "#,##0")
    MONEY = ("money", 2, "#,##0.00")  # 万元
    MU = ("mu", 2, "#,##0.00")  # 亩
    AREA_M2 = ("area_m2", 0, "#,##0")  # m²
    SCORE = ("score", 2, "0.00")
    NUMBER = ("number", 2, "#,##0.00")  # any other measured value (e.g. 万元/亩)
    SHARE = ("share", 2, "0.00%")  # a ratio shown as a percentage
    DATE = ("date", None, "yyyy-mm-dd")
    BOOL = ("bool", None, None)  # 是/否

    @property
    def digits(self) -> int | None:
        return self.value[1]

    @property
    def excel_format(self) -> str | None:
        return self.value[2]


def _finite(value: Any) -> float | int | Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):  # not a figure: shown as missing, never a failed page
        return None
    return number if math.isfinite(number) else None


def rounded(value: Any, digits: int = 2, *, scale: int = 0) -> Decimal | None:
    """``value × 10^scale`` rounded half away from zero to ``digits`` decimals (None when
    missing); a result of zero is always +0. The scale is applied exactly (percentages: 2,
    万元 → 亿元: −4), so a figure rounds as its own binary value says."""
    number = _finite(value)
    if number is None:
        return None
    exact = Decimal(number)  # the float's exact binary value (docs/methodology.md, "Rounding")
    result = exact.quantize(Decimal(1).scaleb(-digits - scale), rounding=ROUND_HALF_UP,
                            context=_EXACT).scaleb(scale, context=_EXACT)
    return result.copy_abs() if result.is_zero() else result


def number(value: Any, digits: int = 2, *, scale: int = 0, grouping: bool = True) -> str:
    """``1,234.57``, ``−0.50``, ``0.00`` (never ``−0.00``), ``—`` when missing."""
    r = rounded(value, digits, scale=scale)
    if r is None:
        return MISSING
    text = f"{r.copy_abs():{',' if grouping else ''}.{digits}f}"
    return MINUS + text if r < 0 else text


def exact(value: Any) -> str:
    """Every digit a stored value has (the shortest text that reads back as the same float),
    with thousands separators: ``6000.0`` → ``6,000``, ``115.000005`` → ``115.000005``. For
    histories of values, where rounding would hide a change."""
    number_ = _finite(value)
    if number_ is None:
        return MISSING
    d = Decimal(repr(number_)) if isinstance(number_, float) else Decimal(number_)
    text = f"{d.copy_abs():,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return MINUS + text if d < 0 and text.strip("0.,") else text


def signed(value: Any, digits: int = 2) -> str:
    """``+1.50``, ``−1.50``, ``0.00`` (a change or an adjustment; zero has no sign)."""
    r = rounded(value, digits)
    if r is None:
        return MISSING
    text = number(value, digits)
    return "+" + text if r > 0 else text


def percent(ratio: Any, digits: int = 2) -> str:
    """A ratio as a percentage: ``−0.2396`` → ``−23.96%`` (``—`` when missing)."""
    text = number(ratio, digits, scale=2)
    return text if text == MISSING else text + "%"


def money(value_wan: Any) -> str:
    """An amount in 万元, without the unit: ``4,439,375.92``."""
    return number(value_wan, Kind.MONEY.digits or 0)


def in_yi(value_wan: Any) -> str:
    """A county total given in 万元, in 亿元 without the unit: ``443.94``."""
    return number(value_wan, 2, scale=-YI_IN_WAN_DIGITS)


def money_yi(value_wan: Any) -> str:
    """A county total given in 万元, in 亿元 with the unit: ``443.94 亿元``."""
    text = in_yi(value_wan)
    return text if text == MISSING else text + " 亿元"


#: the unit a county-wide total is shown in, by the unit it is kept in
COUNTY_UNIT = {"万元": N_("亿元")}


def county_unit(unit: str) -> str:
    """The unit a county total kept in ``unit`` is shown in (万元 → 亿元; others unchanged)."""
    return COUNTY_UNIT.get(unit, unit)


def county_total(value: Any, unit: str) -> str:
    """A county total kept in ``unit``, as a number in :func:`county_unit` (no unit)."""
    return in_yi(value) if county_unit(unit) == "亿元" else number(value, 2)


def mu(value_mu: Any) -> str:
    """An area in 亩, without the unit: ``115.00``."""
    return number(value_mu, Kind.MU.digits or 0)


def m2_to_mu(area_m2: float | None) -> float | None:
    """m² → 亩 (full precision; None stays None)."""
    return None if area_m2 is None else area_m2 / M2_PER_MU


def score(value: Any) -> str:
    """A score with 2 decimals: ``87.46``."""
    return number(value, Kind.SCORE.digits or 0)


def as_text(value: Any, kind: Kind) -> str:
    """``value`` as a page shows a figure of ``kind`` (a share as a percentage)."""
    if kind is Kind.SHARE:
        return percent(value, kind.digits or 0)
    if kind.digits is None:
        return MISSING if value is None else str(value)
    return number(value, kind.digits)


def parse(text: str) -> Decimal | None:
    """Read back what :func:`number` wrote (for tests and pasted figures): ``—`` → None."""
    text = text.strip()
    if text == MISSING:
        return None
    return Decimal(text.replace(",", "").replace(MINUS, "-"))
