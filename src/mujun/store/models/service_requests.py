"""三服务2.0 requests (企业诉求, platform.md module 7; docs/programmes.md).

An enterprise submits a request; the responsible department accepts it (办理中), notes its handling
and closes it with a reply (办结); afterwards the enterprise rates it 1–10 once.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mujun.store.models.base import Base, Versioned, utcnow


class RequestStatus(StrEnum):
    SUBMITTED = "submitted"  # 诉求
    IN_PROGRESS = "in_progress"  # 办理中
    CLOSED = "closed"  # 办结


class ServiceRequest(Versioned, Base):
    __tablename__ = "service_requests"
    __table_args__ = (
        CheckConstraint("satisfaction BETWEEN 1 AND 10", name="satisfaction_1_to_10"),
        Index("ix_service_requests_department_status", "department", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the request's number shown to everyone, e.g. SF2025-0042
    request_no: Mapped[str] = mapped_column(String(32), unique=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    category: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    #: the responsible department's code (services/departments.py)
    department: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.SUBMITTED)
    submitted_on: Mapped[date]
    due_on: Mapped[date]
    #: the day the department accepted it (办理中)
    accepted_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    #: the department's handling notes: [{"on": "2025-03-02", "by": "clerk-land", "text": "…"}]
    notes: Mapped[list[Any]] = mapped_column(default=list)
    #: the closing reply to the enterprise
    reply: Mapped[str | None] = mapped_column(Text)
    #: 1–10, given by the enterprise once after closing; None = not rated
    satisfaction: Mapped[int | None]
    rated_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
