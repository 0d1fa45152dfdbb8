"""三服务2.0 rules (docs/programmes.md; targets.md §2 十 and §3): categories with their departments
and default handling days, due dates, on time, overdue and the per-department statistics.

A request is *on time* when it was closed on or before its due date, *overdue* when it is still
open after its due date. Everything here is about days (``date``), never times of day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from mujun.engine.texts import N_

STATUSES = ("submitted", "in_progress", "closed")
STATUS_ZH = {"submitted": N_("诉求"), "in_progress": N_("办理中"), "closed": N_("办结")}
RATING_MIN, RATING_MAX = 1, 10


@dataclass(frozen=True)
class Category:
    code: str
    label_zh: str
    #: the responsible department's code (services/departments.py)
    department: str
    #: the default handling time: due = submitted + days
    days: int


CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category("land", N_("用地"), "land", 30),
        Category("labour", N_("用工"), "hr", 15),
        Category("finance", N_("融资"), "finance", 15),
        Category("approval", N_("审批"), "service_center", 7),
        Category("policy", N_("政策兑现"), "econ", 30),
        Category("infrastructure", N_("基础设施"), "housing", 15),
        Category("power", N_("用电用能"), "power", 15),
        Category("environment", N_("环保"), "env", 30),
        Category("schooling", N_("子女入学"), "education", 30),
    )
}


def due_date(submitted: date, category: str) -> date:
    """The due date of a request of ``category`` submitted on ``submitted``."""
    return submitted + timedelta(days=CATEGORIES[category].days)


def on_time(closed_on: date | None, due_on: date) -> bool:
    """Closed on or before its due date (an open request is not on time, whatever the day)."""
    return closed_on is not None and closed_on <= due_on


def overdue(closed_on: date | None, due_on: date, today: date) -> bool:
    """Open on ``today`` after its due date. A request closed by ``today`` is never overdue."""
    open_today = closed_on is None or closed_on > today
    return open_today and today > due_on


@dataclass(frozen=True)
class RequestDates:
    """What the statistics read of a request."""

    department: str
    submitted_on: date
    due_on: date
    closed_on: date | None
    satisfaction: int | None


@dataclass(frozen=True)
class DepartmentYear:
    """One department's year (targets.md §3): received = submitted in the year; closed and closed
    on time = closed in the year; overdue open = open past its due date at the year's end (or
    today, within the current year); satisfaction = the mean rating of the year's closed and
    rated requests."""

    department: str
    year: int
    received: int
    closed: int
    closed_on_time: int
    overdue_open: int
    rated: int
    satisfaction: float | None

    @property
    def on_time_share(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None


def mean_rating(ratings: Iterable[int | None]) -> float | None:
    given = [r for r in ratings if r is not None]
    return sum(given) / len(given) if given else None


def department_year(department: str, year: int, requests: Iterable[RequestDates],
                    today: date) -> DepartmentYear:
    """The statistics of ``requests`` (of any department: the others are skipped) for ``year``,
    as known on ``today``."""
    as_of = min(today, date(year, 12, 31))
    mine = [r for r in requests if r.department == department]
    closed = [r for r in mine if r.closed_on is not None and r.closed_on.year == year]
    rated = [r.satisfaction for r in closed if r.satisfaction is not None]
    return DepartmentYear(
        department=department, year=year,
        received=sum(r.submitted_on.year == year for r in mine),
        closed=len(closed),
        closed_on_time=sum(on_time(r.closed_on, r.due_on) for r in closed),
        overdue_open=sum(r.submitted_on <= as_of and overdue(r.closed_on, r.due_on, as_of)
                         for r in mine),
        rated=len(rated),
        satisfaction=mean_rating(rated),
    )
