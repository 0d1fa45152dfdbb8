"""Monthly power use against the same month a year before (docs/monitoring.md "In the web"): an
enterprise's on its portrait and its alert's page, the county's on the cockpit.

A month without a reading is missing (shown empty), never 0; the county's month is the sum of the
readings stored for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.engine.monitoring import months
from mujun.services import access
from mujun.store.models import Enterprise, User
from mujun.store.models.monitoring import MonitoredMonth, PowerReading

MONTHS_PER_YEAR = 12


class MonthKwh(BaseModel):
    month: str
    kwh: float | None
    kwh_year_before: float | None
    #: kwh ÷ kwh_year_before − 1, when both are there and the year before's is above 0
    change: float | None


def _readings(session: Session, first: int, last: int,
              enterprise_id: int | None) -> dict[int, float]:
    """Month index → kWh of one enterprise (``enterprise_id``) or of the county (None: the sum
    of every enterprise's reading of the month), for the months ``first`` … ``last``."""
    between = (PowerReading.month >= months.first_day(first),
               PowerReading.month <= months.first_day(last))
    if enterprise_id is not None:
        query = select(PowerReading.month, PowerReading.kwh) \
            .where(PowerReading.enterprise_id == enterprise_id, *between)
    else:
        query = select(PowerReading.month, func.sum(PowerReading.kwh)) \
            .where(*between).group_by(PowerReading.month)
    return {months.of_date(m): float(k) for m, k in session.execute(query)}


def kwh_series(session: Session, wanted: Sequence[int], *,
               enterprise_id: int | None = None) -> list[MonthKwh]:
    """Each month of ``wanted`` (month indexes, ascending) with its kWh and the same month's a
    year before."""
    if not wanted:
        return []
    found = _readings(session, wanted[0] - MONTHS_PER_YEAR, wanted[-1], enterprise_id)
    out = []
    for m in wanted:
        now, before = found.get(m), found.get(m - MONTHS_PER_YEAR)
        change = now / before - 1 if now is not None and before else None
        out.append(MonthKwh(month=months.text(m), kwh=now, kwh_year_before=before,
                            change=change))
    return out


def year_months(year: int) -> range:
    return range(months.index(year, 1), months.index(year, 12) + 1)


class YearKwh(BaseModel):
    """A year's twelve months against the year before's (``year`` None: no reading at all)."""

    year: int | None
    months: list[MonthKwh]
    total: float | None
    total_year_before: float | None


def _year(session: Session, year: int | None, enterprise_id: int | None) -> YearKwh:
    if year is None:
        return YearKwh(year=None, months=[], total=None, total_year_before=None)
    series = kwh_series(session, year_months(year), enterprise_id=enterprise_id)
    present = [m.kwh for m in series if m.kwh is not None]
    before = [m.kwh_year_before for m in series if m.kwh_year_before is not None]
    return YearKwh(year=year, months=series, total=sum(present) if present else None,
                   total_year_before=sum(before) if before else None)


def enterprise_year(session: Session, enterprise: Enterprise) -> YearKwh:
    """The enterprise's newest year of readings against the year before (the caller has checked
    that the user sees the enterprise)."""
    newest = session.scalar(select(func.max(PowerReading.month))
                            .where(PowerReading.enterprise_id == enterprise.id))
    return _year(session, newest.year if newest else None, enterprise.id)


def county_year(session: Session, actor: User) -> YearKwh:
    """The county's newest monitored year (else the newest year of readings) against the year
    before: for the cockpit."""
    access.require(actor, access.Action.COCKPIT)
    newest = session.scalar(select(func.max(MonitoredMonth.month))) \
        or session.scalar(select(func.max(PowerReading.month)))
    return _year(session, newest.year if newest else None, None)
