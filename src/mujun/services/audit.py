"""The audit trail: every change writes who, when, what, before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.store.models import AuditRecord, User
from mujun.store.models.base import utcnow


def record(
    *,
    session: Session,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: object = None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditRecord:
    """Add an audit record to the session (it commits with the change it describes)."""
    rec = AuditRecord(
        at=at or utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor=actor.username if actor is not None else "system",
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        summary=summary[:500],
        before=before,
        after=after,
    )
    session.add(rec)
    return rec


def history(
    *, session: Session, entity: str | None = None, entity_id: object = None, limit: int = 100
) -> list[AuditRecord]:
    """The newest audit records first, optionally of one entity."""
    query = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(AuditRecord.entity == entity)
    if entity_id is not None:
        query = query.where(AuditRecord.entity_id == str(entity_id))
    return list(session.scalars(query))
