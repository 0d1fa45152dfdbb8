"""Users (platform.md, Roles); their roles are ``mujun.store.roles``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, false
from sqlalchemy.orm import Mapped, mapped_column

from mujun.store.models.base import Base, Versioned, utcnow


class User(Versioned, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(16))
    town: Mapped[str | None] = mapped_column(String(64))
    park: Mapped[str | None] = mapped_column(String(64))
    uscc: Mapped[str | None] = mapped_column(String(18))
    #: a leader's role title (e.g. 县长): the projects whose ``lead`` it is are "my projects"
    lead_title: Mapped[str | None] = mapped_column(String(64))
    #: argon2 hash (the web issue signs users in); None = cannot sign in
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    #: a one-time password (the first admin's): the web lets the user only change it
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
