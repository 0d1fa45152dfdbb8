"""PLACEHOLDER until the mon-store branch lands (it owns this module): only ``close``, the one
rule of closing an alert, as that branch writes it, so that the visit function can call it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.services.errors import InvalidInput, InvalidTransition
from mujun.store.models import User
from mujun.store.models.base import utcnow
from mujun.store.models.monitoring import Alert, AlertClosure, AlertStatus

NOTE_MAX = 2000


def close(session: Session, alert: Alert, *, reason: str, month: date | None = None,
          actor: User | None = None, note: str | None = None, visited_on: date | None = None,
          now: datetime | None = None) -> Alert:
    """Close an open alert — the one place that sets the closing fields. Refuses an alert
    already closed, and a visit without its note or date. The caller checks who may close it,
    audits a visit, and flushes."""
    if alert.status == AlertStatus.CLOSED:
        raise InvalidTransition(N_("预警 %(id)s 已关闭，不能再次关闭"), id=alert.id)
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
    alert.closed_month = month.replace(day=1) if month is not None else alert.last_month
    alert.closed_by_id = actor.id if actor is not None else None
    alert.closed_at = now or utcnow()
    alert.visit_note = note
    alert.visited_on = visited_on
    return alert
