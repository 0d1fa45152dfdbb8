"""三服务2.0 requests as people read them: the list of a role's reach (its filters, sort, pages and
export, docs/lists.md), one request with its notes, and the statistics per department and year."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, extract, false, or_, select, true
from sqlalchemy.orm import Session

from mujun.engine.programmes.service_requests import (
    CATEGORIES,
    DepartmentYear,
    RequestDates,
    department_year,
    on_time,
    overdue,
)
from mujun.services import access
from mujun.services.access import Action
from mujun.services.list_query import ListQuery, Option, Page, options, page_fields, sql_rows
from mujun.services.programmes.service_requests import HANDLING_DEPARTMENTS, get_request
from mujun.store.models import Enterprise, RequestStatus, Role, ServiceRequest, User


class RequestQuery(ListQuery):
    SORTS: ClassVar[tuple[str, ...]] = ("submitted", "due", "closed", "status", "category",
                                        "department", "enterprise", "satisfaction", "no")
    DEFAULT_SORT: ClassVar[str] = "-submitted"

    status: str | None = Field(default=None, pattern="^(submitted|in_progress|closed)$")
    overdue: bool | None = None
    category: str | None = Field(default=None, max_length=32)
    department: str | None = Field(default=None, max_length=16)
    #: the year the request was submitted
    year: int | None = Field(default=None, ge=1990, le=2100)


class RequestRow(BaseModel):
    id: int
    request_no: str
    uscc: str
    enterprise: str | None
    town: str | None
    category: str
    summary: str
    department: str
    status: str
    submitted_on: date
    due_on: date
    accepted_on: date | None
    closed_on: date | None
    on_time: bool | None
    overdue: bool
    satisfaction: int | None
    version: int


class Note(BaseModel):
    on: date
    by: str
    text: str


class RequestDetail(RequestRow):
    notes: list[Note]
    reply: str | None
    rated_at: datetime | None


class RequestPage(Page[RequestRow]):
    today: date
    years: list[int]
    categories: list[Option]
    departments: list[Option]


def request_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause over ``ServiceRequest`` (joined with its ``Enterprise``): the requests the
    user reaches."""
    if not access.allowed(user, Action.REQUESTS_VIEW):
        return false()
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.CLERK:
        return ServiceRequest.department == (user.department or "")
    if user.role == Role.OFFICER:
        return access.enterprise_scope(user)
    if user.role == Role.ENTERPRISE and user.uscc:
        return ServiceRequest.uscc == user.uscc
    return false()


def _overdue_clause(today: date) -> ColumnElement[bool]:
    return and_(ServiceRequest.status != RequestStatus.CLOSED, ServiceRequest.due_on < today)


_SORT_COLUMNS: dict[str, Any] = {
    "submitted": ServiceRequest.submitted_on, "due": ServiceRequest.due_on,
    "closed": ServiceRequest.closed_on, "status": ServiceRequest.status,
    "category": ServiceRequest.category, "department": ServiceRequest.department,
    "enterprise": Enterprise.name, "satisfaction": ServiceRequest.satisfaction,
    "no": ServiceRequest.request_no,
}


def _row(req: ServiceRequest, name: str | None, town: str | None, today: date) -> dict[str, Any]:
    return {
        "id": req.id, "request_no": req.request_no, "uscc": req.uscc, "enterprise": name,
        "town": town, "category": req.category, "summary": req.summary,
        "department": req.department, "status": req.status, "submitted_on": req.submitted_on,
        "due_on": req.due_on, "accepted_on": req.accepted_on, "closed_on": req.closed_on,
        "on_time": on_time(req.closed_on, req.due_on) if req.closed_on else None,
        "overdue": overdue(req.closed_on, req.due_on, today),
        "satisfaction": req.satisfaction, "version": req.version,
    }


def _base(user: User) -> Any:
    return (select(ServiceRequest, Enterprise.name, Enterprise.town)
            .join(Enterprise, Enterprise.uscc == ServiceRequest.uscc, isouter=True)
            .where(request_scope(user)))


