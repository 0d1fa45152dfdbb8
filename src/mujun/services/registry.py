"""The enterprise registry: add and edit enterprises (versioned, audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.engine import uscc as uscc_check
from mujun.services import audit
from mujun.services.errors import InvalidInput, NotFound
from mujun.services.locking import check_version, conflicts
from mujun.services.schemas import EnterpriseCreate, EnterprisePublic, EnterpriseUpdate
from mujun.services.users import require_admin
from mujun.store.models import Enterprise, EnterpriseTag, User
from mujun.store.models.base import utcnow


def _snapshot(ent: Enterprise) -> dict[str, Any]:
    return EnterprisePublic.model_validate(ent).model_dump(mode="json")


def get_enterprise(*, session: Session, uscc: str) -> Enterprise:
    ent = session.scalar(select(Enterprise).where(Enterprise.uscc == uscc_check.normalize(uscc)))
    if ent is None:
        raise NotFound(f"no enterprise with credit code {uscc}")
    return ent


def create_enterprise(
    *, session: Session, actor: User | None, enterprise_in: EnterpriseCreate
) -> Enterprise:
    require_admin(actor)
    if session.scalar(select(Enterprise.id).where(Enterprise.uscc == enterprise_in.uscc)):
        raise InvalidInput(f"enterprise {enterprise_in.uscc} is in the registry already")
    data = enterprise_in.model_dump(exclude={"tags"})
    ent = Enterprise(**data, tags=[EnterpriseTag(tag=t) for t in dict.fromkeys(enterprise_in.tags)])
    session.add(ent)
    session.flush()
    audit.record(session=session, actor=actor, action="enterprise.create", entity="enterprise",
                 entity_id=ent.uscc, summary=ent.name, after=_snapshot(ent))
    return ent


def update_enterprise(
    *,
    session: Session,
    actor: User | None,
    uscc: str,
    enterprise_in: EnterpriseUpdate,
    expected_version: int | None = None,
) -> Enterprise:
    """Edit registry fields; ``expected_version`` is the version the editor read (a stale one, or a
    concurrent writer that commits first, raises ``ConflictError``)."""
    require_admin(actor)
    ent = get_enterprise(session=session, uscc=uscc)
    check_version(ent, expected_version, f"enterprise {ent.uscc}")
    before = _snapshot(ent)
    changes = enterprise_in.model_dump(exclude_unset=True)
    tags = changes.pop("tags", None)
    for key, value in changes.items():
        setattr(ent, key, value)
    if tags is not None and tags != ent.tag_names:
        ent.tags = [EnterpriseTag(tag=t) for t in dict.fromkeys(tags)]
        ent.updated_at = utcnow()  # tags are child rows: touch the row so its version moves on
    with conflicts(f"enterprise {ent.uscc}"):
        session.flush()
    after = _snapshot(ent)
    if after != before:
        audit.record(session=session, actor=actor, action="enterprise.update", entity="enterprise",
                     entity_id=ent.uscc, summary=ent.name, before=before, after=after)
    return ent
