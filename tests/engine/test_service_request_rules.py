"""三服务2.0 rules (engine/programmes/service_requests.py): on time, overdue, due dates and the
per-department statistics of targets.md §3."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mujun.engine.programmes.service_requests import (
    CATEGORIES,
    RequestDates,
    department_year,
    due_date,
    mean_rating,
    on_time,
    overdue,
)

DUE = date(2025, 3, 10)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def test_on_time_boundaries() -> None:
    assert on_time(DUE - timedelta(days=1), DUE)
    assert on_time(DUE, DUE)  # closed on the due day is on time
    assert not on_time(DUE + timedelta(days=1), DUE)
    assert not on_time(None, DUE)  # an open request is not on time


def test_overdue_boundaries() -> None:
    assert not overdue(None, DUE, DUE)  # open on its due day: not yet overdue
    assert overdue(None, DUE, DUE + timedelta(days=1))
    assert not overdue(DUE + timedelta(days=5), DUE, DUE + timedelta(days=9))  # closed late
    # closed after "today": still open on that day, so overdue then
    assert overdue(DUE + timedelta(days=5), DUE, DUE + timedelta(days=2))


@given(submitted=days, late=st.integers(min_value=1, max_value=400),
       allowed=st.integers(min_value=0, max_value=60))
def test_a_request_closed_late_never_counts_as_on_time(submitted: date, late: int,
                                                       allowed: int) -> None:
    due = submitted + timedelta(days=allowed)
    closed = due + timedelta(days=late)
    assert not on_time(closed, due)
    stats = department_year("land", closed.year, [RequestDates("land", submitted, due, closed, 9)],
                            today=closed + timedelta(days=30))
    assert (stats.closed, stats.closed_on_time) == (1, 0)


@given(submitted=days, closed_after=st.integers(min_value=0, max_value=90),
       allowed=st.integers(min_value=0, max_value=60), today=days)
def test_on_time_and_overdue_exclude_each_other(submitted: date, closed_after: int, allowed: int,
                                                today: date) -> None:
    due = submitted + timedelta(days=allowed)
    closed = submitted + timedelta(days=closed_after)
    closed_by_today = closed <= today
    if closed_by_today:
        assert not overdue(closed, due, today)
    assert overdue(None, due, today) == (today > due)
    assert on_time(closed, due) == (closed <= due)


def test_due_date_is_the_category_s_days() -> None:
    assert due_date(date(2025, 1, 30), "approval") == date(2025, 2, 6)  # 7 days
    assert due_date(date(2025, 1, 30), "land") == date(2025, 3, 1)  # 30 days
    assert {c.department for c in CATEGORIES.values()} == {
        "land", "hr", "finance", "service_center", "econ", "housing", "power", "env",
        "education"}


def test_department_year_counts() -> None:
    d = date
    found = [
        RequestDates("land", d(2024, 12, 20), d(2025, 1, 5), d(2025, 1, 4), 8),  # on time, 2025
        RequestDates("land", d(2025, 2, 1), d(2025, 2, 10), d(2025, 2, 11), 6),  # late
        RequestDates("land", d(2025, 3, 1), d(2025, 3, 31), d(2025, 3, 20), None),  # not rated
        RequestDates("land", d(2025, 11, 1), d(2025, 11, 30), None, None),  # overdue at year end
        RequestDates("land", d(2025, 12, 20), d(2026, 1, 19), None, None),  # open, not yet due
        RequestDates("land", d(2025, 10, 1), d(2025, 10, 31), d(2026, 1, 3), 10),  # closed 2026
        RequestDates("hr", d(2025, 5, 1), d(2025, 5, 2), None, None),  # another department
    ]
    s = department_year("land", 2025, found, today=d(2026, 4, 1))
    assert (s.received, s.closed, s.closed_on_time, s.overdue_open, s.rated) == (5, 3, 2, 2, 2)
    assert s.satisfaction == 7.0 and s.on_time_share == 2 / 3
    # within the year, as known today (2025-11-15): the November request is not yet due
    s = department_year("land", 2025, found, today=d(2025, 11, 15))
    assert s.overdue_open == 1  # the October one (due 10-31, closed only in 2026)
    assert department_year("hr", 2025, found, today=d(2026, 1, 1)).satisfaction is None


def test_mean_rating_skips_unrated() -> None:
    assert mean_rating([10, None, 7]) == 8.5
    assert mean_rating([None]) is None
