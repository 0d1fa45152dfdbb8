"""Closing an alert with the note of a visit (走访, docs/monitoring.md "In the web"): the officer of
the enterprise's town or park, or the admin, after visiting, writes what was found."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.services import access, audit
from mujun.services.access import Action
from mujun.services.errors import InvalidInput
from mujun.services.monitoring import alerts
from mujun.services.monitoring.views import get_alert
from mujun.store.models import User
from mujun.store.models.base import utcnow
from mujun.store.models.monitoring import Alert, AlertClosure

ENTITY = "alert"


def close_by_visit(session: Session, alert_id: int, *, actor: User, note: str,
                   visited_on: date, now: datetime | None = None) -> Alert:
    """Close the open alert ``alert_id`` as visited on ``visited_on`` with ``note``.

    Refused: a role that may not close alerts (403), an alert outside the actor's town or park
    (404, as if it did not exist), a visit before the month that opened the alert or after
    today (``now``'s day); the note and an alert already closed: ``alerts.close``.
    """
    access.require(actor, Action.ALERTS_CLOSE)
    alert = get_alert(session=session, actor=actor, alert_id=alert_id)
    now = now or utcnow()
    if visited_on < alert.opened_month:
        raise InvalidInput(N_("走访日期 %(day)s 早于预警开始的月份 %(month)s"),
                           day=visited_on.isoformat(), month=alert.opened_month.strftime("%Y-%m"))
    if visited_on > now.date():
        raise InvalidInput(N_("走访日期 %(day)s 晚于今天"), day=visited_on.isoformat())
    return record_visit(session, alert, actor=actor, note=note, visited_on=visited_on, now=now)


def record_visit(session: Session, alert: Alert, *, actor: User | None, note: str,
                 visited_on: date, now: datetime | None = None) -> Alert:
    """Close ``alert`` as visited and audit it, without the checks of who may and when (the
    demo's visits use this as they are; the officer's go through ``close_by_visit``)."""
    now = now or utcnow()
    alerts.close(session, alert, reason=AlertClosure.VISITED, actor=actor, note=note,
                 visited_on=visited_on, now=now)
    audit.record(session=session, actor=actor, action="alert.visit", entity=ENTITY,
                 entity_id=alert.id, at=now, summary=f"走访 {visited_on.isoformat()}",
                 after={"visited_on": visited_on.isoformat(), "note": alert.visit_note})
    session.flush()
    return alert
