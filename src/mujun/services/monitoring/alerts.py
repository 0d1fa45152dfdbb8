"""Each monitored month's signals and the alerts (预警) they open and close (docs/monitoring.md,
"In the store").

A month M is *monitored* once: its signals are worked out as of M from every stored reading
(``engine.monitoring.monitor``, with the ``monitoring:`` rules of the policy for M's year), kept
as one ``PowerSignal`` per enterprise and a ``MonitoredMonth`` with the count per level, and
applied to the alerts:

- a level other than ``normal`` opens an alert when the enterprise has none open, else sets the
  open alert's level and month and its run of normal months back to 0;
- a ``normal`` month adds one to the open alert's run; the second in a row closes it
  (``recovered``);
- after the officer has closed an alert with a visit note, the enterprise opens a new one only
  when its level is one the visit did not see (``SEEN_BY_VISIT``: a decline that has become a
  stop), or after a ``normal`` month: the same stop month after month is not sent back to the
  officer who has just been there;
- an enterprise the registry says has left the county (迁出 or 注销, in or before M's year) opens
  no alert, and its open alert closes (``left``): its meter falls ``silent`` for good, and there
  is nobody to visit. Its signals are kept as for every enterprise.

Months are monitored one after the other, never again: an alert's run of normal months counts
monitored months in a row, so a month skipped or recomputed later would change what the next
months did. ``apply_month`` refuses a month already monitored, a gap, and a month without any
reading. A reading corrected after its month was monitored changes the months monitored after;
the signals stored for earlier months stay as they were seen then. An alert is never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mujun.engine import backends
from mujun.engine.monitoring import LEVELS, months
from mujun.engine.policy import LoadedPolicy
from mujun.engine.texts import N_
from mujun.services import audit
from mujun.services.errors import ConflictError, InvalidInput, InvalidTransition
from mujun.services.monitoring import month_signals
from mujun.services.policies.choice import policies_for
from mujun.store import bulk
from mujun.store.models import Enterprise, Lifecycle, User
from mujun.store.models.base import utcnow
from mujun.store.models.monitoring import (
    Alert,
    AlertClosure,
    AlertStatus,
    MonitoredMonth,
    PowerReading,
    PowerSignal,
)

NORMAL = "normal"
#: normal months in a row that close an alert (docs/monitoring.md §3)
RECOVERY_MONTHS = 2
#: months monitored by default when none has been: the newest month with readings and the eleven
#: before it
DEFAULT_MONTHS = 12
#: the levels a visit that saw a level has seen (a stop's months become its own yardstick, so a
#: stop that goes on turns from ``stopped`` to ``declining`` with nothing new to visit for)
SEEN_BY_VISIT: dict[str | None, frozenset[str]] = {
    "stopped": frozenset({"stopped", "declining"}),
    "declining": frozenset({"declining"}),
    "silent": frozenset({"silent"}),
}
#: the longest visit note kept
NOTE_MAX = 2000


@dataclass(frozen=True)
class MonthApplied:
    """A month just monitored: its policy, the count per level (rule order) and the alerts it
    opened and closed (``recovered`` or ``left``)."""

    month: date
    policy: str
    counts: dict[str, int]
    opened: int
    closed: int


def month_start(day: date) -> date:
    """The first day of ``day``'s month, as the tables keep a month."""
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    return months.first_day(months.of_date(month) + n)


def last_monitored(session: Session) -> date | None:
    return session.scalar(select(func.max(MonitoredMonth.month)))


def newest_reading_month(session: Session) -> date | None:
    return session.scalar(select(func.max(PowerReading.month)))


def close(session: Session, alert: Alert, *, reason: str, month: date | None = None,
          actor: User | None = None, note: str | None = None, visited_on: date | None = None,
          now: datetime | None = None) -> Alert:
    """Close an open alert — the one place that sets the closing fields.

    ``recovered``: by the month ``month`` (the second normal one in a row). ``visited``: by the
    officer's note of a visit on ``visited_on`` (both required); the month is the alert's latest
    monitored month. Refuses an alert already closed. The caller checks who may close it, audits
    a visit, and flushes."""
    if alert.status == AlertStatus.CLOSED:
        raise InvalidTransition(N_("预警 %(id)s 已关闭，不能再次关闭"), id=alert.id)
    if reason not in tuple(AlertClosure):
        raise InvalidInput(N_("未知的关闭原因 %(reason)s"), reason=reason)
    if reason == AlertClosure.VISITED:
        note = (note or "").strip()
        if not note:
            raise InvalidInput(N_("请填写走访记录"))
        if len(note) > NOTE_MAX:
            raise InvalidInput(N_("走访记录不能超过 %(n)s 个字符"), n=NOTE_MAX)
        if visited_on is None:
            raise InvalidInput(N_("请填写走访日期"))
    else:
        note, visited_on = None, None
    alert.status = AlertStatus.CLOSED
    alert.closed_reason = reason
    alert.closed_month = month_start(month) if month is not None else alert.last_month
    alert.closed_by_id = actor.id if actor is not None else None
    alert.closed_at = now or utcnow()
    alert.visit_note = note
    alert.visited_on = visited_on
    return alert


