"""Users, roles and what a role may do."""

from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.services import audit, web_sessions
from mujun.services.errors import InvalidInput, NotFound, PermissionDenied
from mujun.services.locking import check_version, conflicts
from mujun.services.passwords import check_password, one_time_password
from mujun.services.schemas import UserCreate, UserPublic, UserUpdate
from mujun.store.models import Role, User
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
    require_admin(actor)
    if session.scalar(select(User.id).where(User.username == user_in.username)) is not None:
        raise InvalidInput(f"user {user_in.username!r} exists already")
    if user_in.password is not None:
        check_password(user_in.password, known=(user_in.username, user_in.display_name))
    data = user_in.model_dump(exclude={"password"})
    user = User(**data, password_hash=hash_password(user_in.password) if user_in.password else None)
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
    require_admin(actor)
    user = get_user(session=session, username=username)
    check_version(user, expected_version, f"user {username}")
    before = _snapshot(user)
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
    UserCreate.model_validate({k: v for k, v in _snapshot(user).items()
                               if k in UserCreate.model_fields and k != "password"})
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
