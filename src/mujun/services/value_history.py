"""Every value's history on the enterprise page: who, when, which file, old → new, reason.

Shown to the admin (every field) and to a department's clerk (the fields its department owns).
The history is the value's current origin (the import or edit that set it) and every recorded
change (``figure_changes``: accepted import changes, edits, appeal corrections, removals).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.engine.fields import FIELD_BY_KEY
from mujun.engine.texts import N_
from mujun.services.departments import FIELD_OWNER
from mujun.services.errors import PermissionDenied
from mujun.services.registry import get_enterprise
from mujun.services.values import decode, jsonable
from mujun.store.models import Figure, FigureChange, ImportBatch, Role, User


class ValueEvent(BaseModel):
    year: int
    field: str
    header: str
    #: ``import`` / ``edit`` / ``appeal`` / ``remove``; ``current`` for the value as stored now
    source: str
    at: datetime
    who: str | None
    file: str | None
    import_id: int | None
    old: Any
    new: Any
    reason: str | None


def may_see_history(actor: User | None) -> bool:
    return actor is None or actor.role == Role.ADMIN or (
        actor.role == Role.CLERK and actor.active and bool(actor.department))


def value_history(*, session: Session, actor: User | None, uscc: str,
                  include_current: bool = True) -> list[ValueEvent]:
    """The enterprise's value history, newest first (a clerk: its department's fields only);
    ``include_current=False`` leaves out where each current value came from (only the changes)."""
    if not may_see_history(actor):
        raise PermissionDenied(N_("只有管理员和各部门填报员可以查看数据修改记录"))
    ent = get_enterprise(session=session, uscc=uscc)
    own = None if actor is None or actor.role == Role.ADMIN else actor.department
    users = {u.id: u.username for u in session.scalars(select(User))}
    batches: dict[int, ImportBatch] = {}

    def batch(import_id: int | None) -> ImportBatch | None:
        if import_id is None:
            return None
        if import_id not in batches:
            found = session.get(ImportBatch, import_id)
            if found is None:
                return None
            batches[import_id] = found
        return batches[import_id]

    def visible(field: str) -> bool:
        return own is None or FIELD_OWNER.get(field) == own

    events: list[ValueEvent] = []
    for c in session.scalars(select(FigureChange).where(FigureChange.enterprise_id == ent.id)):
        if not visible(c.field):
            continue
        b = batch(c.import_id)
        events.append(ValueEvent(
            year=c.year, field=c.field, header=FIELD_BY_KEY[c.field].header_zh, source=c.source,
            at=c.at, who=users.get(c.actor_id) if c.actor_id else None,
            file=b.file_name if b else None, import_id=c.import_id,
            old=jsonable(decode(c.field, c.old_num, c.old_text)),
            new=jsonable(decode(c.field, c.new_num, c.new_text)), reason=c.reason))
    current = select(Figure).where(Figure.enterprise_id == ent.id)
    for f in session.scalars(current) if include_current else ():
        if not visible(f.field):
            continue
        b = batch(f.import_id)
        events.append(ValueEvent(
            year=f.year, field=f.field, header=FIELD_BY_KEY[f.field].header_zh, source="current",
            at=f.updated_at, who=users.get(b.actor_id) if b and b.actor_id else None,
            file=b.file_name if b else None, import_id=f.import_id, old=None,
            new=jsonable(decode(f.field, f.value_num, f.value_text)), reason=None))
    events.sort(key=lambda e: (e.year, e.at, e.source != "current"), reverse=True)
    return events


def history_for_page(
    *, session: Session, actor: User | None, uscc: str, limit: int = 300
) -> list[ValueEvent] | None:
    """The portrait's block: the changes when the user may see them, else None (no block). Where
    each current value came from is on the history page (a portrait is read often; the block
    stays small)."""
    if not may_see_history(actor):
        return None
    return value_history(session=session, actor=actor, uscc=uscc, include_current=False)[:limit]


def history_page(
    *, session: Session, actor: User | None, uscc: str, limit: int = 1000
) -> tuple[Any, list[ValueEvent]]:
    """The enterprise and its value history, for the history page a department's clerk reaches
    (a clerk sees no scores, so not the portrait; docs/store.md)."""
    events = value_history(session=session, actor=actor, uscc=uscc)[:limit]
    return get_enterprise(session=session, uscc=uscc), events
