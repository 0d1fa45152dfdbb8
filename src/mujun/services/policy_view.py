"""Policies for people: the shipped policies and the county's stored versions as parameter tables
(title, value with unit, meaning per key: ``engine.policy_params``), what changed from one stored
version to the next, and checking an uploaded file. Storing a file is
``services.policies.stored``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from mujun.engine.policy import (
    LoadedPolicy,
    PolicyError,
    load_policy_text,
    load_shipped_policy,
    shipped_policy_names,
)
from mujun.engine.policy_errors import shorten
from mujun.engine.policy_messages import in_chinese
from mujun.engine.policy_params import ParamChange, ParamRow, parameter_rows
from mujun.engine.texts import N_

# the web reads at most one byte more than MAX_POLICY_BYTES of an upload
from mujun.io.policy_files import MAX_POLICY_BYTES as MAX_POLICY_BYTES
from mujun.io.policy_files import policy_text
from mujun.services import access
from mujun.services.access import Action
from mujun.services.errors import InvalidInput, NotFound
from mujun.services.policies import stored as store
from mujun.store.models import StoredPolicy, User


class PolicyProblem(BaseModel):
    key: str
    message: str


class PolicySummary(BaseModel):
    name: str
    title: str
    hash: str
    years_from: int
    years_to: int | None
    #: "shipped" with mujun, or "stored" by the county (then with its version and upload)
    source: str = "shipped"
    version: int | None = None
    sha256: str | None = None
    uploaded_at: datetime | None = None
    uploaded_by: str | None = None
    filename: str | None = None


class PolicyPublic(PolicySummary):
    #: the YAML as written, comments included
    text: str
    #: the effective policy: the file laid over the defaults
    effective: dict[str, Any]
    #: the parameter table: key path, metadata (title, unit, meaning in both languages), value
    parameters: list[ParamRow]
    #: a stored version: what changed from the version before it (None: the first, or shipped)
    previous_version: int | None = None
    changes: list[ParamChange] = []


class PolicyCheck(BaseModel):
    ok: bool
    problems: list[PolicyProblem]
    policy: PolicyPublic | None


def _summary(loaded: LoadedPolicy) -> dict[str, Any]:
    p = loaded.policy
    return {"name": p.name, "title": p.title, "hash": loaded.hash, "years_from": p.years.from_,
            "years_to": p.years.to}


def _stored_summary(s: StoredPolicy) -> dict[str, Any]:
    return {"name": s.name, "title": s.title, "hash": s.policy_hash, "years_from": s.years_from,
            "years_to": s.years_to, "source": "stored", "version": s.version,
            "sha256": s.sha256, "uploaded_at": s.uploaded_at, "filename": s.filename,
            "uploaded_by": s.uploaded_by.username if s.uploaded_by else None}


def _public(loaded: LoadedPolicy, **summary: Any) -> PolicyPublic:
    p = loaded.policy
    return PolicyPublic(**{**_summary(loaded), **summary}, text=loaded.text,
                        effective=p.model_dump(mode="json", by_alias=True),
                        parameters=parameter_rows(p))


def list_policies(*, actor: User) -> list[PolicySummary]:
    """The shipped policies."""
    access.require(actor, Action.POLICIES_VIEW)
    return [PolicySummary(**_summary(load_shipped_policy(n))) for n in shipped_policy_names()]


def list_stored(*, session: Session, actor: User) -> list[PolicySummary]:
    """Every stored version, newest first within a name."""
    return [PolicySummary(**_stored_summary(s))
            for s in store.versions(session=session, actor=actor)]


def summary_of(s: StoredPolicy) -> PolicySummary:
    """A stored version's summary (the answer to an upload)."""
    return PolicySummary(**_stored_summary(s))


def get_policy(*, actor: User, name: str) -> PolicyPublic:
    """A shipped policy with its parameter table."""
    access.require(actor, Action.POLICIES_VIEW)
    if name not in shipped_policy_names():
        raise NotFound(N_("没有名为 %(name)s 的内置评价办法"), name=shorten(name))
    return _public(load_shipped_policy(name))


def get_stored(*, session: Session, actor: User, name: str,
               version: int | None = None) -> PolicyPublic:
    """A stored version (the newest when ``version`` is None) with its parameter table and what
    changed from the version before."""
    diff = store.changes_from_previous(session=session, actor=actor, name=name, version=version)
    return _public(store.loaded(diff.version), **_stored_summary(diff.version),
                   previous_version=diff.previous.version if diff.previous else None,
                   changes=diff.changes)


def check_policy(*, actor: User, text: str, source: str = "upload") -> PolicyCheck:
    """Validate a policy file; every problem comes back with its key path."""
    access.require(actor, Action.POLICIES_MANAGE)
    try:
        loaded = load_policy_text(text, source)
    except PolicyError as exc:
        return PolicyCheck(ok=False, policy=None, problems=problems_of(exc.problems))
    return PolicyCheck(ok=True, problems=[], policy=_public(loaded))


def problems_of(problems: list[tuple[str, str]]) -> list[PolicyProblem]:
    return [PolicyProblem(key=key or "(file)", message=msg) for key, msg in problems]


def decode_upload(data: bytes, *, name: str | None = None) -> str:
    """The uploaded policy file ``name`` as text (:func:`mujun.io.policy_files.policy_text`);
    :class:`InvalidInput` naming the file for an oversized or non-UTF-8 one."""
    source = shorten(name or "upload")
    try:
        return policy_text(data, source=source)
    except PolicyError as exc:
        raise policy_refusal(exc) from None


def policy_refusal(exc: PolicyError) -> InvalidInput:
    """A policy that cannot be used, as a refusal naming the file and each key path, the
    problems in Chinese (``engine.policy_messages``)."""
    problems = "；".join(f"{path or '(file)'}：{in_chinese(message)}"
                        for path, message in exc.problems)
    return InvalidInput(N_("评价办法 %(source)s 有问题：%(problems)s"), source=exc.source,
                        problems=problems)
