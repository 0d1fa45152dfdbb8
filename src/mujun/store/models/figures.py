"""Annual figures with provenance, department imports and incidents (platform.md module 3).

A figure is one value of one canonical field (evaluation.md §1) for one enterprise and year, with
the department that owns it and the import (or edit) that last set it. Numbers live in ``value_num``
(in the canonical unit, money in 万元); strings, booleans (``true``/``false``) and dates (ISO) in
``value_text``. Every change of a value is kept in ``figure_changes``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mujun.store.models.base import Base, Versioned, utcnow


class ImportBatch(Base):
    """One applied department file (a file that changed nothing leaves no batch)."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(String(16))
    year: Mapped[int]
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int]
    inserted: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    enterprises_created: Mapped[int] = mapped_column(default=0)
    incidents_added: Mapped[int] = mapped_column(default=0)
    incidents_removed: Mapped[int] = mapped_column(default=0)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Figure(Versioned, Base):
    __tablename__ = "figures"
    # One index only (besides the key): every extra index costs seconds on a 100,000-row import.
    # It serves a year's figures (imports, snapshots) and an enterprise's figures of a year.
    __table_args__ = (UniqueConstraint("year", "enterprise_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    year: Mapped[int]
    field: Mapped[str] = mapped_column(String(32))
    value_num: Mapped[float | None]
    value_text: Mapped[str | None] = mapped_column(String(255))
    department: Mapped[str] = mapped_column(String(16))
    #: the import that set the value (no foreign key: on PostgreSQL each key check costs a trigger
    #: call per row, seconds on a large import; imports are never deleted)
    import_id: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FigureChange(Base):
    """A value that an import or an edit changed: before and after."""

    __tablename__ = "figure_changes"
    __table_args__ = (Index("ix_figure_changes_figure", "enterprise_id", "year", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    year: Mapped[int]
    field: Mapped[str] = mapped_column(String(32))
    old_num: Mapped[float | None]
    old_text: Mapped[str | None] = mapped_column(String(255))
    new_num: Mapped[float | None]
    new_text: Mapped[str | None] = mapped_column(String(255))
    department: Mapped[str] = mapped_column(String(16))
    #: ``import`` / ``edit`` / ``appeal`` / ``remove``
    source: Mapped[str] = mapped_column(String(16))
    #: why: given when an import's changes are accepted and when a value is removed
    reason: Mapped[str | None] = mapped_column(String(500))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Incident(Base):
    """An incident (evaluation.md §1, second table); ``id`` order is the order of the files.

    Imports only add incidents; a withdrawn one (撤销: ``withdrawn_at`` set, with the reason and
    who) stays in the store for the record and no longer counts in runs created afterwards.
    """

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_year_department", "year", "department"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    year: Mapped[int]
    type: Mapped[str] = mapped_column(String(16))
    date: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(String(500))
    department: Mapped[str] = mapped_column(String(16))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_reason: Mapped[str | None] = mapped_column(String(500))

    def key(self) -> tuple[Any, ...]:
        return (self.enterprise_id, self.year, self.type, self.date, self.note or "")
