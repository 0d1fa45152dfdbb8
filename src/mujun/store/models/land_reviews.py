"""标准地 达产复核 in the store: the yearly review of standard-land commitments, frozen like a run.

A review freezes its year, its policy (the ``land:`` section applies) and its inputs — the
commitments, the parcels' needed fields, the owners' year-Y enterprise rows and the projects'
investment per parcel — each with its hash, and stores one row per commitment (land.md §3). Once
published it is never edited: a correction is a new version of the year's review. Each breach with
a penalty gets a collection record (pending → collected or waived); the owner may answer (申辩/说明)
each of its rows once before the answer deadline (docs/land.md, "达产复核 in the store").
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event, inspect, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from mujun.store.models.base import Base, Versioned, utcnow
from mujun.store.models.runs import frozen_title


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    #: was published when a corrected version of it was published
    SUPERSEDED = "superseded"


class PenaltyStatus(StrEnum):
    PENDING = "pending"
    COLLECTED = "collected"
    WAIVED = "waived"


class LandReview(Versioned, Base):
    """One year's 达产复核: a policy + frozen inputs; rows never change once published."""

    __tablename__ = "land_reviews"
    __table_args__ = (
        UniqueConstraint("year", "review_version"),
        #: at most one published review of a year
        Index("uq_land_reviews_year_published", "year", unique=True,
              sqlite_where=text("status = 'published'"),
              postgresql_where=text("status = 'published'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    #: 1, 2, … within the year
    review_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.DRAFT)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("land_reviews.id"))
    policy_name: Mapped[str] = mapped_column(String(200))
    policy_text: Mapped[str] = mapped_column(Text)
    policy_hash: Mapped[str] = mapped_column(String(64))
    engine_version: Mapped[str] = mapped_column(String(32))
    #: the frozen inputs as plain records (services.land.review_inputs) and the hash of each
    commitments: Mapped[list[Any]]
    parcels: Mapped[list[Any]]
    enterprises: Mapped[list[Any]]
    projects: Mapped[list[Any]]
    inputs_hash: Mapped[str] = mapped_column(String(64))
    input_hashes: Mapped[dict[str, Any]]
    #: sha256 over the stored rows
    rows_hash: Mapped[str] = mapped_column(String(64))
    n_rows: Mapped[int]
    n_due: Mapped[int]
    n_breaches: Mapped[int]
    total_penalty_wan: Mapped[float]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    #: the owners may answer until then (publication + ANSWER_DAYS, services.land.reviews)
    answer_until: Mapped[datetime | None]

    @property
    def label(self) -> str:
        return f"{self.year}-v{self.review_version}"

    @property
    def policy_title(self) -> str:
        return frozen_title(self.policy_hash, self.policy_text, self.policy_name)


class LandReviewRow(Base):
    """One commitment's row of land.md §3; ``row`` holds every column as the rule produced it."""

    __tablename__ = "land_review_rows"
    __table_args__ = (
        UniqueConstraint("review_id", "row_no"),
        Index("ix_land_review_rows_review_uscc", "review_id", "uscc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("land_reviews.id", ondelete="CASCADE"))
    row_no: Mapped[int]
    parcel_code: Mapped[str] = mapped_column(String(64), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18))
    name: Mapped[str | None] = mapped_column(String(200))
    #: the parcel's zone and town as frozen (officers see their own)
    zone: Mapped[str | None] = mapped_column(String(64))
    town: Mapped[str | None] = mapped_column(String(64))
    review_status: Mapped[str] = mapped_column(String(16))
    breaches: Mapped[str | None] = mapped_column(String(200))
    total_penalty_wan: Mapped[float | None]
    row: Mapped[dict[str, Any]]


class LandReviewPenalty(Versioned, Base):
    """The collection of one breach's penalty (违约金): pending → collected or waived (reason)."""

    __tablename__ = "land_review_penalties"
    __table_args__ = (UniqueConstraint("row_id", "measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("land_reviews.id", ondelete="CASCADE"),
                                           index=True)
    row_id: Mapped[int] = mapped_column(ForeignKey("land_review_rows.id", ondelete="CASCADE"))
    measure: Mapped[str] = mapped_column(String(32))
    amount_wan: Mapped[float]
    status: Mapped[str] = mapped_column(String(16), default=PenaltyStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class LandReviewAnswer(Base):
    """The owner's answer (申辩/说明) to one review row: once, before the deadline."""

    __tablename__ = "land_review_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    row_id: Mapped[int] = mapped_column(ForeignKey("land_review_rows.id", ondelete="CASCADE"),
                                        unique=True)
    uscc: Mapped[str] = mapped_column(String(18))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# --- published reviews never change -------------------------------------------------------------

#: what a review freezes when it is created; only ``status`` and the stage dates move afterwards
FROZEN_REVIEW_COLUMNS = frozenset({
    "year", "review_version", "supersedes_id", "policy_name", "policy_text", "policy_hash",
    "engine_version", "commitments", "parcels", "enterprises", "projects", "inputs_hash",
    "input_hashes", "rows_hash", "n_rows", "n_due", "n_breaches", "total_penalty_wan",
    "created_at", "created_by_id",
})


class FrozenReviewError(Exception):
    """An attempt to change or delete a published review, its rows or a penalty's amount."""


def _stored_status(review: LandReview) -> str:
    history = inspect(review).attrs.status.history
    return str(history.deleted[0]) if history.deleted else str(review.status)


def _refuse_if_published(session: Session, review_id: int, what: str) -> None:
    review = session.get(LandReview, review_id)
    if review is not None and _stored_status(review) != ReviewStatus.DRAFT:
        raise FrozenReviewError(f"the rows of land review {review.label} ({review.status}) "
                                f"are never {what}")


@event.listens_for(Session, "before_flush")
def _published_reviews_never_change(session: Session, _context: object,
                                    _instances: object) -> None:
    with session.no_autoflush:
        for obj in session.dirty:
            if isinstance(obj, LandReview) and _stored_status(obj) != ReviewStatus.DRAFT:
                state = inspect(obj)
                changed = {a.key for a in state.attrs if a.history.has_changes()}
                if changed & FROZEN_REVIEW_COLUMNS:
                    raise FrozenReviewError(f"land review {obj.label} is {_stored_status(obj)}; "
                                            "its inputs, policy and rows never change")
            elif isinstance(obj, LandReviewRow) and session.is_modified(obj):
                _refuse_if_published(session, obj.review_id, "changed")
            elif isinstance(obj, LandReviewPenalty):
                state = inspect(obj)
                if any(state.attrs[k].history.has_changes()
                       for k in ("review_id", "row_id", "measure", "amount_wan")):
                    raise FrozenReviewError("a penalty's amount and measure never change")
        for obj in session.deleted:
            if isinstance(obj, LandReview) and _stored_status(obj) != ReviewStatus.DRAFT:
                raise FrozenReviewError(f"land review {obj.label} is {_stored_status(obj)}; "
                                        "it is never deleted")
            if isinstance(obj, LandReviewRow):
                _refuse_if_published(session, obj.review_id, "deleted")
