"""The county's own policies (评价办法) kept in the store: every uploaded version of a named policy,
with its text exactly as uploaded (docs/policy.md, "Policies in the store")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mujun.store.models.base import Base, utcnow
from mujun.store.models.users import User


class StoredPolicy(Base):
    """One version of a named policy; versions are never changed or deleted."""

    __tablename__ = "stored_policies"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the policy's own ``name`` (what a run or a what-if chooses)
    name: Mapped[str] = mapped_column(String(100), index=True)
    #: 1, 2, … within the name
    version: Mapped[int]
    #: the YAML exactly as uploaded, comments included
    text: Mapped[str] = mapped_column(Text)
    #: SHA-256 of the uploaded text (UTF-8), so the file can be recognised
    sha256: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of the effective policy, as recorded with a run (``engine.policy.policy_hash``)
    policy_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    #: the evaluation years it covers (``years``), ``years_to`` None = open
    years_from: Mapped[int]
    years_to: Mapped[int | None]
    filename: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    uploaded_by: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"
