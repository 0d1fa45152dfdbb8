"""Password sign-in (argon2) with a lockout after repeated failures (docs/security.md, Lockout).

Each user name has a throttle row in the store. An attempt first *reserves* a check with one
conditional UPDATE (``failures < MAX_FAILURES``, or the window is over and starts again) and
commits it before the password is verified; an attempt that gets no row is refused unchecked.
The database serialises the UPDATEs (a row lock on PostgreSQL, the write lock on SQLite), so any
number of parallel attempts on any number of workers checks at most ``MAX_FAILURES`` passwords
per ``WINDOW``, and a locked name is refused even with the right password. A success clears the
count. Failures and successes are also audit records (``auth.fail`` / ``auth.login``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.services import audit, web_sessions
from mujun.services.errors import InvalidInput
from mujun.services.passwords import check_password
from mujun.services.users import hash_password, verify_password
from mujun.store.models import SignInThrottle, User
from mujun.store.models.base import UTCDateTime, utcnow

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


class Locked(InvalidInput):
    """Too many wrong passwords for this name in the window."""

    def __init__(self, until: datetime):
        super().__init__(N_("登录失败次数过多，请在 %(time)s（UTC）之后再试"),
                         time=f"{until:%H:%M}")
        self.until = until


def _reserve(session: Session, username: str, now: datetime) -> tuple[int, datetime] | None:
    """Take one check of ``username``'s window and commit it; answers (checks taken in the
    window, its start), or None when the name is locked (no check left)."""
    values = {"username": username, "failures": 0, "window_started": now}
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    session.execute(insert(SignInThrottle).values(**values)
                    .on_conflict_do_nothing(index_elements=["username"]))
    over = SignInThrottle.window_started <= now - WINDOW
    taken = session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.username == username,
               over | (SignInThrottle.failures < MAX_FAILURES))
        .values(failures=case((over, 1), else_=SignInThrottle.failures + 1),
                window_started=case((over, literal(now, UTCDateTime())),
                                    else_=SignInThrottle.window_started))
        .returning(SignInThrottle.failures, SignInThrottle.window_started)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    session.commit()
    return None if taken is None else (taken[0], taken[1])


def _clear(session: Session, username: str, now: datetime) -> None:
    session.execute(update(SignInThrottle).where(SignInThrottle.username == username)
                    .values(failures=0, window_started=now)
                    .execution_options(synchronize_session=False))


def locked_until(
    *, session: Session, username: str, now: datetime | None = None
) -> datetime | None:
    now = now or utcnow()
    row = session.get(SignInThrottle, username.strip()[:64])
    if row is None or row.failures < MAX_FAILURES or row.window_started <= now - WINDOW:
        return None
    return row.window_started + WINDOW


def sign_in(
    *, session: Session, username: str, password: str, now: datetime | None = None
) -> SignIn:
    """Check a name and password. Commits the reserved check at once (so other workers see
    it); the outcome's audit record is left to the caller to commit."""
    now = now or utcnow()
    username = username.strip()[:64]
    taken = _reserve(session, username, now)
    if taken is None:
        return SignIn(None, "locked", locked_until(session=session, username=username, now=now))
    user = session.scalar(select(User).where(User.username == username))
    good = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not user.active or not user.password_hash or not good:
        audit.record(session=session, actor=None, action="auth.fail", entity="user",
                     entity_id=username, summary="wrong name or password", at=now)
        failures, started = taken
        if failures >= MAX_FAILURES:
            return SignIn(None, "locked", started + WINDOW)
        return SignIn(None, "bad_credentials")
    _clear(session, username, now)
    audit.record(session=session, actor=user, action="auth.login", entity="user",
                 entity_id=username, summary="signed in", at=now)
    return SignIn(user, "ok")


def change_password(*, session: Session, user: User, current: str, new: str,
                    keep_session: str | None = None, now: datetime | None = None) -> User:
    """A user changes their own password: the current one must be right (checked under the
    same lockout as a sign-in), the new one must pass the policy and differ; every other
    session of the user ends (``keep_session``: the token of the session asking). The caller
    commits."""
    now = now or utcnow()
    taken = _reserve(session, user.username, now)
    if taken is None:
        raise Locked(locked_until(session=session, username=user.username, now=now) or now)
    if not verify_password(user.password_hash, current):
        audit.record(session=session, actor=user, action="auth.fail", entity="user",
                     entity_id=user.username, summary="wrong current password", at=now)
        session.commit()
        raise InvalidInput(N_("当前密码不正确"))
    _clear(session, user.username, now)
    session.commit()
    if new == current:
        raise InvalidInput(N_("新密码不能与当前密码相同"))
    check_password(new, known=(user.username, user.display_name))
    user.password_hash = hash_password(new)
    user.must_change_password = False
    session.flush()
    web_sessions.end_user_sessions(session=session, user=user, now=now, keep=keep_session)
    audit.record(session=session, actor=user, action="user.password", entity="user",
                 entity_id=user.id, summary=f"{user.username} changed their password", at=now)
    return user
