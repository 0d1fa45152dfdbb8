"""Evaluation runs (评价), their frozen inputs and results, and appeals (platform.md module 4)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from mujun.engine.policy import PolicyError, load_policy_text
from mujun.store.models.base import Base, Versioned, utcnow


class RunStatus(StrEnum):
    DRAFT = "draft"
    NOTICE = "notice"  # 公示
    FINAL = "final"
    #: was in notice when a corrected version of it was published
    SUPERSEDED = "superseded"


def run_title(year: int, run_version: int, policy_title: str, lang: str = "zh") -> str:
    """How a run is named for people, everywhere it is labelled: "2025 年度 第 1 版 · 松阳县…办法"
    (the short label ``2025-v1`` is :attr:`Run.label`)."""
    if lang == "en":
        return f"{year} run {run_version} · {policy_title}"
    return f"{year} 年度 第 {run_version} 版 · {policy_title}"


@lru_cache(maxsize=256)
def frozen_title(policy_hash: str, text: str, name: str) -> str:
    """The title of a run's frozen policy (the same hash, the same title: cached by it)."""
    try:
        return load_policy_text(text, name).policy.title or name
    except PolicyError:  # a run always freezes a valid policy; its name says enough otherwise
        return name


class AppealStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Run(Versioned, Base):
    """A year + a policy + a frozen snapshot; results never change once published."""

    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("year", "run_version"),
        #: at most one run of a year in public notice (docs/store.md)
        Index("uq_runs_year_in_notice", "year", unique=True,
              sqlite_where=text("status = 'notice'"), postgresql_where=text("status = 'notice'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    #: 1, 2, … within the year
    run_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.DRAFT)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    policy_name: Mapped[str] = mapped_column(String(200))
    policy_text: Mapped[str] = mapped_column(Text)
    policy_hash: Mapped[str] = mapped_column(String(64))
    engine_version: Mapped[str] = mapped_column(String(32))
    #: the canonical enterprise table and the incidents, as Parquet
    enterprises_parquet: Mapped[bytes] = mapped_column(LargeBinary)
    incidents_parquet: Mapped[bytes] = mapped_column(LargeBinary)
    #: sha256 over the snapshot's content (both tables), see services.snapshot
    snapshot_hash: Mapped[str] = mapped_column(String(64))
    #: sha256 over the stored result rows
    results_hash: Mapped[str] = mapped_column(String(64))
    n_results: Mapped[int]
    #: the county-level figures of the year when the run was created (name → value, e.g. 工业投资)
    county_figures: Mapped[dict[str, Any] | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    notice_until: Mapped[datetime | None]
    finalized_at: Mapped[datetime | None]

    supersedes: Mapped[Run | None] = relationship(remote_side=[id])

    @property
    def label(self) -> str:
        return f"{self.year}-v{self.run_version}"

    @property
    def policy_title(self) -> str:
        return frozen_title(self.policy_hash, self.policy_text, self.policy_name)

    @property
    def title(self) -> str:
        return run_title(self.year, self.run_version, self.policy_title)

    @property
    def title_en(self) -> str:
        return run_title(self.year, self.run_version, self.policy_title, "en")


class RunResult(Base):
    """One output row of spec §8; ``row`` holds every column exactly as the engine produced it."""

    __tablename__ = "run_results"
    __table_args__ = (
        UniqueConstraint("run_id", "row_no"),
        Index("ix_run_results_run_uscc", "run_id", "uscc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    row_no: Mapped[int]
    uscc: Mapped[str] = mapped_column(String(18))
    name: Mapped[str | None] = mapped_column(String(200))
    group: Mapped[str | None] = mapped_column(String(8))
    exempt_reason: Mapped[str | None] = mapped_column(String(32))
    vetoed: Mapped[bool | None]
    score: Mapped[float | None]
    rank: Mapped[int | None]
    class_: Mapped[str | None] = mapped_column("class", String(1))
    low_efficiency: Mapped[bool | None]
    #: the town and industry of the run's snapshot (the registry may change afterwards)
    town: Mapped[str | None] = mapped_column(String(64))
    industry_code: Mapped[str | None] = mapped_column(String(8))
    row: Mapped[dict[str, Any]]
    explanation: Mapped[dict[str, Any]]


class Appeal(Versioned, Base):
    """申诉: an enterprise's objection during public notice, and the admin's decision."""

    __tablename__ = "appeals"
    __table_args__ = (
        #: one open (pending) appeal per enterprise and run (docs/store.md)
        Index("uq_appeals_open_per_run", "run_id", "uscc", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    uscc: Mapped[str] = mapped_column(String(18))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default=AppealStatus.PENDING)
    note: Mapped[str | None] = mapped_column(Text)
    #: field → corrected value applied when accepted
    corrections: Mapped[dict[str, Any] | None]
    #: the run version created from the corrected data
    new_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# --- published runs never change ----------------------------------------------------------------

#: what a run freezes when it is created; only ``status`` and the stage dates move afterwards
FROZEN_RUN_COLUMNS = frozenset({
    "year", "run_version", "supersedes_id", "policy_name", "policy_text", "policy_hash",
    "engine_version", "enterprises_parquet", "incidents_parquet", "snapshot_hash", "results_hash",
    "n_results", "county_figures", "created_at", "created_by_id",
})


class FrozenRunError(Exception):
    """An attempt to change or delete a published (公示) or final run or its results."""


def _stored_status(run: Run) -> str:
    history = inspect(run).attrs.status.history
    return str(history.deleted[0]) if history.deleted else str(run.status)


@event.listens_for(Session, "before_flush")
def _published_runs_never_change(session: Session, _context: object, _instances: object) -> None:
    with session.no_autoflush:
        for obj in session.dirty:
            if isinstance(obj, Run) and _stored_status(obj) != RunStatus.DRAFT:
                state = inspect(obj)
                changed = {a.key for a in state.attrs if a.history.has_changes()}
                if changed & FROZEN_RUN_COLUMNS:
                    raise FrozenRunError(f"run {obj.label} is {_stored_status(obj)}; its inputs, "
                                         f"policy and results never change")
            elif isinstance(obj, RunResult) and session.is_modified(obj):
                _refuse_if_published(session, obj.run_id, "changed")
        for obj in session.deleted:
            if isinstance(obj, Run) and _stored_status(obj) != RunStatus.DRAFT:
                raise FrozenRunError(f"run {obj.label} is {_stored_status(obj)}; it is never "
                                     "deleted")
            if isinstance(obj, RunResult):
                _refuse_if_published(session, obj.run_id, "deleted")


def _refuse_if_published(session: Session, run_id: int, what: str) -> None:
    run = session.get(Run, run_id)
    if run is not None and _stored_status(run) != RunStatus.DRAFT:
        raise FrozenRunError(f"the results of run {run.label} ({run.status}) are never {what}")