def apply_month(session: Session, month: date, *, actor: User | None = None,
                now: datetime | None = None) -> MonthApplied:
    """Monitor ``month`` (any day of it): the month after the last monitored one (any month when
    none is), with readings of its own. The caller commits."""
    month = month_start(month)
    last = last_monitored(session)
    newest = newest_reading_month(session)
    if last is not None and month <= last:
        raise InvalidTransition(
            N_("%(month)s 已经监测过（已监测到 %(last)s），已监测的月份不再重算"),
            month=_text(month), last=_text(last))
    if last is not None and month != add_months(last, 1):
        raise InvalidInput(N_("须逐月监测：下一个应监测的月份是 %(next)s，不是 %(month)s"),
                           next=_text(add_months(last, 1)), month=_text(month))
    if newest is None or month > newest:
        raise InvalidInput(N_("%(month)s 没有用电数据，不能监测"), month=_text(month))
    return _Monitor(session, actor, now).run([month])[0]


def apply_new_months(session: Session, *, first: date | None = None, until: date | None = None,
                     actor: User | None = None, now: datetime | None = None
                     ) -> list[MonthApplied]:
    """Monitor, in order, every month after the last monitored one up to the newest month with
    readings (or ``until``, if earlier). When no month has been monitored, start at ``first``
    (default: the newest month with readings minus 11); ``first`` is ignored otherwise. The
    caller commits."""
    newest = newest_reading_month(session)
    if newest is None:
        return []
    end = newest if until is None else min(month_start(until), newest)
    last = last_monitored(session)
    if last is not None:
        start = add_months(last, 1)
    elif first is not None:
        start = month_start(first)
    else:
        start = add_months(newest, 1 - DEFAULT_MONTHS)
    todo = [add_months(start, i)
            for i in range(months.of_date(end) - months.of_date(start) + 1)]
    return _Monitor(session, actor, now).run(todo) if todo else []


def _text(month: date) -> str:
    return months.text(months.of_date(month))


