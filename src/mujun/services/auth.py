"""Password sign-in (argon2) with a lockout after repeated failures.

Failures and successes are audit records (``auth.fail`` / ``auth.login``), so the lockout holds
across several web workers and restarts without any state in the process: a name with
``MAX_FAILURES`` failures within ``WINDOW`` since its last success is refused until the newest
failure is ``WINDOW`` old. A locked account is refused even with the right password.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.services import audit
from mujun.services.users import hash_password, verify_password
from mujun.store.models import AuditRecord, User
from mujun.store.models.base import utcnow

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
#: verified against when the name is unknown, so an unknown name costs the same time
_DUMMY_HASH = hash_password("not-a-password-of-anyone")


@dataclass(frozen=True)
class SignIn:
    user: User | None
    #: ``ok``, ``bad_credentials`` or ``locked``
    outcome: str
    locked_until: datetime | None = None


def _failures_since_success(
    session: Session, username: str, now: datetime
) -> tuple[int, datetime | None]:
    last_ok = session.scalar(
        select(func.max(AuditRecord.id)).where(
            AuditRecord.action == "auth.login", AuditRecord.entity_id == username
        )
    )
    query = select(func.count(), func.max(AuditRecord.at)).where(
        AuditRecord.action == "auth.fail",
        AuditRecord.entity_id == username,
        AuditRecord.at > now - WINDOW,
    )
    if last_ok is not None:
        query = query.where(AuditRecord.id > last_ok)
    count, newest = session.execute(query).one()
    return int(count), newest


def locked_until(
    *, session: Session, username: str, now: datetime | None = None
) -> datetime | None:
    now = now or utcnow()
    count, newest = _failures_since_success(session, username, now)
    if count >= MAX_FAILURES and newest is not None:
        return newest + WINDOW
    return None


def sign_in(
    *, session: Session, username: str, password: str, now: datetime | None = None
) -> SignIn:
    """Check a name and password; records the attempt (the caller commits)."""
    now = now or utcnow()
    username = username.strip()[:64]
    until = locked_until(session=session, username=username, now=now)
    if until is not None:
        return SignIn(None, "locked", until)
    user = session.scalar(select(User).where(User.username == username))
    good = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not user.active or not user.password_hash or not good:
        audit.record(session=session, actor=None, action="auth.fail", entity="user",
                     entity_id=username, summary="wrong name or password", at=now)
        session.flush()
        until = locked_until(session=session, username=username, now=now)
        return SignIn(None, "locked" if until else "bad_credentials", until)
    audit.record(session=session, actor=user, action="auth.login", entity="user",
                 entity_id=username, summary="signed in", at=now)
    return SignIn(user, "ok")


def session_tag(user: User) -> str:
    """Kept in the session cookie: a new password (or none) ends the user's other sessions."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def user_by_id(*, session: Session, user_id: int) -> User | None:
    """The active user of a session cookie, or None (removed or deactivated since)."""
    user = session.get(User, user_id)
    return user if user is not None and user.active else None
