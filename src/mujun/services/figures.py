"""Editing one figure by hand (a correction after an appeal, an admin's fix): versioned, audited,
and kept in ``figure_changes`` like an import's changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.engine.fields import FIELD_BY_KEY
from mujun.services import audit
from mujun.services.departments import FIELD_OWNER
from mujun.services.errors import InvalidInput, NotFound, PermissionDenied
from mujun.services.locking import check_version, conflicts
from mujun.services.registry import get_enterprise
from mujun.services.users import may_import
from mujun.services.values import Value, decode, encode, jsonable
from mujun.store.models import Figure, FigureChange, User
from mujun.store.models.base import utcnow


def get_figure(*, session: Session, uscc: str, year: int, field: str) -> Figure | None:
    ent = get_enterprise(session=session, uscc=uscc)
    return session.scalar(select(Figure).where(Figure.enterprise_id == ent.id,
                                               Figure.year == year, Figure.field == field))


def set_figure(
    *,
    session: Session,
    actor: User | None,
    uscc: str,
    year: int,
    field: str,
    value: Value,
    source: str = "edit",
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Figure:
    """Set one value; the figure keeps its owning department (the field's owner)."""
    if field not in FIELD_OWNER:
        raise InvalidInput(f"{field!r} is not a field a figure can hold")
    owner = FIELD_OWNER[field]
    if not may_import(actor, owner):
        raise PermissionDenied(f"{actor.username if actor else '?'} may not change {field}")
    now = now or utcnow()
    ent = get_enterprise(session=session, uscc=uscc)
    num, text = encode(field, value)
    fig = session.scalar(select(Figure).where(Figure.enterprise_id == ent.id, Figure.year == year,
                                              Figure.field == field))
    old: Value = None
    if fig is None:
        fig = Figure(enterprise_id=ent.id, year=year, field=field, value_num=num,
                     value_text=text, department=owner, updated_at=now)
        session.add(fig)
    else:
        check_version(fig, expected_version, f"{ent.uscc} {year} {field}")
        old = decode(field, fig.value_num, fig.value_text)
        if (fig.value_num, fig.value_text) == (num, text):
            return fig
        change = FigureChange(enterprise_id=ent.id, year=year, field=field,
                              old_num=fig.value_num, old_text=fig.value_text, new_num=num,
                              new_text=text, department=fig.department, source=source,
                              actor_id=actor.id if actor else None, at=now)
        session.add(change)
        fig.value_num, fig.value_text, fig.updated_at, fig.import_id = num, text, now, None
    with conflicts(f"{ent.uscc} {year} {FIELD_BY_KEY[field].header_zh}"):
        session.flush()
    audit.record(session=session, actor=actor, action=f"figure.{source}", entity="figure",
                 entity_id=f"{ent.uscc}/{year}/{field}", at=now,
                 summary=note or f"{ent.uscc} {year} {field}",
                 before={"value": jsonable(old)}, after={"value": jsonable(value)})
    return fig


def remove_figure(
    *,
    session: Session,
    actor: User | None,
    uscc: str,
    year: int,
    field: str,
    reason: str,
    now: datetime | None = None,
) -> None:
    """Remove one stored value: its own explicit act, with a reason, kept in ``figure_changes``.

    An import never removes a value (an empty cell is "not given", docs/store.md).
    """
    if field not in FIELD_OWNER:
        raise InvalidInput(f"{field!r} is not a field a figure can hold")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("removing a value needs a reason")
    if len(reason) > 500:
        raise InvalidInput("the reason is longer than 500 characters")
    if not may_import(actor, FIELD_OWNER[field]):
        raise PermissionDenied(f"{actor.username if actor else '?'} may not remove {field}")
    now = now or utcnow()
    ent = get_enterprise(session=session, uscc=uscc)
    fig = session.scalar(select(Figure).where(Figure.enterprise_id == ent.id, Figure.year == year,
                                              Figure.field == field))
    if fig is None:
        raise NotFound(f"{ent.uscc} has no {field} value for {year}")
    old = decode(field, fig.value_num, fig.value_text)
    session.add(FigureChange(enterprise_id=ent.id, year=year, field=field,
                             old_num=fig.value_num, old_text=fig.value_text, new_num=None,
                             new_text=None, department=fig.department, source="remove",
                             reason=reason, actor_id=actor.id if actor else None, at=now))
    session.delete(fig)
    session.flush()
    audit.record(session=session, actor=actor, action="figure.remove", entity="figure",
                 entity_id=f"{ent.uscc}/{year}/{field}", at=now, summary=reason,
                 before={"value": jsonable(old)}, after={"value": None, "reason": reason})
