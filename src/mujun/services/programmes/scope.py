"""Who sees which programme list (docs/programmes.md, "Who sees what").

| list | admin | leader | officer | enterprise | clerk |
|---|---|---|---|---|---|
| talent register | all, writes | all | its town's (or its enterprises') | — | — |
| 股改上市 pipeline | all, writes | all | its enterprises | its own | — |
| incentive payments | all, writes | all | its enterprises | its own | — |
| safety award | all | all | its enterprises | its own | 应急管理 (the incidents' keeper): all |

Outside its reach a role gets 403 (``PermissionDenied``); rows are always filtered by
``access.enterprise_scope``.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, or_, select, true

from mujun.engine.texts import N_
from mujun.services import access
from mujun.services.access import Action
from mujun.services.errors import PermissionDenied
from mujun.store.models import Enterprise, Role, TalentPerson, User

ProgrammeList = Literal["talent", "ipo", "payments", "safety"]
LISTS: tuple[ProgrammeList, ...] = ("talent", "ipo", "payments", "safety")
#: the department whose clerk sees the safety-award list (it keeps the safety incidents)
SAFETY_DEPARTMENT = "safety"


def may_view(user: User, what: ProgrammeList) -> bool:
    if not user.active:
        return False
    if user.role == Role.CLERK:
        return what == "safety" and user.department == SAFETY_DEPARTMENT
    if not access.allowed(user, Action.PROGRAMMES):
        return False
    return not (what == "talent" and user.role == Role.ENTERPRISE)


def may_view_any(user: User) -> bool:
    """Whether the user reaches any programme list (the navigation's 专项工作)."""
    return bool(reach(user))


def reach(user: User) -> list[ProgrammeList]:
    """The programme lists the user reaches, in the pages' order."""
    return [what for what in LISTS if may_view(user, what)]


def require_any(user: User) -> None:
    if not reach(user):
        raise PermissionDenied(N_("您的账号（%(user)s）无权进行这项操作"), user=user.username)


def require_view(user: User, what: ProgrammeList) -> None:
    if not may_view(user, what):
        raise PermissionDenied(N_("您的账号（%(user)s）无权进行这项操作"), user=user.username)


def require_manage(user: User | None) -> None:
    """Recording and importing programme data: the administrator (经信局) alone."""
    if user is not None:
        access.require(user, Action.PROGRAMMES_MANAGE)


def sees_all(user: User) -> bool:
    """Admin, leader and the safety clerk see every enterprise of the lists they reach."""
    return user.role in (Role.ADMIN, Role.LEADER, Role.CLERK)


def enterprises_in_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause over ``Enterprise``: the enterprises whose programme rows the user sees."""
    return true() if sees_all(user) else access.enterprise_scope(user)


def talent_in_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause over ``TalentPerson``: an officer sees the people of its town and those
    employed by its enterprises."""
    if sees_all(user):
        return true()
    terms: list[ColumnElement[bool]] = []
    if user.town:
        terms.append(TalentPerson.town == user.town)
    employers = select(Enterprise.id).where(access.enterprise_scope(user))
    terms.append(TalentPerson.employer_id.in_(employers))
    return or_(*terms)
