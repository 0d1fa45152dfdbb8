"""奖补兑现: incentive payments by enterprise, year and programme, in 万元 (targets.md §2, 亿).

One row per enterprise, year and programme. The administrator records a payment or imports a
file; recording the same enterprise, year and programme again replaces its amount (audited),
re-importing a file changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mujun.engine.programmes.registers import PROGRAMMES
from mujun.engine.texts import N_
from mujun.io.programmes import read_payments
from mujun.services import audit
from mujun.services.errors import InvalidInput
from mujun.services.list_query import ListQuery, Option, Page, options, page_fields, sql_rows
from mujun.services.lists import like_pattern
from mujun.services.programmes.files import ImportSummary, imported, read_known, registered
from mujun.services.programmes.scope import enterprises_in_scope, require_manage, require_view
from mujun.store.models import Enterprise, IncentivePayment, User


class PaymentQuery(ListQuery):
    SORTS: ClassVar[tuple[str, ...]] = ("year", "name", "town", "programme", "amount", "paid_on")
    DEFAULT_SORT: ClassVar[str] = "-year"

    year: int | None = Field(default=None, ge=1990, le=2100)
    programme: str | None = Field(default=None, max_length=32)
    town: str | None = Field(default=None, max_length=64)
    q: str | None = Field(default=None, max_length=200, description="name or credit code contains")


class PaymentRow(BaseModel):
    uscc: str
    name: str
    town: str | None
    year: int
    programme: str
    amount_wan: float
    paid_on: date | None
    note: str | None


class PaymentTotals(BaseModel):
    """Of the whole selection, not the page."""

    count: int
    amount_wan: float
    enterprises: int


class PaymentPage(Page[PaymentRow]):
    totals: PaymentTotals
    years: list[int]
    towns: list[Option]


class PaymentIn(BaseModel):
    uscc: str = Field(min_length=1, max_length=18)
    year: int = Field(ge=1990, le=2100)
    programme: str
    amount_wan: float = Field(gt=0, le=1_000_000)
    paid_on: date | None = None
    note: str | None = Field(default=None, max_length=500)


_SORT_COLUMNS: dict[str, Any] = {
    "year": IncentivePayment.year, "name": Enterprise.name, "town": Enterprise.town,
    "programme": IncentivePayment.programme, "amount": IncentivePayment.amount_wan,
    "paid_on": IncentivePayment.paid_on,
}


def list_payments(*, session: Session, actor: User, filters: PaymentQuery,
                  paged: bool = True) -> PaymentPage:
    require_view(actor, "payments")
    base = (select(Enterprise.uscc, Enterprise.name, Enterprise.town, IncentivePayment.year,
                   IncentivePayment.programme, IncentivePayment.amount_wan,
                   IncentivePayment.paid_on, IncentivePayment.note)
            .join(Enterprise, Enterprise.id == IncentivePayment.enterprise_id)
            .where(enterprises_in_scope(actor)))
    if filters.year is not None:
        base = base.where(IncentivePayment.year == filters.year)
    if filters.programme:
        base = base.where(IncentivePayment.programme == filters.programme)
    if filters.town:
        base = base.where(Enterprise.town == filters.town)
    if filters.q:
        pattern = like_pattern(filters.q.strip())
        base = base.where(or_(Enterprise.name.like(pattern, escape="\\"),
                              Enterprise.uscc.like(pattern.upper(), escape="\\")))
    sub = base.subquery()
    count, amount, firms = session.execute(
        select(func.count(), func.coalesce(func.sum(sub.c.amount_wan), 0.0),
               func.count(sub.c.uscc.distinct()))).one()
    column = _SORT_COLUMNS[filters.sort_key]
    order = column.desc().nulls_last() if filters.descending else column.asc().nulls_last()
    total, rows = sql_rows(session, base.order_by(order, Enterprise.uscc,
                                                  IncentivePayment.programme), filters,
                           paged=paged)
    scoped = (select(IncentivePayment.year, Enterprise.town)
              .join(Enterprise, Enterprise.id == IncentivePayment.enterprise_id)
              .where(enterprises_in_scope(actor)).distinct())
    pairs = list(session.execute(scoped))
    return PaymentPage(
        items=[PaymentRow(uscc=r[0], name=r[1], town=r[2], year=r[3], programme=r[4],
                          amount_wan=r[5], paid_on=r[6], note=r[7]) for r in rows],
        totals=PaymentTotals(count=count, amount_wan=round(float(amount), 4), enterprises=firms),
        years=sorted({y for y, _t in pairs}, reverse=True),
        towns=options(sorted({t for _y, t in pairs if t})),
        **page_fields(filters, total, paged))


def _snapshot(p: IncentivePayment) -> dict[str, Any]:
    return {"year": p.year, "programme": p.programme, "amount_wan": p.amount_wan,
            "paid_on": p.paid_on.isoformat() if p.paid_on else None, "note": p.note}


def _values(p: IncentivePayment) -> tuple[Any, ...]:
    return (p.amount_wan, p.paid_on, p.note)


def record_payment(*, session: Session, actor: User | None,
                   payment_in: PaymentIn) -> IncentivePayment:
    """Record one payment; the same enterprise, year and programme again replaces it."""
    require_manage(actor)
    if payment_in.programme not in PROGRAMMES:
        raise InvalidInput(N_("未知的奖补项目 %(programme)s"), programme=payment_in.programme)
    ent = registered(session, payment_in.uscc)
    payment = session.scalar(select(IncentivePayment).where(
        IncentivePayment.enterprise_id == ent.id, IncentivePayment.year == payment_in.year,
        IncentivePayment.programme == payment_in.programme))
    before = None if payment is None else _snapshot(payment)
    if payment is None:
        payment = IncentivePayment(enterprise_id=ent.id, year=payment_in.year,
                                   programme=payment_in.programme, version=1,
                                   amount_wan=payment_in.amount_wan)
        session.add(payment)
    payment.amount_wan = payment_in.amount_wan
    payment.paid_on = payment_in.paid_on
    payment.note = (payment_in.note or "").strip() or None
    session.flush()
    audit.record(session=session, actor=actor, action="payment.record", entity="enterprise",
                 entity_id=ent.uscc, summary=f"{ent.name}: {payment.year} {payment.programme} "
                 f"{payment.amount_wan} 万元", before=before, after=_snapshot(payment))
    return payment


def import_payments(*, session: Session, actor: User | None, path: Path) -> ImportSummary:
    """Payments from a file, all-or-nothing; rows not in the file are kept."""
    require_manage(actor)
    found, ids = read_known(session, read_payments, path)
    years = sorted({r.year for r in found.records})
    existing = {(p.enterprise_id, p.year, p.programme): p for p in session.scalars(
        select(IncentivePayment).where(IncentivePayment.year.in_(years)))}
    added = changed = 0
    for r in found.records:
        key = (ids[r.uscc], r.year, r.programme)
        payment = existing.get(key)
        if payment is None:
            session.add(IncentivePayment(enterprise_id=key[0], year=r.year, programme=r.programme,
                                         amount_wan=r.amount_wan, paid_on=r.paid_on,
                                         note=r.note, version=1))
            added += 1
        elif _values(payment) != (r.amount_wan, r.paid_on, r.note):
            payment.amount_wan, payment.paid_on, payment.note = r.amount_wan, r.paid_on, r.note
            changed += 1
    return imported(session=session, actor=actor, path=path, rows=len(found.records),
                    added=added, changed=changed, action="payment.import", entity="enterprise")


def incentive_payments(session: Session, years: Iterable[int]) -> float:
    """Σ 万元 of the payments recorded for ``years`` (the 亿 target's second part,
    targets.md §2)."""
    wanted = list(years)
    if not wanted:
        return 0.0
    total = session.scalar(select(func.coalesce(func.sum(IncentivePayment.amount_wan), 0.0))
                           .where(IncentivePayment.year.in_(wanted)))
    return float(total or 0.0)


def payments_of(*, session: Session, enterprise_id: int) -> list[IncentivePayment]:
    """One enterprise's payments, newest year first (the portrait's 奖补与荣誉)."""
    return list(session.scalars(select(IncentivePayment)
                                .where(IncentivePayment.enterprise_id == enterprise_id)
                                .order_by(IncentivePayment.year.desc(),
                                          IncentivePayment.programme)))
