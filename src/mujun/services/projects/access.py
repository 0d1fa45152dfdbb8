"""Who reaches which projects (platform.md, Roles; docs/projects.md).

| role | projects |
|---|---|
| admin | all; imports and moves stages |
| clerk of 发改/商务 (``devreform``) | all; imports and moves stages |
| leader | all, read-only; "我牵头的项目" are those whose lead is its ``lead_title`` |
| officer | the projects of its town or park (the enterprise's or the parcel's), read-only |
| enterprise | its own projects, read-only; another's project is 404 |
| other clerks | none (403) |
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.services.errors import NotFound, PermissionDenied
from mujun.store.models import Enterprise, Parcel, Project, Role, User

#: the department that keeps the projects (services/departments.py)
DEPARTMENT = "devreform"


def may_manage(user: User) -> bool:
    """Import projects and move their stages."""
    return user.active and (user.role == Role.ADMIN
                            or (user.role == Role.CLERK and user.department == DEPARTMENT))


def may_view(user: User) -> bool:
    return may_manage(user) or (
        user.active and user.role in (Role.LEADER, Role.OFFICER, Role.ENTERPRISE))


def require_view(user: User) -> None:
    if not may_view(user):
        raise PermissionDenied(N_("您的账号（%(user)s）无权查看招商项目"), user=user.username)


def require_manage(user: User) -> None:
    if not may_manage(user):
        raise PermissionDenied(N_("您的账号（%(user)s）无权修改招商项目"), user=user.username)


def scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause over ``Project`` selecting the projects the user may see."""
    if may_manage(user) or (user.active and user.role == Role.LEADER):
        return true()
    if user.role == Role.OFFICER and user.active:
        enterprises, parcels = [], []
        if user.town:
            enterprises.append(Enterprise.town == user.town)
            parcels.append(Parcel.town == user.town)
        if user.park:
            enterprises.append(Enterprise.park == user.park)
            parcels.append(Parcel.zone == user.park)
        if not enterprises:
            return false()
        return or_(Project.uscc.in_(select(Enterprise.uscc).where(or_(*enterprises))),
                   Project.parcel_code.in_(select(Parcel.parcel_code).where(or_(*parcels))))
    if user.role == Role.ENTERPRISE and user.active and user.uscc:
        return Project.uscc == user.uscc
    return false()


def visible_project(*, session: Session, user: User, project_id: int) -> Project:
    """Project ``project_id`` if the user may see it; ``NotFound`` otherwise (also when it
    exists, so another enterprise's project is not even confirmed)."""
    require_view(user)
    project = session.scalar(select(Project).where(Project.id == project_id, scope(user)))
    if project is None:
        raise NotFound(N_("没有您可查看的项目 #%(id)s"), id=project_id)
    return project
