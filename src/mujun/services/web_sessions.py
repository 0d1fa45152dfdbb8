"""Server-side sign-in sessions (docs/security.md, Sessions).

The client holds a random token (in the signed session cookie, or any client's cookie jar);
the store keeps its SHA-256, the user, and three times: a session ends when it is revoked
(sign-out, a password change, an admin setting the password), when it has been idle for
``idle``, or at its absolute expiry, which no activity extends. Every worker reads the same
rows, so several workers behind a load balancer share the sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from mujun.store.models import User, WebSession

#: ``last_seen_at`` is written at most this often (a read-only page then costs no write)
TOUCH_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(*, session: Session, user: User, now: datetime, lifetime: timedelta) -> str:
    """A new session of ``user``; answers the token for the client (the caller commits). The
    user's sessions past their absolute expiry are deleted on the way."""
    session.execute(delete(WebSession)
                    .where(WebSession.user_id == user.id, WebSession.expires_at <= now)
                    .execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_digest(token), user_id=user.id, created_at=now,
                           last_seen_at=now, expires_at=now + lifetime))
    session.flush()
    return token


def session_user(*, session: Session, token: str, now: datetime,
                 idle: timedelta) -> User | None:
    """The active user of a live session, or None (unknown, revoked, idle, expired, or the user
    deactivated); marks the session as seen now (committed at once when written)."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
    if (row is None or row.revoked_at is not None or now >= row.expires_at
            or now - row.last_seen_at >= idle):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.commit()
    return user


def end_session(*, session: Session, token: str, now: datetime) -> None:
    """Sign-out: the token no longer opens anything (the caller commits)."""
    session.execute(update(WebSession)
                    .where(WebSession.token_hash == _digest(token), WebSession.revoked_at.is_(None))
                    .values(revoked_at=now).execution_options(synchronize_session=False))


def end_user_sessions(*, session: Session, user: User, now: datetime,
                      keep: str | None = None) -> int:
    """End every live session of ``user`` except the one of token ``keep``; answers how many."""
    query = (update(WebSession)
             .where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
             .values(revoked_at=now).execution_options(synchronize_session=False))
    if keep is not None:
        query = query.where(WebSession.token_hash != _digest(keep))
    result: CursorResult[Any] = session.execute(query)  # type: ignore[assignment]
    return result.rowcount or 0
