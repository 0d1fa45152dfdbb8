"""标准地 commitments and reviews added to the test county (``county.py``) for the 达产复核 tests.

The county's enterprises went into production on 2015-03-01; three parcels get commitments,
reviewed for 2021 (published at T0) and 2020 (a draft):

- 331124-T-001 (enterprise 01, 西屏街道): 6 years → due in 2021; tax 44 万元 on 9 亩 = 4.8889 < 10
  committed: a breach of (10 − 4.8889) × 9 = 45.9999 万元; energy 400 / 550 = 0.7273 > 0.1: a
  breach without money;
- 331124-T-002 (enterprise 02, 水南街道): due; tax 236.5 / 10.5 = 22.5238 ≥ 10: attained;
- 331124-T-003 (enterprise 03, 西屏街道): 8 years → 2023, not yet.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.web.county import T0

from mujun.services.land import reviews
from mujun.store.models import (
    LandReviewPenalty,
    LandReviewRow,
    Parcel,
    StandardLandCommitment,
    User,
)

PUBLISHED, DRAFT = 1, 2
#: the rows of the published review (ids in parcel order) and its one penalty
ROW_OWN, ROW_OTHER, ROW_LATER = 1, 2, 3
PENALTY = 1


def add_reviews(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        for code, years, tax, energy in (("331124-T-001", 6, 10.0, 0.1),
                                         ("331124-T-002", 6, 10.0, None),
                                         ("331124-T-003", 8, 10.0, None)):
            parcel = session.scalars(select(Parcel).where(Parcel.parcel_code == code)).one()
            parcel.standard_land = True
            session.add(StandardLandCommitment(parcel_id=parcel.id, tax_wan_per_mu=tax,
                                               energy_tce_per_wan=energy,
                                               review_after_years=years))
        session.flush()
        rec = reviews.create_review(session=session, actor=admin, year=2021,
                                    now=T0 - timedelta(days=1))
        reviews.publish_review(session=session, actor=admin, review_id=rec.id, now=T0)
        draft = reviews.create_review(session=session, actor=admin, year=2020, now=T0)
        assert (rec.id, draft.id) == (PUBLISHED, DRAFT)
        ids = session.scalars(select(LandReviewRow.id).where(LandReviewRow.review_id == rec.id)
                              .order_by(LandReviewRow.row_no)).all()
        assert ids == [ROW_OWN, ROW_OTHER, ROW_LATER]
        assert session.scalars(select(LandReviewPenalty.id).where(
            LandReviewPenalty.review_id == rec.id)).all() == [PENALTY]
        session.commit()
