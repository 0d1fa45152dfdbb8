"""Users, roles and what a role may do; the admin's management of accounts (docs/security.md,
User management): adding one with a one-time password, changing its role and scope, resetting its
password, disabling it — never leaving the store without an active admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.services import access, audit, web_sessions
from mujun.services.access import Action
from mujun.services.errors import InvalidInput, NotFound, PermissionDenied
from mujun.services.locking import check_version, conflicts
from mujun.services.passwords import check_password, one_time_password
from mujun.services.schemas import UserCreate, UserPublic, UserUpdate
from mujun.services.user_messages import form_problems
from mujun.store.models import Enterprise, Role, User
from mujun.store.models.base import utcnow

_hasher = PasswordHasher()
SYSTEM_ADMIN = "admin"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def require_admin(actor: User | None) -> None:
    """``None`` is the system itself (migrations, first start); everyone else must be an admin."""
    if actor is not None and actor.role != Role.ADMIN:
        raise PermissionDenied(f"{actor.username} ({actor.role}) may not do this; an admin may")


def require_user_admin(actor: User | None) -> None:
    """Managing accounts is the admin's (``None``: the system itself)."""
    if actor is not None:
        access.require(actor, Action.USERS)


#: the scope fields each role keeps; the others are cleared when the role changes
SCOPE_FIELDS: dict[str, tuple[str, ...]] = {
    Role.ADMIN: (), Role.LEADER: ("lead_title",), Role.CLERK: ("department",),
    Role.OFFICER: ("town", "park"), Role.ENTERPRISE: ("uscc",)}


def _fit_scope(session: Session, user: User, *, new_scope: bool = True) -> None:
    """Clear the scope fields the user's role does not use; a new credit code of an enterprise
    user must be in the registry (``new_scope``: the role or the code is being set)."""
    for name in ("department", "town", "park", "uscc", "lead_title"):
        if name not in SCOPE_FIELDS.get(user.role, ()):
            setattr(user, name, None)
    if new_scope and user.role == Role.ENTERPRISE and session.scalar(
            select(Enterprise.id).where(Enterprise.uscc == user.uscc)) is None:
        raise InvalidInput(N_("企业信用代码（uscc）：%(uscc)s 不在企业库中"), uscc=user.uscc)


def _keep_an_admin(session: Session, actor: User | None, user: User) -> None:
    """The admin cannot disable itself or give up its own role, and the store keeps at least
    one active admin."""
    still_admin = user.active and user.role == Role.ADMIN
    if still_admin:
        return
    if actor is not None and actor.id == user.id:
        raise InvalidInput(N_("不能停用自己的账号") if not user.active
                           else N_("不能取消自己的管理员角色"))
    others = session.scalar(select(func.count(User.id)).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user.id))
    if not others:
        raise InvalidInput(N_("至少要保留一个启用的管理员账号"))


def may_import(actor: User | None, department: str) -> bool:
    if actor is None or actor.role == Role.ADMIN:
        return True
    return actor.role == Role.CLERK and actor.department == department and actor.active


def _snapshot(user: User) -> dict[str, Any]:
    data = UserPublic.model_validate(user).model_dump(mode="json")
    data.pop("created_at", None)
    return data


