"""Incidents in the store: listing them and withdrawing one (撤销), docs/store.md.

Imports only add incidents. Withdrawing is its own explicit act, with a reason, audited; the
incident stays in the store for the record and no longer counts in runs created afterwards (the
snapshot leaves it out). A withdrawn incident is not added again by a later import that lists it.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.services import audit
from mujun.services.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from mujun.services.users import may_import
from mujun.store.models import Enterprise, Incident, Role, User
from mujun.store.models.base import utcnow


class IncidentPublic(BaseModel):
    id: int
    uscc: str
    year: int
    type: str
    date: date | None
    note: str | None
    department: str
    import_id: int | None
    withdrawn_at: datetime | None
    withdrawn_reason: str | None


def list_incidents(
    *, session: Session, actor: User | None, year: int, department: str | None = None
) -> list[IncidentPublic]:
    """The incidents of ``year`` (of one department), withdrawn ones included, in file order."""
    if department is not None and not may_import(actor, department):
        raise PermissionDenied(f"{actor.username if actor else '?'} may not see {department} "
                               "incidents")
    if department is None and not (actor is None or actor.role == Role.ADMIN):
        raise PermissionDenied("only an administrator sees every department's incidents")
    query = (select(Incident, Enterprise.uscc).join(Enterprise, Enterprise.id ==
                                                    Incident.enterprise_id)
             .where(Incident.year == year).order_by(Incident.id))
    if department is not None:
        query = query.where(Incident.department == department)
    return [IncidentPublic(id=i.id, uscc=uscc, year=i.year, type=i.type, date=i.date, note=i.note,
                           department=i.department, import_id=i.import_id,
                           withdrawn_at=i.withdrawn_at, withdrawn_reason=i.withdrawn_reason)
            for i, uscc in session.execute(query)]


def withdraw_incident(
    *, session: Session, actor: User | None, incident_id: int, reason: str,
    now: datetime | None = None,
) -> Incident:
    """Withdraw one incident (the admin or its department's clerk), with a reason."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("withdrawing an incident needs a reason")
    if len(reason) > 500:
        raise InvalidInput("the reason is longer than 500 characters")
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident #{incident_id}")
    if not may_import(actor, incident.department):
        raise PermissionDenied(f"{actor.username if actor else '?'} may not withdraw "
                               f"{incident.department} incidents")
    if incident.withdrawn_at is not None:
        raise ConflictError(f"incident #{incident_id} was withdrawn already")
    now = now or utcnow()
    incident.withdrawn_at, incident.withdrawn_reason = now, reason
    incident.withdrawn_by = actor.id if actor else None
    session.flush()
    audit.record(session=session, actor=actor, action="incident.withdraw", entity="incident",
                 entity_id=incident.id, at=now, summary=reason,
                 before={"type": incident.type, "year": incident.year,
                         "date": incident.date.isoformat() if incident.date else None,
                         "note": incident.note},
                 after={"withdrawn": True, "reason": reason})
    return incident
