"""Monitored months and their alerts (docs/monitoring.md §3, "In the store"), worked by hand.

Three enterprises use 100 kWh every month of 2023 and 2024; in 2025 (the default policy: baseline
of at least 6 months, stop below 0.1 × baseline, decline at −30 %):

- S uses 5, 5 in January–February, 100 from March to August, 5, 5 in September–October.
  January: 100 + 100 + 5 = 205 against 300, −31.7 % → declining; February: both months below
  10 (baseline 100) → stopped; March 5 + 5 + 100 = 110 and April 205 → declining; May on → normal;
  September: 205 → declining; October: both below 8.42 (baseline (10 × 100 + 2 × 5) / 12) →
  stopped.
- R has no reading in January and February, then 5, 5 in March–April, 100 after. January:
  December is there → normal; February: none for two months → silent; March: February missing,
  so no stop and no three-month sum → normal; April: both below 10 (baseline of the ten
  readings 2024-03 … 2024-12) → stopped; May 110 and June 205 → declining; July on → normal.
- N uses 100 throughout → normal.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from store_helpers import make_uscc, write_power

from mujun.engine.monitoring import monitor, months
from mujun.engine.policy import load_shipped_policy
from mujun.services.errors import InvalidInput, InvalidTransition
from mujun.services.monitoring import alerts, month_signals
from mujun.services.monitoring.readings import import_readings
from mujun.store.models import AuditRecord, Enterprise, User
from mujun.store.models.monitoring import Alert, MonitoredMonth, PowerSignal

S, R, N = make_uscc(1), make_uscc(2), make_uscc(3)
YEAR_2025 = {
    S: [5, 5, 100, 100, 100, 100, 100, 100, 5, 5],
    R: [None, None, 5, 5, 100, 100, 100, 100, 100, 100],
    N: [100] * 10,
}
#: month by month, January … October 2025
LEVELS = {
    S: ["declining", "stopped", "declining", "declining", "normal", "normal", "normal",
        "normal", "declining", "stopped"],
    R: ["normal", "silent", "normal", "stopped", "declining", "declining", "normal", "normal",
        "normal", "normal"],
    N: ["normal"] * 10,
}
#: (status, opened month, opened level, level, last month, normal months, closed month) of each
#: enterprise's alerts after each month (None: none yet), oldest first
STATES: dict[str, list[list[tuple[object, ...]]]] = {
    S: [
        [("open", 1, "declining", "declining", 1, 0, None)],
        [("open", 1, "declining", "stopped", 2, 0, None)],
        [("open", 1, "declining", "declining", 3, 0, None)],
        [("open", 1, "declining", "declining", 4, 0, None)],
        [("open", 1, "declining", "normal", 5, 1, None)],  # one normal month: still open
        [("closed", 1, "declining", "normal", 6, 2, 6)],  # the second: closed
        [("closed", 1, "declining", "normal", 6, 2, 6)],
        [("closed", 1, "declining", "normal", 6, 2, 6)],
        [("closed", 1, "declining", "normal", 6, 2, 6), ("open", 9, "declining", "declining",
                                                          9, 0, None)],
        [("closed", 1, "declining", "normal", 6, 2, 6), ("open", 9, "declining", "stopped",
                                                          10, 0, None)],
    ],
    R: [
        [],
        [("open", 2, "silent", "silent", 2, 0, None)],
        [("open", 2, "silent", "normal", 3, 1, None)],
        [("open", 2, "silent", "stopped", 4, 0, None)],  # a non-normal month resets the run
        [("open", 2, "silent", "declining", 5, 0, None)],
        [("open", 2, "silent", "declining", 6, 0, None)],
        [("open", 2, "silent", "normal", 7, 1, None)],
        [("closed", 2, "silent", "normal", 8, 2, 8)],
        [("closed", 2, "silent", "normal", 8, 2, 8)],
        [("closed", 2, "silent", "normal", 8, 2, 8)],
    ],
    N: [[]] * 10,
}


def _rows(upto: int = 10) -> list[list[object]]:
    rows: list[list[object]] = [[code, f"{y}-{m:02d}", 100] for code in (S, R, N)
                                for y in (2023, 2024) for m in range(1, 13)]
    rows += [[code, f"2025-{m + 1:02d}", kwh] for code, year in YEAR_2025.items()
             for m, kwh in enumerate(year[:upto]) if kwh is not None]
    return rows


def _month(n: int) -> date:
    return date(2025, n, 1)


@pytest.fixture
def county(session: Session, admin: User, tmp_path: Path) -> Session:
    session.add_all([Enterprise(uscc=code, name=code[-4:], version=1) for code in (S, R, N)])
    session.commit()
    result = import_readings(session, write_power(tmp_path / "power.csv", _rows()), actor=admin,
                             monitor_months=False)
    assert result.ok and result.inserted == 3 * 24 + 28
    session.commit()
    return session


def _states(session: Session) -> dict[str, list[tuple[object, ...]]]:
    found: dict[str, list[tuple[object, ...]]] = {code: [] for code in (S, R, N)}
    for code, a in session.execute(select(Enterprise.uscc, Alert).join(
            Enterprise, Enterprise.id == Alert.enterprise_id).order_by(Alert.id)):
        found[code].append((a.status, a.opened_month.month, a.opened_level, a.level,
                            a.last_month.month, a.normal_months,
                            a.closed_month.month if a.closed_month else None))
    return found


def test_month_by_month_the_alerts_open_change_and_close(county: Session, admin: User) -> None:
    for n in range(1, 11):
        applied = alerts.apply_month(county, _month(n), actor=admin)
        county.commit()
        expected = {code: LEVELS[code][n - 1] for code in (S, R, N)}
        counts = {level: sum(1 for v in expected.values() if v == level)
                  for level in ("silent", "stopped", "declining", "normal")}
        assert (applied.month, applied.counts) == (_month(n), counts), n
        signals = {code: level for code, level in county.execute(
            select(Enterprise.uscc, PowerSignal.level).join(
                Enterprise, Enterprise.id == PowerSignal.enterprise_id)
            .where(PowerSignal.month == _month(n)))}
        assert signals == expected, n
        assert _states(county) == {code: STATES[code][n - 1] for code in (S, R, N)}, n
    # closed by recovery: the month, no person, no note
    closed = county.scalars(select(Alert).where(Alert.status == "closed")).all()
    assert {(a.closed_reason, a.closed_by_id, a.visit_note) for a in closed} == {
        ("recovered", None, None)}
    assert county.scalar(select(func.count()).select_from(Alert)) == 3  # none ever deleted


def test_january_signals_as_worked_by_hand(county: Session) -> None:
    alerts.apply_month(county, _month(1))
    s = county.scalars(select(PowerSignal).join(Enterprise, Enterprise.id ==
                                                PowerSignal.enterprise_id)
                       .where(Enterprise.uscc == S)).one()
    assert (s.kwh_3m, s.kwh_3m_last_year, s.yoy_3m, s.baseline, s.level) == (
        205.0, 300.0, 205.0 / 300.0 - 1, 100.0, "declining")
    r = county.scalars(select(PowerSignal).join(Enterprise, Enterprise.id ==
                                                PowerSignal.enterprise_id)
                       .where(Enterprise.uscc == R)).one()
    assert (r.kwh_3m, r.kwh_3m_last_year, r.yoy_3m, r.baseline, r.level) == (
        None, 300.0, None, 100.0, "normal")
    month = county.scalars(select(MonitoredMonth)).one()
    assert (month.month, month.policy, month.silent, month.stopped, month.declining,
            month.normal) == (_month(1), "zhejiang-template", 0, 0, 1, 2)


def test_new_months_are_applied_in_order_from_the_first_chosen(county: Session,
                                                                admin: User) -> None:
    done = alerts.apply_new_months(county, first=_month(1), until=_month(6), actor=admin)
    assert [m.month for m in done] == [_month(n) for n in range(1, 7)]
    assert [(m.opened, m.closed) for m in done] == [(1, 0), (1, 0), (0, 0), (0, 0), (0, 0),
                                                    (0, 1)]
    # later: from the month after the last monitored one; ``first`` no longer counts
    rest = alerts.apply_new_months(county, first=_month(1), actor=admin)
    county.commit()
    assert [m.month for m in rest] == [_month(n) for n in range(7, 11)]
    assert _states(county) == {code: STATES[code][-1] for code in (S, R, N)}
    assert alerts.apply_new_months(county) == []  # nothing new
    audited = county.scalars(select(AuditRecord.summary).where(
        AuditRecord.action == "monitoring.month").order_by(AuditRecord.id)).all()
    assert [a[:7] for a in audited] == [f"2025-{n:02d}" for n in range(1, 11)]
    assert audited[1] == ("2025-02 (zhejiang-template): silent 1, stopped 1, declining 0, "
                          "normal 1; alerts opened 1, closed 0")


def test_by_default_the_newest_twelve_months(county: Session) -> None:
    done = alerts.apply_new_months(county)
    assert [m.month for m in done] == [date(2024, 11, 1), date(2024, 12, 1),
                                       *(_month(n) for n in range(1, 11))]


def test_a_month_is_monitored_once_and_in_order(county: Session) -> None:
    alerts.apply_month(county, _month(3))
    county.commit()
    with pytest.raises(InvalidTransition, match="2025-03 已经监测过"):
        alerts.apply_month(county, _month(3))
    with pytest.raises(InvalidTransition, match="已监测到 2025-03"):
        alerts.apply_month(county, _month(1))
    with pytest.raises(InvalidInput, match="下一个应监测的月份是 2025-04"):
        alerts.apply_month(county, _month(5))
    for n in range(4, 11):
        alerts.apply_month(county, _month(n))
    with pytest.raises(InvalidInput, match="2025-11 没有用电数据"):
        alerts.apply_month(county, date(2025, 11, 1))
    assert county.scalar(select(func.count()).select_from(MonitoredMonth)) == 8


def test_closing_by_a_visit_and_never_twice(county: Session, admin: User) -> None:
    alerts.apply_new_months(county, first=_month(1), until=_month(2))
    alert = county.scalars(select(Alert).order_by(Alert.id)).first()
    assert alert is not None and alert.status == "open"
    with pytest.raises(InvalidInput, match="请填写走访记录"):
        alerts.close(county, alert, reason="visited", actor=admin, note="  ",
                     visited_on=date(2025, 3, 5))
    with pytest.raises(InvalidInput, match="请填写走访日期"):
        alerts.close(county, alert, reason="visited", actor=admin, note="已走访")
    assert alert.status == "open"
    alerts.close(county, alert, reason="visited", actor=admin, note=" 企业检修，三月复产 ",
                 visited_on=date(2025, 3, 5))
    county.commit()
    assert (alert.status, alert.closed_reason, alert.closed_month, alert.closed_by_id,
            alert.visit_note, alert.visited_on) == (
        "closed", "visited", _month(2), admin.id, "企业检修，三月复产", date(2025, 3, 5))
    assert alert.closed_at is not None
    with pytest.raises(InvalidTransition, match="已关闭"):
        alerts.close(county, alert, reason="recovered", month=_month(3))
    # March: S declining, which the visit to its stop has seen: no new alert
    alerts.apply_month(county, _month(3))
    assert [(a.status, a.opened_month) for a in county.scalars(
        select(Alert).where(Alert.enterprise_id == alert.enterprise_id).order_by(Alert.id))] == [
        ("closed", _month(1))]


def test_months_in_one_pass_equal_one_month_at_a_time() -> None:
    """``month_signals`` lays the months side by side for one call of the rules: the same rows,
    bit for bit, as calling them once per month — on readings with gaps, late starts, early
    ends and zeros."""
    rng = random.Random(7)
    rows = []
    for e in range(60):
        start, end = rng.randint(0, 40), rng.randint(30, 71)
        for m in range(start, end + 1):
            if rng.random() < 0.15:
                continue
            kwh = 0.0 if rng.random() < 0.05 else round(rng.uniform(0, 1000) * (
                0.05 if rng.random() < 0.2 else 1), 2)
            rows.append((e + 1, 2020 * 12 + m, kwh))
    readings = pl.DataFrame(rows, schema={"enterprise_id": pl.Int64, "m": pl.Int64,
                                          "kwh": pl.Float64}, orient="row")
    firsts = readings.group_by("enterprise_id").agg(first_m=pl.col("m").min())
    rules = load_shipped_policy("zhejiang-template").policy.monitoring
    targets = list(range(2020 * 12 + 10, 2020 * 12 + 75, 3))  # the last after every reading
    together = month_signals.signals(readings, firsts, targets, rules)
    for target in targets:
        upto = readings.filter(pl.col("m") <= target)
        alone = monitor(pa.table({
            "uscc": [f"{e:04d}" for e in upto.get_column("enterprise_id")],
            "month": pa.array([months.first_day(m) for m in upto.get_column("m")], pa.date32()),
            "kwh": upto.get_column("kwh").to_list(),
        }), target, rules)
        got = together.filter(pl.col("month") == target).drop("month")
        expected = pl.from_arrow(alone)
        assert isinstance(expected, pl.DataFrame)
        expected = expected.select(pl.col("uscc").cast(pl.Int64).alias("enterprise_id"),
                                   *month_signals.SIGNAL_COLUMNS)
        assert got.to_dicts() == expected.to_dicts(), months.text(target)


def _alerts_of(session: Session, code: str) -> list[tuple[object, ...]]:
    return [(a.status, a.opened_month.month, a.level, a.closed_reason) for a in session.scalars(
        select(Alert).join(Enterprise, Enterprise.id == Alert.enterprise_id)
        .where(Enterprise.uscc == code).order_by(Alert.id))]


def test_after_a_visit_the_same_level_opens_no_new_alert_until_a_normal_month(
        county: Session, admin: User) -> None:
    alerts.apply_new_months(county, first=_month(1), until=_month(3))
    (alert,) = county.scalars(select(Alert).join(Enterprise).where(Enterprise.uscc == S))
    assert alert.level == "declining"
    alerts.close(county, alert, reason="visited", actor=admin, note="订单减少，已对接",
                 visited_on=date(2025, 4, 2))
    county.commit()
    # April: S is still declining, as the visit saw it: no new alert
    alerts.apply_month(county, _month(4))
    assert _alerts_of(county, S) == [("closed", 1, "declining", "visited")]
    # May … August normal; September declining again: a new alert
    alerts.apply_new_months(county, until=_month(8))
    assert _alerts_of(county, S) == [("closed", 1, "declining", "visited")]
    alerts.apply_month(county, _month(9))
    assert _alerts_of(county, S) == [("closed", 1, "declining", "visited"),
                                     ("open", 9, "declining", None)]


def test_after_a_visit_another_level_opens_a_new_alert(county: Session, admin: User) -> None:
    alerts.apply_new_months(county, first=_month(1), until=_month(1))
    (alert,) = county.scalars(select(Alert).join(Enterprise).where(Enterprise.uscc == S))
    alerts.close(county, alert, reason="visited", actor=admin, note="已走访",
                 visited_on=date(2025, 2, 3))
    county.commit()
    alerts.apply_month(county, _month(2))  # S stopped: not what the visit saw
    assert _alerts_of(county, S) == [("closed", 1, "declining", "visited"),
                                     ("open", 2, "stopped", None)]


def test_an_enterprise_that_left_opens_no_alert_and_its_open_one_closes(
        county: Session) -> None:
    alerts.apply_month(county, _month(1))  # S declining: an alert
    for code, year in ((S, 2025), (R, 2025)):
        e = county.scalars(select(Enterprise).where(Enterprise.uscc == code)).one()
        e.lifecycle, e.left_year = "moved_out" if code == S else "deregistered", year
    county.commit()
    applied = alerts.apply_month(county, _month(2))  # S stopped, R silent: both have left
    assert (applied.counts["stopped"], applied.counts["silent"]) == (1, 1)  # still counted
    assert (applied.opened, applied.closed) == (0, 1)
    assert _alerts_of(county, S) == [("closed", 1, "declining", "left")]
    assert _alerts_of(county, R) == []


def test_an_enterprise_leaving_in_a_later_year_is_still_watched(county: Session) -> None:
    e = county.scalars(select(Enterprise).where(Enterprise.uscc == R)).one()
    e.lifecycle, e.left_year = "deregistered", 2026
    county.commit()
    alerts.apply_new_months(county, first=_month(1), until=_month(2))
    assert _alerts_of(county, R) == [("open", 2, "silent", None)]
