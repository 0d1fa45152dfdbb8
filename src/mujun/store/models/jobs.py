"""Background jobs: imports and run creation, executed off the request path (docs/security.md).

A job is queued by the web, claimed by a worker process, which writes its progress and then its
result to the record. The upload of an import waits in ``payload`` (so any worker process, on any
machine sharing the store, may run it) and is dropped when the job ends; a rejected file's
complete error report stays in ``report``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, column_property, mapped_column

from mujun.store.models.base import Base, utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_owner", "status", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``import``, ``run.create``, ``appeal.accept``
    kind: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    #: 0 … 1
    progress: Mapped[float] = mapped_column(default=0.0)
    #: the current phase, or why the job failed
    message: Mapped[str] = mapped_column(String(500), default="")
    #: what the job was asked (department, year, the upload's display name …)
    params: Mapped[dict[str, Any]]
    #: the summary a user reads (an import's report with its first problems, the new run …)
    result: Mapped[dict[str, Any] | None]
    #: the upload (up to 64 MB) and the report are loaded only when read, not with the job
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: the complete error report (.xlsx) of an import with problems
    report: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    has_report: Mapped[bool] = column_property(report.column.is_not(None))  # type: ignore[attr-defined]
    #: ``host:pid`` of the worker process running it
    worker: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
