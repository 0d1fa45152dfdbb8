"""Sign-in state kept in the store, so any web worker sees it: server-side sessions and the
per-name throttle of failed sign-ins (docs/security.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from mujun.store.models.base import Base


class WebSession(Base):
    """A signed-in browser or API client. The cookie holds a random token; only its SHA-256 is
    stored, so a copy of the store does not let anyone in."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    #: the absolute end: no activity extends it
    expires_at: Mapped[datetime]
    #: set by sign-out, a password change or an admin; a revoked session never comes back
    revoked_at: Mapped[datetime | None]


class SignInThrottle(Base):
    """Failed sign-ins of one user name in the current window. An attempt first reserves a slot
    with one conditional UPDATE (``failures < MAX``), so parallel attempts cannot check more
    wrong passwords than the limit."""

    __tablename__ = "sign_in_throttles"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started: Mapped[datetime]
