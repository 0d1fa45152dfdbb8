"""The 达产复核 pages' lists: the reviews, one review's rows, one row with its penalties and
answer. Each list filters, sorts and pages through ``list_query`` within the user's reach
(``review_access``); the counts and sums are those of the rows the user sees."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.engine.land import MEASURES
from mujun.services.land import review_access
from mujun.services.list_query import ListQuery, Option, Page, list_rows, options, page_fields
from mujun.store.models import LandReview, LandReviewAnswer, LandReviewPenalty, LandReviewRow, User
from mujun.store.models.land_reviews import ReviewStatus

Measure = Literal["investment_intensity", "plot_ratio", "tax_per_mu", "energy_per_va"]


class ReviewQuery(ListQuery):
    SORTS: ClassVar[tuple[str, ...]] = ("year", "status", "breaches", "penalty")
    DEFAULT_SORT: ClassVar[str] = "-year"

    year: int | None = Field(default=None, ge=1990, le=2100)
    status: Literal["draft", "published", "superseded"] | None = None


class ReviewSummary(BaseModel):
    id: int
    label: str
    year: int
    review_version: int
    status: str
    policy_name: str
    policy_title: str
    published_at: datetime | None
    answer_until: datetime | None
    #: of the rows the user sees
    n_rows: int
    n_due: int
    n_breaches: int
    total_penalty_wan: float


class RowQuery(ListQuery):
    SORTS: ClassVar[tuple[str, ...]] = ("parcel", "name", "zone", "review_status", "penalty")
    DEFAULT_SORT: ClassVar[str] = "parcel"

    review_status: Literal["due", "not_yet", "past", "unknown"] | None = None
    breach: Measure | None = Field(default=None, description="rows with a breach of this measure")
    zone: str | None = Field(default=None, max_length=64)


class MeasureCell(BaseModel):
    measure: str
    committed: float | None
    actual: float | None
    status: str | None
    penalty_wan: float | None


class RowItem(BaseModel):
    id: int
    parcel_code: str
    uscc: str | None
    name: str | None
    zone: str | None
    town: str | None
    review_year: int | None
    review_status: str
    measures: list[MeasureCell]
    total_penalty_wan: float | None
    breaches: list[str]
    answered: bool


class RowTotals(BaseModel):
    count: int
    due: int
    breaches: int
    penalty_wan: float


class ReviewDetail(Page[RowItem]):
    review: ReviewSummary
    supersedes: str | None
    #: over every row the filters select
    totals: RowTotals
    zones: list[Option]
    now_answerable: bool


class PenaltyItem(BaseModel):
    id: int
    measure: str
    amount_wan: float
    status: str
    reason: str | None
    decided_at: datetime | None


class AnswerItem(BaseModel):
    text: str
    created_at: datetime


class RowDetail(BaseModel):
    review: ReviewSummary
    row: RowItem
    penalties: list[PenaltyItem]
    answer: AnswerItem | None
    #: the user is the owner, the review is published, the deadline not passed, no answer yet
    may_answer: bool
    penalty_note: str | None


def _summary(rec: LandReview, rows: list[LandReviewRow]) -> ReviewSummary:
    due = [r for r in rows if r.review_status == "due"]
    return ReviewSummary(
        id=rec.id, label=rec.label, year=rec.year, review_version=rec.review_version,
        status=str(rec.status), policy_name=rec.policy_name,
        policy_title=rec.policy_title, published_at=rec.published_at,
        answer_until=rec.answer_until, n_rows=len(rows), n_due=len(due),
        n_breaches=sum(1 for r in due if r.breaches),
        total_penalty_wan=round(sum(r.total_penalty_wan or 0.0 for r in due), 4))


def _visible_rows(session: Session, user: User, review_id: int) -> list[LandReviewRow]:
    return list(session.scalars(select(LandReviewRow).where(
        LandReviewRow.review_id == review_id, review_access.row_scope(user))
        .order_by(LandReviewRow.row_no)))


_REVIEW_KEYS: dict[str, Any] = {
    "year": lambda s: (s.year, s.review_version),
    "status": lambda s: s.status,
    "breaches": lambda s: s.n_breaches,
    "penalty": lambda s: s.total_penalty_wan,
}


def reviews(*, session: Session, actor: User, filters: ReviewQuery | None = None,
            paged: bool = True) -> Page[ReviewSummary]:
    review_access.require_view(actor)
    f = filters or ReviewQuery()
    query = select(LandReview).where(review_access.review_scope(actor))
    if f.year:
        query = query.where(LandReview.year == f.year)
    if f.status:
        query = query.where(LandReview.status == f.status)
    found = [_summary(r, _visible_rows(session, actor, r.id))
             for r in session.scalars(query.order_by(LandReview.year, LandReview.review_version))]
    if not review_access.sees_every_row(actor):
        # an officer or an enterprise sees its own rows: a review without any is not its own
        found = [s for s in found if s.n_rows]
    total, items = list_rows(found, f, _REVIEW_KEYS, paged=paged)
    return Page[ReviewSummary](items=items, **page_fields(f, total, paged))


def review_years(session: Session, actor: User) -> list[int]:
    return sorted(set(session.scalars(select(LandReview.year)
                                      .where(review_access.review_scope(actor)))))


def _item(row: LandReviewRow, answered: bool) -> RowItem:
    r = row.row
    return RowItem(
        id=row.id, parcel_code=row.parcel_code, uscc=row.uscc, name=row.name, zone=row.zone,
        town=row.town, review_year=r.get("review_year"), review_status=row.review_status,
        measures=[MeasureCell(measure=m, committed=r.get(f"committed_{m}"),
                              actual=r.get(f"actual_{m}"), status=r.get(f"status_{m}"),
                              penalty_wan=r.get(f"penalty_{m}")) for m in MEASURES],
        total_penalty_wan=row.total_penalty_wan,
        breaches=row.breaches.split(";") if row.breaches else [], answered=answered)


_ROW_KEYS: dict[str, Any] = {
    "parcel": lambda r: r.parcel_code,
    "name": lambda r: r.name,
    "zone": lambda r: r.zone,
    "review_status": lambda r: r.review_status,
    "penalty": lambda r: r.total_penalty_wan,
}


def review_detail(*, session: Session, actor: User, review_id: int, now: datetime,
                  filters: RowQuery | None = None, paged: bool = True) -> ReviewDetail:
    rec = review_access.visible_review(session=session, user=actor, review_id=review_id)
    f = filters or RowQuery()
    rows = _visible_rows(session, actor, rec.id)
    answered = set(session.scalars(select(LandReviewAnswer.row_id).join(LandReviewRow).where(
        LandReviewRow.review_id == rec.id)))
    chosen = [_item(r, r.id in answered) for r in rows
              if (not f.review_status or r.review_status == f.review_status)
              and (not f.zone or r.zone == f.zone)
              and (not f.breach or f.breach in (r.breaches or "").split(";"))]
    total, items = list_rows(chosen, f, _ROW_KEYS, paged=paged)
    due = [c for c in chosen if c.review_status == "due"]
    supersedes = session.get(LandReview, rec.supersedes_id) if rec.supersedes_id else None
    return ReviewDetail(
        review=_summary(rec, rows), supersedes=supersedes.label if supersedes else None,
        totals=RowTotals(count=len(chosen), due=len(due),
                         breaches=sum(1 for c in due if c.breaches),
                         penalty_wan=round(sum(c.total_penalty_wan or 0.0 for c in due), 4)),
        zones=options(sorted({r.zone for r in rows if r.zone})),
        now_answerable=_answerable(rec, now), items=items, **page_fields(f, total, paged))


def _answerable(rec: LandReview, now: datetime) -> bool:
    return (rec.status == ReviewStatus.PUBLISHED and rec.answer_until is not None
            and now <= rec.answer_until)


def row_detail(*, session: Session, actor: User, row_id: int, now: datetime) -> RowDetail:
    row = review_access.visible_row(session=session, user=actor, row_id=row_id)
    rec = session.get_one(LandReview, row.review_id)
    answer = session.scalar(select(LandReviewAnswer).where(LandReviewAnswer.row_id == row.id))
    penalties = session.scalars(select(LandReviewPenalty).where(LandReviewPenalty.row_id == row.id)
                                .order_by(LandReviewPenalty.id))
    owner = actor.role == "enterprise" and actor.uscc is not None and actor.uscc == row.uscc
    note = next((c.get("penalty_note") for c in rec.commitments
                 if c.get("parcel_id") == row.parcel_code), None)
    return RowDetail(
        review=_summary(rec, _visible_rows(session, actor, rec.id)),
        row=_item(row, answer is not None),
        penalties=[PenaltyItem(id=p.id, measure=p.measure, amount_wan=p.amount_wan,
                               status=str(p.status), reason=p.reason, decided_at=p.decided_at)
                   for p in penalties],
        answer=AnswerItem(text=answer.text, created_at=answer.created_at) if answer else None,
        may_answer=owner and answer is None and _answerable(rec, now), penalty_note=note)
