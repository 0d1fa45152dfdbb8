"""What the pages and the API show of disposal cases: the list (filters, sort, pages, export)
and one case with its notes, its history and its corrections.

A case is overdue on day D when it is still open (立案 or 整治中) and D is after its target date
(docs/land.md); D is the web's clock, so tests move it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, exists, false, func, literal, not_, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session, aliased

from mujun.services import access, audit
from mujun.services.access import Action
from mujun.services.land.candidates import place_scope
from mujun.services.land.cases import ENTITY, correction_of, get_case
from mujun.services.list_query import ListQuery, Option, Page, options, page_fields, sql_rows
from mujun.store.models import DisposalCase, Enterprise, Parcel, User
from mujun.store.models.disposal import OPEN_STAGES, Method, Stage


def overdue_clause(today: date) -> ColumnElement[bool]:
    return and_(DisposalCase.stage.in_(OPEN_STAGES), DisposalCase.target_date < today)


def is_overdue(case: DisposalCase, today: date) -> bool:
    return case.stage in OPEN_STAGES and case.target_date < today


_Correction = aliased(DisposalCase)


def not_corrected() -> ColumnElement[bool]:
    """Cases no correction replaces: the ones that count."""
    return not_(exists().where(_Correction.corrects_case_id == DisposalCase.id))


class CaseQuery(ListQuery):
    SORTS: ClassVar[tuple[str, ...]] = ("id", "year", "name", "town", "method", "stage",
                                        "target_date", "area_mu", "completed_on")
    DEFAULT_SORT: ClassVar[str] = "-id"

    year: int | None = Field(default=None, ge=1990, le=2100)
    stage: Stage | None = None
    method: Method | None = None
    town: str | None = Field(default=None, max_length=64)
    park: str | None = Field(default=None, max_length=64)
    kind: Literal["enterprise", "parcel"] | None = None
    overdue: bool | None = None
    #: completed in this year (the area optimised of that year)
    completed_year: int | None = Field(default=None, ge=1990, le=2100)


class CaseRow(BaseModel):
    id: int
    year: int
    kind: str
    #: the enterprise's credit code or the parcel's code
    key: str
    name: str | None
    town: str | None
    park: str | None
    method: str
    stage: str
    officer: str | None
    target_date: date
    area_mu: float
    completed_on: date | None
    overdue: bool
    corrects_case_id: int | None
    corrected_by_id: int | None


class CaseTotals(BaseModel):
    count: int
    area_mu: float
    overdue: int


class CasePage(Page[CaseRow]):
    totals: CaseTotals
    years: list[int]
    towns: list[Option]
    parks: list[Option]


def _columns() -> tuple[list[Any], Any]:
    officer = aliased(User)
    corrected_by = select(_Correction.id).where(_Correction.corrects_case_id == DisposalCase.id) \
        .limit(1).scalar_subquery()
    return [DisposalCase, Enterprise.uscc, Enterprise.name, Parcel.parcel_code,
            func.coalesce(func.nullif(officer.display_name, ""), officer.username),
            corrected_by], officer


def _base(actor: User) -> Any:
    return place_scope(actor, DisposalCase.town, DisposalCase.park)


def _query(actor: User, f: CaseQuery, today: date) -> Any:
    columns, officer = _columns()
    name = func.coalesce(Enterprise.name, Parcel.parcel_code)
    query = select(*columns) \
        .outerjoin(Enterprise, Enterprise.id == DisposalCase.enterprise_id) \
        .outerjoin(Parcel, Parcel.id == DisposalCase.parcel_id) \
        .outerjoin(officer, officer.id == DisposalCase.officer_id) \
        .where(_base(actor))
    for value, column in ((f.year, DisposalCase.year), (f.stage, DisposalCase.stage),
                          (f.method, DisposalCase.method), (f.town, DisposalCase.town),
                          (f.park, DisposalCase.park)):
        if value is not None:
            query = query.where(column == value)
    if f.kind == "enterprise":
        query = query.where(DisposalCase.enterprise_id.is_not(None))
    elif f.kind == "parcel":
        query = query.where(DisposalCase.parcel_id.is_not(None))
    if f.overdue is not None:
        clause = overdue_clause(today)
        query = query.where(clause if f.overdue else not_(clause))
    if f.completed_year is not None:
        query = query.where(completed_in(f.completed_year), not_corrected())
    order = {"id": DisposalCase.id, "year": DisposalCase.year, "name": name,
             "town": DisposalCase.town, "method": DisposalCase.method,
             "stage": DisposalCase.stage, "target_date": DisposalCase.target_date,
             "area_mu": DisposalCase.area_mu,
             "completed_on": DisposalCase.completed_on}[f.sort_key]
    direction = order.desc().nulls_last() if f.descending else order.asc().nulls_last()
    return query.order_by(direction, DisposalCase.id.desc())


def completed_in(year: int) -> ColumnElement[bool]:
    return and_(DisposalCase.stage == Stage.COMPLETED,
                DisposalCase.completed_on >= date(year, 1, 1),
                DisposalCase.completed_on <= date(year, 12, 31))


def _row(t: Any, today: date) -> CaseRow:
    case, uscc, name, code, officer, corrected_by = t
    return CaseRow(id=case.id, year=case.year,
                   kind="enterprise" if case.enterprise_id is not None else "parcel",
                   key=uscc or code, name=name if uscc else code, town=case.town,
                   park=case.park, method=case.method, stage=case.stage, officer=officer,
                   target_date=case.target_date, area_mu=case.area_mu,
                   completed_on=case.completed_on, overdue=is_overdue(case, today),
                   corrects_case_id=case.corrects_case_id, corrected_by_id=corrected_by)


def case_list(*, session: Session, actor: User, filters: CaseQuery | None = None,
              today: date, paged: bool = True) -> CasePage:
    """The cases the actor may see, filtered, sorted and paged, with totals over the
    selection."""
    access.require(actor, Action.CASES_VIEW)
    f = filters or CaseQuery()
    query = _query(actor, f, today)
    total, rows = sql_rows(session, query, f, paged=paged)
    selection = query.order_by(None).subquery()
    count, area, overdue = session.execute(select(
        func.count(), func.coalesce(func.sum(selection.c.area_mu), 0.0),
        func.coalesce(func.sum(_overdue_int(selection, today)), 0))).one()
    places = session.execute(select(DisposalCase.year, DisposalCase.town, DisposalCase.park)
                             .where(_base(actor)).distinct()).all()
    return CasePage(
        items=[_row(t, today) for t in rows], **page_fields(f, total, paged),
        totals=CaseTotals(count=count, area_mu=float(area), overdue=int(overdue)),
        years=sorted({y for y, _, _ in places}, reverse=True),
        towns=options(sorted({t for _, t, _ in places if t})),
        parks=options(sorted({p for _, _, p in places if p})))


def _overdue_int(selection: Any, today: date) -> Any:
    late = and_(selection.c.stage.in_(OPEN_STAGES), selection.c.target_date < today)
    return when((late, literal(1)), else_=literal(0))


class NotePublic(BaseModel):
    id: int
    on: date
    text: str
    by: str | None
    created_at: datetime


class HistoryEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    summary: str


class CaseDetail(CaseRow):
    version: int
    enterprise_uscc: str | None
    parcel_code: str | None
    owner: str | None
    officer_id: int | None
    cancel_reason: str | None
    description: str | None
    opened_on: date
    created_by: str | None
    notes: list[NotePublic]
    history: list[HistoryEntry]


def _user_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.display_name, User.username)
                           .where(User.id.in_(wanted)))
    return {i: d or u for i, d, u in rows}


def case_detail(*, session: Session, actor: User, case_id: int, today: date) -> CaseDetail:
    """One case as its page shows it: details, notes (by date), history (newest first) and the
    cases it corrects or that correct it."""
    case = get_case(session=session, actor=actor, case_id=case_id)
    ent = session.get(Enterprise, case.enterprise_id) if case.enterprise_id else None
    parcel = session.get(Parcel, case.parcel_id) if case.parcel_id else None
    owner = session.get(Enterprise, parcel.owner_id) if parcel and parcel.owner_id else None
    names = _user_names(session, {case.officer_id, case.created_by_id,
                                  *(n.created_by_id for n in case.notes)})
    newer = correction_of(session, case.id)
    key = ent.uscc if ent else parcel.parcel_code if parcel else ""
    return CaseDetail(
        id=case.id, year=case.year, kind="enterprise" if ent else "parcel", key=key,
        name=ent.name if ent else key, town=case.town, park=case.park, method=case.method,
        stage=case.stage, officer=names.get(case.officer_id or 0), target_date=case.target_date,
        area_mu=case.area_mu, completed_on=case.completed_on,
        overdue=is_overdue(case, today), corrects_case_id=case.corrects_case_id,
        corrected_by_id=newer.id if newer else None, version=case.version,
        enterprise_uscc=ent.uscc if ent else None,
        parcel_code=parcel.parcel_code if parcel else None,
        owner=owner.name if owner else None, officer_id=case.officer_id,
        cancel_reason=case.cancel_reason, description=case.description,
        opened_on=case.created_at.date(), created_by=names.get(case.created_by_id or 0),
        notes=[NotePublic(id=n.id, on=n.on, text=n.text, by=names.get(n.created_by_id or 0),
                          created_at=n.created_at) for n in case.notes],
        history=[HistoryEntry(at=r.at, actor=r.actor, action=r.action, summary=r.summary)
                 for r in audit.history(session=session, entity=ENTITY, entity_id=case.id)])


def cases_of(*, session: Session, actor: User, enterprise_id: int | None = None,
             parcel_id: int | None = None, today: date) -> list[CaseRow]:
    """The cases on one enterprise or one parcel the actor may see, newest first (for the
    enterprise's and the parcel's pages)."""
    access.require(actor, Action.CASES_VIEW)
    query = _query(actor, CaseQuery(), today)
    subjects = [column == value for column, value in ((DisposalCase.enterprise_id, enterprise_id),
                                                      (DisposalCase.parcel_id, parcel_id))
                if value is not None]
    query = query.where(or_(*subjects) if subjects else false())
    return [_row(t, today) for t in session.execute(query)]

