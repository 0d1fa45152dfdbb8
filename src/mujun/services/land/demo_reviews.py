"""The demo county's 达产复核: the published reviews of 2024 and 2025, a few penalties collected,
one waived with a reason and one owner's answer (docs/demo-data.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.services.land import reviews
from mujun.store.models import LandReviewPenalty, LandReviewRow, User

#: when the demo's reviews are published (the 2025 one a few days before the demo's "now")
PUBLISHED_2024 = datetime(2025, 5, 6, tzinfo=UTC)
WAIVE_REASON = "经县政府专题会议研究，受上游原料限产影响，本年度亩均税收未达承诺，予以免除。"
ANSWER = ("本企业二期厂房已于今年竣工，投资将在明年计入；承诺的亩均税收预计明年达到，"
          "请予以考虑。")


def load_demo_reviews(*, session: Session, actor: User | None, now: datetime) -> None:
    published = {2024: PUBLISHED_2024, 2025: now - timedelta(days=3)}
    for year, at in published.items():
        rec = reviews.create_review(session=session, actor=actor, year=year,
                                    now=at - timedelta(days=2))
        reviews.publish_review(session=session, actor=actor, review_id=rec.id, now=at)
        if year == 2024:
            _decide(session, actor, rec.id, at)


def _decide(session: Session, actor: User | None, review_id: int, at: datetime) -> None:
    """An owner's answer within the deadline; after it, three penalties collected and one
    waived."""
    rows = session.scalars(select(LandReviewRow).where(
        LandReviewRow.review_id == review_id, LandReviewRow.breaches.is_not(None))
        .order_by(LandReviewRow.row_no)).all()
    if rows:
        reviews.answer_row(session=session, actor=None, row_id=rows[0].id, text=ANSWER,
                           now=at + timedelta(days=5))
    pending = session.scalars(select(LandReviewPenalty).where(
        LandReviewPenalty.review_id == review_id).order_by(LandReviewPenalty.id)).all()
    later = at + timedelta(days=40)
    for i, penalty in enumerate(pending[:4]):
        reviews.decide_penalty(session=session, actor=actor, penalty_id=penalty.id,
                               collected=i < 3, reason="" if i < 3 else WAIVE_REASON,
                               now=later + timedelta(days=i))
