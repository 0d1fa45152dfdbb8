"""One parcel's record (地块档案): the parcel with its status, owner, leases, 标准地 commitment, its
published 达产复核 rows, its disposal cases and change history — what the parcel page and
``GET /api/parcels/{code}`` show."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from mujun.services.access import Action, allowed
from mujun.services.land.case_views import CaseRow, cases_of
from mujun.services.land.parcels import (
    ParcelRow,
    land_rules,
    may_open_portrait,
    parcel_row,
    visible_parcel,
)
from mujun.services.land.review_access import may_view as may_view_reviews
from mujun.services.land.reviews import ParcelReview, reviews_for_parcel
from mujun.store.models import (
    Enterprise,
    ImportBatch,
    Lease,
    ParcelChange,
    StandardLandCommitment,
    User,
)


class OwnerPublic(BaseModel):
    uscc: str
    name: str | None
    town: str | None
    #: the owner's 亩均画像, when the viewer may open it
    portrait: bool


class LeasePublic(BaseModel):
    lessor_uscc: str | None
    lessor: str | None
    lessee_uscc: str | None
    lessee: str | None
    area_m2: float
    start_on: date | None
    end_on: date | None


class CommitmentPublic(BaseModel):
    investment_wan_per_mu: float | None
    plot_ratio: float | None
    tax_wan_per_mu: float | None
    energy_tce_per_wan: float | None
    review_after_years: int | None
    penalty: str | None


class ChangePublic(BaseModel):
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None
    import_id: int | None
    import_file: str | None
    actor: str | None
    at: datetime


class ParcelRecord(BaseModel):
    parcel: ParcelRow
    owner: OwnerPublic | None
    #: the policy's 土地闲置费 share (land.md §2), for the consequence of an idle parcel
    idle_fee_share: float
    #: GeoJSON geometry (WGS 84) or None
    geometry: dict[str, Any] | None
    #: the 自然资源 import that last set the parcel
    import_id: int | None
    import_file: str | None
    leases: list[LeasePublic]
    commitment: CommitmentPublic | None
    #: the parcel's rows of the published 达产复核
    reviews: list[ParcelReview]
    #: whether the reviews link to their rows (the roles that see 达产复核)
    review_links: bool
    #: the disposal cases (处置项目) on the parcel; None for a role that does not see cases
    cases: list[CaseRow] | None
    history: list[ChangePublic]


def parcel_record(*, session: Session, actor: User, code: str, today: date) -> ParcelRecord:
    """The record of parcel ``code`` as of ``today`` (``NotFound`` outside the actor's reach)."""
    parcel, owner = visible_parcel(session=session, actor=actor, code=code)
    row = parcel_row(session=session, actor=actor, code=code, as_of=today)
    lessor, lessee = aliased(Enterprise), aliased(Enterprise)
    leases = [
        LeasePublic(lessor_uscc=a.uscc if a else None, lessor=a.name if a else None,
                    lessee_uscc=b.uscc if b else None, lessee=b.name if b else None,
                    area_m2=lease.area_m2, start_on=lease.start_on, end_on=lease.end_on)
        for lease, a, b in session.execute(
            select(Lease, lessor, lessee)
            .outerjoin(lessor, lessor.id == Lease.lessor_id)
            .outerjoin(lessee, lessee.id == Lease.lessee_id)
            .where(Lease.parcel_id == parcel.id).order_by(Lease.start_on, Lease.id))
    ]
    commitment = session.scalar(select(StandardLandCommitment)
                                .where(StandardLandCommitment.parcel_id == parcel.id))
    history = [
        ChangePublic(field=c.field, old_value=c.old_value, new_value=c.new_value,
                     reason=c.reason, import_id=c.import_id, import_file=file,
                     actor=username, at=c.at)
        for c, file, username in session.execute(
            select(ParcelChange, ImportBatch.file_name, User.username)
            .outerjoin(ImportBatch, ImportBatch.id == ParcelChange.import_id)
            .outerjoin(User, User.id == ParcelChange.actor_id)
            .where(ParcelChange.parcel_id == parcel.id)
            .order_by(ParcelChange.at.desc(), ParcelChange.id.desc()))
    ]
    batch = session.get(ImportBatch, parcel.import_id) if parcel.import_id else None
    cases = cases_of(session=session, actor=actor, parcel_id=parcel.id, today=today) \
        if allowed(actor, Action.CASES_VIEW) else None
    return ParcelRecord(
        parcel=row,
        owner=OwnerPublic(uscc=owner.uscc, name=owner.name, town=owner.town,
                          portrait=may_open_portrait(actor, owner)) if owner else None,
        idle_fee_share=float(land_rules(session, today).idle_fee_share),
        geometry=parcel.geometry, import_id=parcel.import_id,
        import_file=batch.file_name if batch else None,
        leases=leases,
        commitment=CommitmentPublic(
            investment_wan_per_mu=commitment.investment_wan_per_mu,
            plot_ratio=commitment.plot_ratio, tax_wan_per_mu=commitment.tax_wan_per_mu,
            energy_tce_per_wan=commitment.energy_tce_per_wan,
            review_after_years=commitment.review_after_years, penalty=commitment.penalty,
        ) if commitment else None,
        reviews=reviews_for_parcel(session, parcel.id), review_links=may_view_reviews(actor),
        cases=cases, history=history,
    )
