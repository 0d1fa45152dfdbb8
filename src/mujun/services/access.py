"""Who may see and do what (platform.md, Roles) — enforced here so every route inherits it.

| role | reaches |
|---|---|
| admin | everything (the only one to manage users) |
| clerk | its department's templates, imports and 三服务 requests (no other enterprise data) |
| officer | enterprises of its town or park (lists, portraits, low-efficiency land, requests);
  the disposal cases and candidates there, which it opens and works on; the power alerts (预警)
  there, which it closes with the note of a visit |
| enterprise | its own enterprise only (its appeals, its requests and their ratings, its monthly
  power use and alerts on its portrait) |
| leader | the cockpit and other aggregates (the requests' statistics, alerts counted by town and
  industry), disposal cases: read-only |

The county's targets (docs/targets.md) are for every role but the enterprise (admin, clerk, officer,
leader); the 亩均效益领跑者 awards, a public honour, for every role.

A request outside a role's reach raises ``PermissionDenied`` (403); asking for one enterprise the
user may not see raises ``NotFound`` (404), so nobody learns whether it exists.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.services.departments import DEPARTMENTS, POWER_DEPARTMENT
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
    TARGETS = "targets.view"  # the county's targets (docs/targets.md)
    AWARDS = "awards.view"  # 亩均效益领跑者, a public honour
    CASES_VIEW = "cases.view"  # disposal candidates and cases (处置项目), filtered by scope
    CASES_MANAGE = "cases.manage"  # open, work on, complete, cancel and correct cases
    REQUESTS_VIEW = "requests.view"  # 三服务 requests in scope (docs/programmes.md)
    REQUESTS_SUBMIT = "requests.submit"  # an enterprise's own request and its rating
    REQUESTS_HANDLE = "requests.handle"  # accept, note, close: the responsible department
    REQUESTS_STATS = "requests.stats"  # the per-department statistics
    PROGRAMMES = "programmes.view"  # talent, 股改上市, payments, safety award (services/programmes)
    PROGRAMMES_MANAGE = "programmes.manage"  # record and import them
    POWER_IMPORT = "power.import"  # monthly power readings (docs/monitoring.md): the power clerk
    ALERTS_VIEW = "alerts.view"  # 预警: the worklist of open and closed alerts, filtered by scope
    ALERTS_CLOSE = "alerts.close"  # close an alert in scope with the note of a visit


_ALLOWED: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.CLERK: frozenset({Action.IMPORTS, Action.POLICIES_VIEW, Action.REQUESTS_VIEW,
                           Action.REQUESTS_HANDLE, Action.REQUESTS_STATS, Action.TARGETS,
                           Action.AWARDS, Action.POWER_IMPORT}),
    Role.OFFICER: frozenset({Action.ENTERPRISES, Action.LAND, Action.POLICIES_VIEW,
                             Action.CASES_VIEW, Action.CASES_MANAGE, Action.REQUESTS_VIEW,
                             Action.PROGRAMMES, Action.TARGETS, Action.AWARDS,
                             Action.ALERTS_VIEW, Action.ALERTS_CLOSE}),
    Role.ENTERPRISE: frozenset({Action.ENTERPRISES, Action.APPEAL, Action.POLICIES_VIEW,
                                Action.REQUESTS_VIEW, Action.REQUESTS_SUBMIT, Action.PROGRAMMES,
                                Action.AWARDS}),
    Role.LEADER: frozenset({Action.COCKPIT, Action.POLICIES_VIEW, Action.CASES_VIEW,
                            Action.REQUESTS_STATS, Action.PROGRAMMES, Action.TARGETS,
                            Action.AWARDS}),
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
        return officer_place(user, Enterprise.town, Enterprise.park)
    if user.role == Role.ENTERPRISE and user.uscc:
        return Enterprise.uscc == user.uscc
    return false()


def officer_place(user: User, town: Any, park: Any) -> ColumnElement[bool]:
    """A WHERE clause selecting rows placed in the officer's town or park (``town`` and ``park``
    are the rows' columns)."""
    terms = []
    if user.town:
        terms.append(town == user.town)
    if user.park:
        terms.append(park == user.park)
    return or_(*terms) if terms else false()


def in_officer_place(user: User, town: str | None, park: str | None) -> bool:
    """``officer_place`` for one row's town and park."""
    return bool((user.town and town == user.town) or (user.park and park == user.park))


def may_see_enterprise(user: User, enterprise: Enterprise) -> bool:
    if not allowed(user, Action.ENTERPRISES):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.OFFICER:
        return in_officer_place(user, enterprise.town, enterprise.park)
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
    if department not in DEPARTMENTS or not DEPARTMENTS[department].imports:
        return False
    return user.role == Role.ADMIN or user.department == department


def may_import_power(user: User) -> bool:
    """The monthly power readings (docs/monitoring.md, "In the store"): the admin and the
    clerks of the power department (供电)."""
    return allowed(user, Action.POWER_IMPORT) and (user.role == Role.ADMIN
                                                   or user.department == POWER_DEPARTMENT)


def departments_for(user: User, all_codes: list[str]) -> list[str]:
    """The departments whose templates and imports the user reaches."""
    return [code for code in all_codes if may_import_department(user, code)]
