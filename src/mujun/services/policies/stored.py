"""The county's own policies kept in the store: upload a 评价办法, keep it as a new version of its
name, list the versions and what changed from one to the next (docs/policy.md, "Policies in the
store").

A file is checked as a whole before anything is written: a refused file stores nothing. The text is
stored exactly as uploaded; the title, years and hashes beside it are read from that text, so the
upload is never lost to what was derived from it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.engine.policy import DEFAULT_POLICY, LoadedPolicy, PolicyError, load_policy_text
from mujun.engine.policy_errors import shorten
from mujun.engine.policy_messages import in_chinese
from mujun.engine.policy_params import ParamChange, parameter_changes
from mujun.engine.texts import N_
from mujun.services import access, audit
from mujun.services.access import Action
from mujun.services.errors import InvalidInput, NotFound
from mujun.store.models import StoredPolicy, User
from mujun.store.models.base import utcnow


class PolicyRefused(InvalidInput):
    """An uploaded policy with problems; ``problems`` holds ``(key_path, message)`` per problem."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = "；".join(f"{key or '(file)'}：{in_chinese(message)}" for key, message in problems)
        super().__init__(N_("%(source)s：评价办法有 %(n)s 处问题，未保存。%(problems)s"),
                         source=source, n=len(problems), problems=lines)


def _require(actor: User | None, action: Action) -> None:
    """``None`` is the system itself (the demo loader); a user needs ``action``."""
    if actor is not None:
        access.require(actor, action)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _name_problem(name: str) -> str | None:
    """Why a policy may not be stored under ``name`` (the problem at key ``name``), or None."""
    if name == DEFAULT_POLICY:
        return (f"{DEFAULT_POLICY} 是系统自带的模板，不能保存为本县办法；请在 name 中写本县办法"
                "自己的代号（例如 songyang-2025）")
    if name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name or len(name) > 100:
        return f"办法代号 {shorten(name)!r} 不能是文件名或路径，长度不超过 100 个字符"
    return None


def latest_versions(session: Session) -> list[StoredPolicy]:
    """The newest version of every stored name, by name."""
    newest = (select(StoredPolicy.name, func.max(StoredPolicy.version).label("v"))
              .group_by(StoredPolicy.name).subquery())
    return list(session.scalars(
        select(StoredPolicy).join(newest, (StoredPolicy.name == newest.c.name)
                                  & (StoredPolicy.version == newest.c.v))
        .order_by(StoredPolicy.name)))


def store_policy(*, session: Session, actor: User | None, text: str,
                 filename: str | None = None, note: str | None = None,
                 now: datetime | None = None) -> StoredPolicy:
    """Check ``text`` and keep it as the next version of the policy it names.

    Refused (:class:`PolicyRefused`, nothing written) when the file has problems; refused too when
    it is the same text as the newest version of its name."""
    _require(actor, Action.POLICIES_MANAGE)
    source = filename or "upload"
    try:
        loaded = load_policy_text(text, source)
    except PolicyError as exc:
        raise PolicyRefused(source, exc.problems) from None
    policy = loaded.policy
    refusal = _name_problem(policy.name)
    if refusal is not None:
        raise PolicyRefused(source, [("name", refusal)])
    sha = text_sha256(text)
    newest = session.scalar(select(StoredPolicy).where(StoredPolicy.name == policy.name)
                            .order_by(StoredPolicy.version.desc()).limit(1))
    if newest is not None and newest.sha256 == sha:
        raise InvalidInput(N_("%(source)s 与已保存的 %(version)s 完全相同，未另存新版本"),
                           source=source, version=newest.label)
    stored = StoredPolicy(
        name=policy.name, version=(newest.version + 1) if newest else 1, text=text, sha256=sha,
        policy_hash=loaded.hash, title=policy.title, years_from=policy.years.from_,
        years_to=policy.years.to, filename=filename, note=note, uploaded_at=now or utcnow(),
        uploaded_by_id=actor.id if actor else None)
    session.add(stored)
    session.flush()
    audit.record(session=session, actor=actor, action="policy.store", entity="policy",
                 entity_id=stored.id, at=stored.uploaded_at,
                 summary=f"policy {stored.label} ({policy.title}), sha256 {sha[:12]}",
                 after={"name": stored.name, "version": stored.version, "sha256": sha,
                        "policy_hash": stored.policy_hash, "years_from": stored.years_from,
                        "years_to": stored.years_to, "filename": filename})
    return stored


def versions(*, session: Session, actor: User | None, name: str | None = None
             ) -> list[StoredPolicy]:
    """Every stored version (of ``name``), newest first within a name."""
    _require(actor, Action.POLICIES_VIEW)
    query = select(StoredPolicy).order_by(StoredPolicy.name, StoredPolicy.version.desc())
    if name is not None:
        query = query.where(StoredPolicy.name == name)
    return list(session.scalars(query))


def get_version(*, session: Session, actor: User | None, name: str,
                version: int | None = None) -> StoredPolicy:
    """A stored version of ``name``; the newest when ``version`` is None."""
    _require(actor, Action.POLICIES_VIEW)
    query = select(StoredPolicy).where(StoredPolicy.name == name)
    if version is not None:
        query = query.where(StoredPolicy.version == version)
    found = session.scalar(query.order_by(StoredPolicy.version.desc()).limit(1))
    if found is None:
        shown = f"{shorten(name)} v{version}" if version is not None else shorten(name)
        raise NotFound(N_("没有保存的评价办法 %(name)s"), name=shown)
    return found


def loaded(stored: StoredPolicy) -> LoadedPolicy:
    """A stored version as the engine reads it (it was valid when stored)."""
    return load_policy_text(stored.text, stored.label)


@dataclass(frozen=True)
class VersionChanges:
    """What changed from the version before (``previous`` None for a first version)."""

    version: StoredPolicy
    previous: StoredPolicy | None
    changes: list[ParamChange]


def changes_from_previous(*, session: Session, actor: User | None, name: str,
                          version: int | None = None) -> VersionChanges:
    """The parameters of a stored version that differ from the version before it."""
    this = get_version(session=session, actor=actor, name=name, version=version)
    previous = session.scalar(select(StoredPolicy).where(StoredPolicy.name == name,
                                                         StoredPolicy.version < this.version)
                              .order_by(StoredPolicy.version.desc()).limit(1))
    if previous is None:
        return VersionChanges(this, None, [])
    return VersionChanges(this, previous,
                          parameter_changes(loaded(previous).policy, loaded(this).policy))
