"""What the admin's 用户管理 shows: the users (filtered and paged), the choices of each role's
scope (docs/security.md, User management). The writes are ``services/users.py``'s."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, field_validator
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mujun.services.departments import DEPARTMENTS
from mujun.services.schemas import UserPublic
from mujun.services.users import require_user_admin
from mujun.store.models import Enterprise, Role, User

PAGE_SIZE = 50


class UserFilter(BaseModel):
    role: Role | None = None
    department: str | None = Field(default=None, max_length=16)
    town: str | None = Field(default=None, max_length=64, description="town or park")
    active: bool | None = None
    q: str | None = Field(default=None, max_length=64, description="name contains")
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=PAGE_SIZE, ge=1, le=500)

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_not_given(cls, value: Any, info: ValidationInfo) -> Any:
        # a form's "全部" sends an empty value
        if value == "" and info.field_name is not None:
            return cls.model_fields[info.field_name].get_default()
        return value


class UserPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[UserPublic]


class ScopeChoices(BaseModel):
    """The dropdowns of the form: departments (code, name), towns and parks of the registry."""
    departments: list[tuple[str, str]]
    towns: list[str]
    parks: list[str]


def list_users(*, session: Session, actor: User, filters: UserFilter) -> UserPage:
    require_user_admin(actor)
    query = select(User)
    if filters.role is not None:
        query = query.where(User.role == filters.role)
    if filters.department:
        query = query.where(User.department == filters.department)
    if filters.town:
        query = query.where(or_(User.town == filters.town, User.park == filters.town))
    if filters.active is not None:
        query = query.where(User.active.is_(filters.active))
    if filters.q:
        text = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(User.username.like(text, escape="\\"),
                                User.display_name.like(text, escape="\\")))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(User.username)
                           .limit(filters.per_page).offset((filters.page - 1) * filters.per_page))
    return UserPage(total=total, page=filters.page, per_page=filters.per_page,
                    items=[UserPublic.model_validate(u) for u in rows])


def scope_choices(*, session: Session) -> ScopeChoices:
    def distinct(column: Any) -> list[str]:
        return list(session.scalars(select(column).where(column.is_not(None)).distinct()
                                    .order_by(column)))

    return ScopeChoices(departments=[(d.code, d.name_zh) for d in DEPARTMENTS.values()],
                        towns=distinct(Enterprise.town), parks=distinct(Enterprise.park))
