"""奖补与荣誉 on the enterprise's portrait: its incentive payments, its 股改上市 stage and its
safety-award eligibility for the portrait's year. The portrait's access check has let the user see
the enterprise (checked again here); every role that sees a portrait reaches these three lists
(scope.py)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy.orm import Session

from mujun.services import access
from mujun.services.programmes import ipo, payments, safety
from mujun.services.programmes.safety import Blocking
from mujun.store.models import User


class PaymentBrief(BaseModel):
    year: int
    programme: str
    amount_wan: float
    paid_on: date | None


class Honours(BaseModel):
    payments: list[PaymentBrief]
    total_wan: float
    ipo_stage: str | None
    ipo_since: date | None
    #: the award year looked at (None: no figures at all)
    safety_year: int | None
    #: what bars the award (empty: eligible)
    safety_blocking: list[Blocking]


def honours(*, session: Session, actor: User, uscc: str, year: int | None) -> Honours:
    enterprise = access.visible_enterprise(session=session, user=actor, uscc=uscc)
    paid = payments.payments_of(session=session, enterprise_id=enterprise.id)
    rec = ipo.stage_of(session=session, enterprise_id=enterprise.id)
    award_year = year if year is not None else safety.latest_year(session)
    blocking = ([] if award_year is None else
                safety.eligibility(session=session, enterprise_id=enterprise.id,
                                   year=award_year))
    return Honours(
        payments=[PaymentBrief(year=p.year, programme=p.programme, amount_wan=p.amount_wan,
                               paid_on=p.paid_on) for p in paid],
        total_wan=round(sum(p.amount_wan for p in paid), 4),
        ipo_stage=rec.stage if rec else None,
        ipo_since=getattr(rec, f"{rec.stage}_on") if rec else None,
        safety_year=award_year, safety_blocking=blocking)
