"""Who may see and do what (platform.md, Roles) — enforced here so every route inherits it.

| role | reaches |
|---|---|
| admin | everything (the only one to manage users) |
| clerk | its department's templates and imports (no enterprise data) |
| officer | enterprises of its town or park (lists, portraits, low-efficiency land) |
| enterprise | its own enterprise only |
| leader | the cockpit and other aggregates, read-only |

A request outside a role's reach raises ``PermissionDenied`` (403); asking for one enterprise the
user may not see raises ``NotFound`` (404), so nobody learns whether it exists.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.services.errors import NotFound, PermissionDenied
from mujun.store.models import Enterprise, Role, User


class Action(StrEnum):
    COCKPIT = "cockpit.view"  # county aggregates
    ENTERPRISES = "enterprises.view"  # lists and portraits, filtered by scope
    LAND = "land.view"  # the low-efficiency land list, filtered by scope
    RUNS_VIEW = "runs.view"  # the runs, their results and the 公示名单
    RUNS_MANAGE = "runs.manage"  # create, publish, resolve, finalise, what-if
    APPEAL = "appeals.create"  # an enterprise's own appeal
    IMPORTS = "imports.use"  # templates, uploads, history (a clerk: its department only)
    POLICIES_VIEW = "policies.view"
    POLICIES_MANAGE = "policies.manage"
    USERS = "users.manage"  # accounts: list, add, change, reset a password, disable
    PROGRAMMES = "programmes.view"  # talent, 股改上市, payments, safety award (services/programmes)
    PROGRAMMES_MANAGE = "programmes.manage"  # record and import them


_ALLOWED: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.CLERK: frozenset({Action.IMPORTS, Action.POLICIES_VIEW}),
    Role.OFFICER: frozenset({Action.ENTERPRISES, Action.LAND, Action.POLICIES_VIEW,
                             Action.PROGRAMMES}),
    Role.ENTERPRISE: frozenset({Action.ENTERPRISES, Action.APPEAL, Action.POLICIES_VIEW,
                                Action.PROGRAMMES}),
    Role.LEADER: frozenset({Action.COCKPIT, Action.POLICIES_VIEW, Action.PROGRAMMES}),
}


def allowed(user: User, action: Action) -> bool:
    return user.active and action in _ALLOWED.get(user.role, frozenset())


def require(user: User, action: Action) -> None:
    """Refuse ``action`` unless the user's role includes it."""
    if not allowed(user, action):
        raise PermissionDenied(N_("您的账号（%(user)s）无权进行这项操作"), user=user.username)


def enterprise_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause over ``Enterprise`` selecting the enterprises the user may see."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.OFFICER:
        terms = []
        if user.town:
            terms.append(Enterprise.town == user.town)
        if user.park:
            terms.append(Enterprise.park == user.park)
        return or_(*terms) if terms else false()
    if user.role == Role.ENTERPRISE and user.uscc:
        return Enterprise.uscc == user.uscc
    return false()


def may_see_enterprise(user: User, enterprise: Enterprise) -> bool:
    if not allowed(user, Action.ENTERPRISES):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.OFFICER:
        return bool((user.town and enterprise.town == user.town)
                    or (user.park and enterprise.park == user.park))
    return user.role == Role.ENTERPRISE and enterprise.uscc == user.uscc


def visible_enterprise(*, session: Session, user: User, uscc: str) -> Enterprise:
    """The enterprise ``uscc`` if the user may see it; ``NotFound`` otherwise (also when it
    exists, so another enterprise's records are not even confirmed)."""
    require(user, Action.ENTERPRISES)
    ent = session.scalar(select(Enterprise).where(Enterprise.uscc == uscc.strip().upper()))
    if ent is None or not may_see_enterprise(user, ent):
        raise NotFound(N_("没有您可查看的企业 %(uscc)s"), uscc=uscc)
    return ent


def may_import_department(user: User, department: str) -> bool:
    if not allowed(user, Action.IMPORTS):
        return False
    return user.role == Role.ADMIN or user.department == department


def departments_for(user: User, all_codes: list[str]) -> list[str]:
    """The departments whose templates and imports the user reaches."""
    return [code for code in all_codes if may_import_department(user, code)]
