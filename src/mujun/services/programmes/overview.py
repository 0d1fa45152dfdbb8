"""The programmes at a glance (the /programmes page): each list the user reaches, summed up —
talent per category against 100, the pipeline per stage, payments per year, the safety award of
the latest year."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.services.programmes.ipo import IpoQuery, StageCount, list_pipeline
from mujun.services.programmes.safety import SafetyQuery, SafetyTotals, safety_list
from mujun.services.programmes.scope import enterprises_in_scope, may_view, require_any
from mujun.services.programmes.talent import CategoryCount, TalentQuery, list_talent
from mujun.store.models import Enterprise, IncentivePayment, User


class YearAmount(BaseModel):
    year: int
    count: int
    amount_wan: float


class Overview(BaseModel):
    """Each part is None when the user does not reach its list."""

    talent: list[CategoryCount] | None
    talent_total: int | None
    ipo: list[StageCount] | None
    payments: list[YearAmount] | None
    safety_year: int | None
    safety: SafetyTotals | None


def _payments_by_year(session: Session, actor: User) -> list[YearAmount]:
    rows = session.execute(
        select(IncentivePayment.year, func.count(), func.sum(IncentivePayment.amount_wan))
        .join(Enterprise, Enterprise.id == IncentivePayment.enterprise_id)
        .where(enterprises_in_scope(actor)).group_by(IncentivePayment.year)
        .order_by(IncentivePayment.year))
    return [YearAmount(year=y, count=n, amount_wan=round(float(a or 0.0), 4)) for y, n, a in rows]


def overview(*, session: Session, actor: User) -> Overview:
    require_any(actor)
    talent = (list_talent(session=session, actor=actor, filters=TalentQuery(per_page=1))
              if may_view(actor, "talent") else None)
    ipo = (list_pipeline(session=session, actor=actor, filters=IpoQuery(per_page=1))
           if may_view(actor, "ipo") else None)
    safety = (safety_list(session=session, actor=actor, filters=SafetyQuery(per_page=1))
              if may_view(actor, "safety") else None)
    return Overview(
        talent=talent.counts if talent else None,
        talent_total=sum(c.count for c in talent.counts) if talent else None,
        ipo=ipo.counts if ipo else None,
        payments=_payments_by_year(session, actor) if may_view(actor, "payments") else None,
        safety_year=safety.year if safety else None,
        safety=safety.totals if safety else None,
    )
