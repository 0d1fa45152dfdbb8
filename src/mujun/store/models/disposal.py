"""腾笼换鸟 disposal cases (处置项目, land.md §4) and their dated progress notes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mujun.store.models.base import Base, Versioned, utcnow


class Method(StrEnum):
    UPGRADE = "upgrade"  # 提升改造
    MERGER = "merger"  # 兼并重组
    RECLAIM = "reclaim"  # 收回
    TRANSFER = "transfer"  # 协议转让
    EXIT = "exit"  # 退二优二 (relocated out of industry)


class Stage(StrEnum):
    OPENED = "opened"  # 立案
    IN_PROGRESS = "in_progress"  # 整治中
    COMPLETED = "completed"  # 办结
    CANCELLED = "cancelled"  # 撤销 (with a reason)


#: the stages of a case still being worked on (one such case per enterprise or parcel)
OPEN_STAGES = (Stage.OPENED, Stage.IN_PROGRESS)
_OPEN = text("stage IN ('opened', 'in_progress')")


class DisposalCase(Versioned, Base):
    """One case on one enterprise or one parcel of year ``year``'s candidate list.

    A completed case is never edited: a correction is a new case naming it (``corrects_case_id``),
    and the corrected case no longer counts.
    """

    __tablename__ = "disposal_cases"
    __table_args__ = (
        CheckConstraint("(enterprise_id IS NULL) <> (parcel_id IS NULL)", name="one_subject"),
        CheckConstraint("area_mu > 0", name="area_positive"),
        #: one open case per enterprise and per parcel (docs/land.md, "处置项目")
        Index("uq_disposal_cases_open_enterprise", "enterprise_id", unique=True,
              sqlite_where=_OPEN, postgresql_where=_OPEN),
        Index("uq_disposal_cases_open_parcel", "parcel_id", unique=True,
              sqlite_where=_OPEN, postgresql_where=_OPEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the year of the candidate list the case was opened from
    year: Mapped[int] = mapped_column(index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcels.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the town and park the case belongs to (its subject's); officers see their own only
    town: Mapped[str | None] = mapped_column(String(64), index=True)
    park: Mapped[str | None] = mapped_column(String(64), index=True)
    target_date: Mapped[date]
    #: the area concerned (亩); when completed, the area optimised (land.md §4 sums it)
    area_mu: Mapped[float]
    stage: Mapped[str] = mapped_column(String(16), default=Stage.OPENED, index=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    completed_on: Mapped[date | None]
    corrects_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("disposal_cases.id"), unique=True)
    #: why the case was opened, or what a correction corrects
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    notes: Mapped[list[CaseNote]] = relationship(
        back_populates="case", cascade="all, delete-orphan",
        order_by="(CaseNote.on, CaseNote.id)")


class CaseNote(Base):
    """A dated progress note (进展记录) of a case; notes are only ever added."""

    __tablename__ = "disposal_case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("disposal_cases.id", ondelete="CASCADE"), index=True)
    #: the day the progress happened (not the day it was written down)
    on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[DisposalCase] = relationship(back_populates="notes")