class _Monitor:
    """Months monitored in one go: the readings they look at read once, the rules run once per
    policy (``month_signals``), the open alerts kept in memory from month to month."""

    def __init__(self, session: Session, actor: User | None, now: datetime | None) -> None:
        self.session = session
        self.actor = actor
        self.now = now or utcnow()
        self.open = {a.enterprise_id: a for a in session.scalars(
            select(Alert).where(Alert.status == AlertStatus.OPEN))}
        self.visited = _seen_by_visit(session)
        self.left = _left_year(session)

    def run(self, todo: list[date]) -> list[MonthApplied]:
        indices = [months.of_date(m) for m in todo]
        readings, firsts = month_signals.stored(self.session, indices[0], indices[-1])
        by_policy: dict[str, list[int]] = {}
        policies: dict[str, LoadedPolicy] = {}
        of_year = policies_for(self.session, {months.first_day(i).year for i in indices})
        for index in indices:
            loaded = of_year[months.first_day(index).year]
            policies.setdefault(loaded.source, loaded)
            by_policy.setdefault(loaded.source, []).append(index)
        backend = backends.duckdb()
        try:
            found = pl.concat([
                month_signals.signals(readings, firsts, targets,
                                      policies[source].policy.monitoring, backend)
                for source, targets in by_policy.items()
            ])
        finally:
            backend.disconnect()
        policy_of = {i: source for source, targets in by_policy.items() for i in targets}
        parts = found.partition_by("month", as_dict=True, include_key=False)
        empty = found.clear().drop("month")
        try:
            return [self._month(months.first_day(i), policy_of[i], parts.get((i,), empty))
                    for i in indices]
        except IntegrityError:
            raise ConflictError(N_("另一项操作正在监测同一月份，本次未写入，请重试")) from None

    def _month(self, month: date, policy: str, signals: pl.DataFrame) -> MonthApplied:
        counts = {level: 0 for level in LEVELS}
        for level, n in signals.get_column("level").value_counts().iter_rows():
            counts[level] = n
        bulk.insert_frame(self.session, PowerSignal, signals, {"month": month})
        opened, closed = self._alerts(month, signals)
        record = MonitoredMonth(month=month, policy=policy[:64], at=self.now, **counts)
        self.session.add(record)
        self.session.flush()
        audit.record(
            session=self.session, actor=self.actor, action="monitoring.month",
            entity="monitored_month", entity_id=record.id, at=self.now,
            summary=f"{_text(month)} ({record.policy}): "
                    + ", ".join(f"{level} {counts[level]}" for level in LEVELS)
                    + f"; alerts opened {opened}, closed {closed}",
            after={"month": _text(month), "policy": record.policy, **counts,
                   "opened": opened, "closed": closed},
        )
        return MonthApplied(month, record.policy, counts, opened, closed)

    def _alerts(self, month: date, signals: pl.DataFrame) -> tuple[int, int]:
        """§3 on the open alerts: (opened, closed)."""
        flagged = signals.filter(pl.col("level") != NORMAL)
        opened = closed = 0
        for enterprise_id, level in flagged.select("enterprise_id", "level").iter_rows():
            alert = self.open.get(enterprise_id)
            if self.left.get(enterprise_id, month.year + 1) <= month.year:
                if alert is not None:
                    close(self.session, alert, reason=AlertClosure.LEFT, month=month,
                          now=self.now)
                    del self.open[enterprise_id]
                    closed += 1
                continue
            if alert is None and level in SEEN_BY_VISIT.get(self.visited.get(enterprise_id), ()):
                continue  # as the officer's visit saw it
            self.visited.pop(enterprise_id, None)
            if alert is None:
                alert = Alert(enterprise_id=enterprise_id, status=AlertStatus.OPEN,
                              opened_month=month, opened_level=level, last_month=month,
                              level=level, normal_months=0, version=1, created_at=self.now)
                self.session.add(alert)
                self.open[enterprise_id] = alert
                opened += 1
            else:
                alert.level, alert.last_month, alert.normal_months = level, month, 0
        normal = set(signals.filter(pl.col("level") == NORMAL)
                     .get_column("enterprise_id").to_list())
        for enterprise_id in normal.intersection(self.visited):
            del self.visited[enterprise_id]
        for enterprise_id, alert in list(self.open.items()):
            if enterprise_id not in normal:
                continue
            alert.level, alert.last_month = NORMAL, month
            alert.normal_months += 1
            if alert.normal_months >= RECOVERY_MONTHS:
                close(self.session, alert, reason=AlertClosure.RECOVERED, month=month,
                      now=self.now)
                del self.open[enterprise_id]
                closed += 1
        return opened, closed


def _seen_by_visit(session: Session) -> dict[int, str]:
    """The level each enterprise's latest alert had when the officer closed it with a visit note,
    for the enterprises not ``normal`` in any month monitored since."""
    latest = (select(func.max(Alert.id).label("id")).group_by(Alert.enterprise_id)
              .subquery())
    visited = (select(Alert.enterprise_id, Alert.level, Alert.closed_month)
               .join(latest, Alert.id == latest.c.id)
               .where(Alert.closed_reason == AlertClosure.VISITED).subquery())
    recovered_since = set(session.scalars(
        select(visited.c.enterprise_id).join(
            PowerSignal, (PowerSignal.enterprise_id == visited.c.enterprise_id)
            & (PowerSignal.month > visited.c.closed_month)
            & (PowerSignal.level == NORMAL)).distinct()))
    return {enterprise_id: level for enterprise_id, level, _ in session.execute(select(visited))
            if enterprise_id not in recovered_since}


def _left_year(session: Session) -> dict[int, int]:
    """The year each enterprise the registry marks as gone (迁出, 注销) left the county (0 when
    the registry does not say: gone all along, as far as the alerts are concerned)."""
    gone = (Lifecycle.MOVED_OUT.value, Lifecycle.DEREGISTERED.value)
    return {enterprise_id: year or 0 for enterprise_id, year in session.execute(
        select(Enterprise.id, Enterprise.left_year).where(Enterprise.lifecycle.in_(gone)))}
