"""Policies for people: the shipped policies with their documented text, and checking an uploaded
one (nothing is stored: a checked file is used by a what-if or a run)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from mujun.engine.policy import (
    LoadedPolicy,
    PolicyError,
    load_policy_text,
    load_shipped_policy,
    shipped_policy_names,
)
from mujun.engine.policy_errors import shorten
from mujun.engine.policy_messages import in_chinese
from mujun.engine.texts import N_

# the web reads at most one byte more than MAX_POLICY_BYTES of an upload
from mujun.io.policy_files import MAX_POLICY_BYTES as MAX_POLICY_BYTES
from mujun.io.policy_files import policy_text
from mujun.services import access
from mujun.services.access import Action
from mujun.services.errors import InvalidInput, NotFound
from mujun.store.models import User


class PolicyProblem(BaseModel):
    key: str
    message: str


class PolicySummary(BaseModel):
    name: str
    title: str
    hash: str


class PolicyPublic(PolicySummary):
    #: the YAML as written, comments included: the line-by-line documentation
    text: str
    #: the effective policy: the file laid over the defaults
    effective: dict[str, Any]


class PolicyCheck(BaseModel):
    ok: bool
    problems: list[PolicyProblem]
    policy: PolicyPublic | None


def _public(loaded: LoadedPolicy) -> PolicyPublic:
    p = loaded.policy
    return PolicyPublic(name=p.name, title=p.title, hash=loaded.hash, text=loaded.text,
                        effective=p.model_dump(mode="json", by_alias=True))


def list_policies(*, actor: User) -> list[PolicySummary]:
    access.require(actor, Action.POLICIES_VIEW)
    out = []
    for name in shipped_policy_names():
        loaded = load_shipped_policy(name)
        out.append(PolicySummary(name=loaded.policy.name, title=loaded.policy.title,
                                 hash=loaded.hash))
    return out


def get_policy(*, actor: User, name: str) -> PolicyPublic:
    access.require(actor, Action.POLICIES_VIEW)
    if name not in shipped_policy_names():
        raise NotFound(f"no shipped policy {name!r}")
    return _public(load_shipped_policy(name))


def check_policy(*, actor: User, text: str, source: str = "upload") -> PolicyCheck:
    """Validate a policy file; every problem comes back with its key path."""
    access.require(actor, Action.POLICIES_MANAGE)
    try:
        loaded = load_policy_text(text, source)
    except PolicyError as exc:
        return PolicyCheck(ok=False, policy=None, problems=[
            PolicyProblem(key=key or "(file)", message=msg) for key, msg in exc.problems])
    return PolicyCheck(ok=True, problems=[], policy=_public(loaded))


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