def get_user(*, session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def ensure_admin(*, session: Session) -> User:
    """The built-in ``admin`` user (no password: it signs in on the web only once one is set)."""
    user = session.scalar(select(User).where(User.username == SYSTEM_ADMIN))
    if user is None:
        user = User(username=SYSTEM_ADMIN, display_name="系统管理员", role=Role.ADMIN)
        session.add(user)
        session.flush()
        audit.record(session=session, actor=None, action="user.create", entity="user",
                     entity_id=user.id, summary="built-in admin", after=_snapshot(user))
    return user


def create_user(*, session: Session, actor: User | None, user_in: UserCreate) -> User:
    require_user_admin(actor)
    if session.scalar(select(User.id).where(User.username == user_in.username)) is not None:
        raise InvalidInput(N_("用户名（username）：%(name)s 已存在"), name=user_in.username)
    if user_in.password is not None:
        check_password(user_in.password, known=(user_in.username, user_in.display_name))
    data = user_in.model_dump(exclude={"password"})
    user = User(**data, password_hash=hash_password(user_in.password) if user_in.password else None)
    _fit_scope(session, user)
    session.add(user)
    session.flush()
    audit.record(session=session, actor=actor, action="user.create", entity="user",
                 entity_id=user.id, summary=user.username, after=_snapshot(user))
    return user


def update_user(
    *,
    session: Session,
    actor: User | None,
    username: str,
    user_in: UserUpdate,
    expected_version: int | None = None,
) -> User:
    require_user_admin(actor)
    user = get_user(session=session, username=username)
    check_version(user, expected_version, f"user {username}")
    before = _snapshot(user)
    was_active = user.active
    changes = user_in.model_dump(exclude_unset=True, exclude={"password"})
    for key, value in changes.items():
        setattr(user, key, value)
    if user_in.password is not None:
        check_password(user_in.password, known=(user.username, user.display_name))
        # chosen by an admin: no longer a one-time password; sessions with the old one end
        user.password_hash = hash_password(user_in.password)
        user.must_change_password = False
        web_sessions.end_user_sessions(session=session, user=user, now=utcnow())
    # re-check the role's scope on the result (e.g. a clerk keeps a department)
    try:
        UserCreate.model_validate({k: v for k, v in _snapshot(user).items()
                                   if k in UserCreate.model_fields and k != "password"})
    except ValidationError as exc:
        raise InvalidInput(form_problems(exc)) from None
    _fit_scope(session, user, new_scope=bool({"role", "uscc"} & changes.keys()))
    if before["role"] == Role.ADMIN and was_active:
        _keep_an_admin(session, actor, user)
    if was_active and not user.active:  # disabled: signed out everywhere at once
        web_sessions.end_user_sessions(session=session, user=user, now=utcnow())
    with conflicts(f"user {username}"):
        session.flush()
    after = _snapshot(user)
    if user_in.password is not None:
        after["password"] = "(changed)"
    audit.record(session=session, actor=actor, action="user.update", entity="user",
                 entity_id=user.id, summary=username, before=before, after=after)
    return user


def set_first_admin_password(*, session: Session) -> str | None:
    """On a store without users, or whose admin has no password: give the admin a random
    one-time password, to be changed at first sign-in, and answer it (printed once by
    ``mujun serve``); None when the admin has a password already. The caller commits."""
    admin = ensure_admin(session=session)
    if admin.password_hash:
        return None
    password = one_time_password()
    admin.password_hash = hash_password(password)
    admin.must_change_password = True
    session.flush()
    audit.record(session=session, actor=None, action="user.update", entity="user",
                 entity_id=admin.id, summary="admin: one-time password set at first start",
                 after={"password": "(one-time)"})
    return password


@dataclass(frozen=True)
class NewAccount:
    user: User
    #: the random one-time password, to hand over once; None when the admin chose the password
    one_time_password: str | None


def add_account(*, session: Session, actor: User | None, user_in: UserCreate) -> NewAccount:
    """An account added by the admin (the web's 用户管理, ``mujun user add``): with a random
    one-time password unless the admin chose one; either way the user sets their own at the
    first sign-in. The caller commits."""
    user = create_user(session=session, actor=actor, user_in=user_in)
    issued = None
    if user.password_hash is None:
        issued = one_time_password()
        user.password_hash = hash_password(issued)
    user.must_change_password = True
    session.flush()
    return NewAccount(user, issued)


def reset_password(*, session: Session, actor: User | None, username: str,
                   now: datetime | None = None) -> str:
    """A new random one-time password for ``username``, answered once: the old one stops
    working, the user's sessions end and the next sign-in asks for a new password. The caller
    commits."""
    require_user_admin(actor)
    now = now or utcnow()
    user = get_user(session=session, username=username)
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    with conflicts(f"user {username}"):
        session.flush()
    web_sessions.end_user_sessions(session=session, user=user, now=now)
    audit.record(session=session, actor=actor, action="user.password_reset", entity="user",
                 entity_id=user.id, summary=f"{username}: one-time password issued", at=now,
                 after={"password": "(one-time)"})
    return password