def list_requests(*, session: Session, actor: User, today: date,
                  filters: RequestQuery | None = None, paged: bool = True) -> RequestPage:
    """The requests in the user's reach that the filters select; ``today`` decides overdue."""
    access.require(actor, Action.REQUESTS_VIEW)
    f = filters or RequestQuery()
    query = _base(actor)
    if f.status:
        query = query.where(ServiceRequest.status == f.status)
    if f.overdue is not None:
        clause = _overdue_clause(today)
        query = query.where(clause if f.overdue else ~clause)
    if f.category:
        query = query.where(ServiceRequest.category == f.category)
    if f.department:
        query = query.where(ServiceRequest.department == f.department)
    if f.year:
        query = query.where(extract("year", ServiceRequest.submitted_on) == f.year)
    column = _SORT_COLUMNS[f.sort_key]
    order = column.desc() if f.descending else column.asc()
    query = query.order_by(order.nulls_last(), ServiceRequest.request_no.desc()
                           if f.descending else ServiceRequest.request_no)
    total, rows = sql_rows(session, query, f, paged=paged)
    years = sorted({int(y) for y in session.scalars(
        select(extract("year", ServiceRequest.submitted_on)).select_from(ServiceRequest)
        .join(Enterprise, Enterprise.uscc == ServiceRequest.uscc, isouter=True)
        .where(request_scope(actor)).distinct())}, reverse=True)
    departments = HANDLING_DEPARTMENTS if actor.role != Role.CLERK else ()
    return RequestPage(
        items=[RequestRow.model_validate(_row(req, name, town, today))
               for req, name, town in rows],
        today=today, years=years,
        categories=options({c.code: c.label_zh for c in CATEGORIES.values()}),
        departments=options({d: d for d in departments}),
        **page_fields(f, total, paged))


def request_detail(*, session: Session, actor: User, request_id: int,
                   today: date) -> RequestDetail:
    req = get_request(session=session, actor=actor, request_id=request_id)
    name, town = session.execute(select(Enterprise.name, Enterprise.town)
                                 .where(Enterprise.uscc == req.uscc)).one_or_none() or (None, None)
    return RequestDetail.model_validate({
        **_row(req, name, town, today), "notes": req.notes or [], "reply": req.reply,
        "rated_at": req.rated_at})


class Statistics(BaseModel):
    year: int
    years: list[int]
    today: date
    rows: list[dict[str, Any]]
    total: dict[str, Any]


def _as_dict(s: DepartmentYear) -> dict[str, Any]:
    return {"department": s.department, "year": s.year, "received": s.received,
            "closed": s.closed, "closed_on_time": s.closed_on_time,
            "on_time_share": s.on_time_share, "overdue_open": s.overdue_open, "rated": s.rated,
            "satisfaction": s.satisfaction}


def statistics(*, session: Session, actor: User, today: date,
               year: int | None = None) -> Statistics:
    """Per department for ``year`` (default: ``today``'s): received, closed, closed on time,
    overdue open, mean satisfaction (targets.md §3), and the county's total."""
    access.require(actor, Action.REQUESTS_STATS)
    y = year or today.year
    start, end = date(y, 1, 1), date(y, 12, 31)
    found = session.execute(select(
        ServiceRequest.department, ServiceRequest.submitted_on, ServiceRequest.due_on,
        ServiceRequest.closed_on, ServiceRequest.satisfaction).where(
        ServiceRequest.submitted_on <= end,
        or_(ServiceRequest.closed_on.is_(None), ServiceRequest.closed_on >= start)))
    dates = [RequestDates(*r) for r in found]
    rows = [department_year(d, y, dates, today) for d in HANDLING_DEPARTMENTS]
    everyone = [RequestDates("*", r.submitted_on, r.due_on, r.closed_on, r.satisfaction)
                for r in dates]
    years = sorted({int(v) for v in session.scalars(
        select(extract("year", ServiceRequest.submitted_on)).distinct())} | {y}, reverse=True)
    return Statistics(year=y, years=years, today=today, rows=[_as_dict(r) for r in rows],
                      total=_as_dict(department_year("*", y, everyone, today)))

