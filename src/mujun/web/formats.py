"""The Jinja filters that show numbers on the pages, over ``io/number_formats.py`` (the same
digits and units as the exports; docs/numbers.md):

- ``num(2)`` any figure (a count without decimals), ``score``, ``money`` (万元), ``mu`` (亩);
- ``yi``: 万元 shown in 亿元; ``county_total(unit)`` / ``county_unit``: a county total in the
  unit staff use (万元 → 亿元);
- ``m2_mu``: an area given in m², in 亩; ``m2``: an area in m²;
- ``signed``: an adjustment (+1.50, −1.50, 0.00); ``pct``: a ratio as a percentage.

None shows as ``—``; no figure shows ``−0.00``.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from mujun.io import number_formats as nf


def _num(value: Any, digits: int = 2) -> str:
    """A count (an int) without decimals: ``1,265``; any other figure with ``digits``."""
    if isinstance(value, int) and not isinstance(value, bool):
        digits = 0
    return nf.number(value, digits)


def _pct(value: Any, digits: int = 2) -> str:
    return nf.percent(value, digits)


def _signed(value: Any, digits: int = 2) -> str:
    return nf.signed(value, digits)


def _m2_mu(area_m2: Any) -> str:
    return nf.mu(nf.m2_to_mu(area_m2))


def _m2(area_m2: Any) -> str:
    return nf.number(area_m2, nf.Kind.AREA_M2.digits or 0)


FILTERS = {
    "num": _num, "pct": _pct, "signed": _signed, "money": nf.money, "yi": nf.in_yi,
    "mu": nf.mu, "m2_mu": _m2_mu, "m2": _m2, "score": nf.score,
    "county_total": nf.county_total, "county_unit": nf.county_unit,
}


def register(env: Environment) -> None:
    """Put the number filters on a Jinja environment."""
    env.filters.update(FILTERS)
