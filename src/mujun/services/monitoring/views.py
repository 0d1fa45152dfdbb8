"""What the pages and the API show of the alerts (预警, docs/monitoring.md "In the web"): the
worklist (filters, sort, pages, export) and one alert with its enterprise's months and signals.

An officer sees the alerts of the enterprises of its town or park, the admin all of them
(``access.enterprise_scope``); the leader sees them only counted (``summary.py``), an enterprise
only its own, on its portrait (``usage.py``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, extract, func, literal, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session, aliased

from mujun.engine.monitoring import months
from mujun.engine.texts import N_
from mujun.services import access
from mujun.services.access import Action
from mujun.services.errors import NotFound
from mujun.services.industries import industry_label
from mujun.services.list_query import ListQuery, Option, Page, options, page_fields, sql_rows
from mujun.services.lists import like_pattern
from mujun.services.monitoring.usage import MonthKwh, YearKwh, enterprise_year, kwh_series
from mujun.store.models import Enterprise, User
from mujun.store.models.monitoring import Alert, PowerSignal

#: the levels an alert can have, most urgent first (停产, 减产, 数据中断)
ALERT_LEVELS = ("stopped", "declining", "silent")
#: the months of kWh an alert's page shows (each against the same month a year before)
CHART_MONTHS = 24


def month_text(day: date | None) -> str | None:
    return months.text(months.of_date(day)) if day is not None else None


def _month_no(column: Any) -> Any:
    return extract("year", column) * 12 + extract("month", column)


def months_open_column() -> Any:
    """The months from the one that opened the alert to its latest (or closing) month, both
    counted."""
    end = func.coalesce(Alert.closed_month, Alert.last_month)
    return _month_no(end) - _month_no(Alert.opened_month) + 1


def level_rank(column: Any) -> Any:
    return when(*((column == level, literal(i)) for i, level in enumerate(ALERT_LEVELS)),
                else_=literal(len(ALERT_LEVELS)))


class AlertQuery(ListQuery):
    SORTS: ClassVar[tuple[str, ...]] = ("id", "name", "town", "industry", "level", "opened_month",
                                        "last_month", "months_open", "yoy_3m", "closed_month")
    #: the most urgent first, and of one level the longest open
    DEFAULT_SORT: ClassVar[str] = "level"

    status: Literal["open", "closed"] = "open"
    level: Literal["stopped", "declining", "silent"] | None = None
    town: str | None = Field(default=None, max_length=64)
    park: str | None = Field(default=None, max_length=64)
    industry_code: str | None = Field(default=None, max_length=8)
    q: str | None = Field(default=None, max_length=200, description="name or credit code contains")


class AlertRow(BaseModel):
    id: int
    uscc: str
    name: str
    town: str | None
    park: str | None
    industry_code: str | None
    industry: str
    status: str
    #: the level of the latest month applied, and the level that opened the alert
    level: str
    opened_level: str
    opened_month: str
    last_month: str
    months_open: int
    #: the latest month's change of the last three months against a year earlier
    yoy_3m: float | None
    closed_reason: str | None
    closed_month: str | None
    visited_on: date | None
    closed_by: str | None


class AlertPage(Page[AlertRow]):
    #: open (or closed) alerts of the selection per level
    counts: dict[str, int]
    towns: list[Option]
    industries: list[Option]


def _columns() -> tuple[list[Any], Any]:
    closer = aliased(User)
    return [Alert, Enterprise.uscc, Enterprise.name, Enterprise.town, Enterprise.park,
            Enterprise.industry_code, PowerSignal.yoy_3m, months_open_column(),
            func.coalesce(func.nullif(closer.display_name, ""), closer.username)], closer


def _base() -> Any:
    """The alerts with their enterprise, their latest month's signal and who closed them."""
    columns, closer = _columns()
    return select(*columns).join(Enterprise, Enterprise.id == Alert.enterprise_id) \
        .outerjoin(PowerSignal, and_(PowerSignal.enterprise_id == Alert.enterprise_id,
                                     PowerSignal.month == Alert.last_month)) \
        .outerjoin(closer, closer.id == Alert.closed_by_id)


def _scoped(actor: User) -> Any:
    return _base().where(access.enterprise_scope(actor))


def _filters(f: AlertQuery) -> list[ColumnElement[bool]]:
    terms: list[ColumnElement[bool]] = [Alert.status == f.status]
    for value, column in ((f.level, Alert.level), (f.town, Enterprise.town),
                          (f.park, Enterprise.park), (f.industry_code, Enterprise.industry_code)):
        if value is not None:
            terms.append(column == value)
    if f.q:
        pattern = like_pattern(f.q.strip())
        terms.append(or_(Enterprise.name.like(pattern, escape="\\"),
                         Enterprise.uscc.like(pattern.upper(), escape="\\")))
    return terms


def _order(f: AlertQuery) -> list[Any]:
    months_open = months_open_column()
    column = {"id": Alert.id, "name": Enterprise.name, "town": Enterprise.town,
              "industry": Enterprise.industry_code, "level": level_rank(Alert.level),
              "opened_month": Alert.opened_month, "last_month": Alert.last_month,
              "months_open": months_open, "yoy_3m": PowerSignal.yoy_3m,
              "closed_month": Alert.closed_month}[f.sort_key]
    first = column.desc().nulls_last() if f.descending else column.asc().nulls_last()
    # ties: the longest open first, then the newest alert
    return [first, months_open.desc(), Alert.id.desc()]


def _row(t: Any) -> AlertRow:
    alert, uscc, name, town, park, industry, yoy, months_open, closer = t
    return AlertRow(id=alert.id, uscc=uscc, name=name, town=town, park=park,
                    industry_code=industry, industry=industry_label(industry),
                    status=alert.status, level=alert.level, opened_level=alert.opened_level,
                    opened_month=month_text(alert.opened_month) or "",
                    last_month=month_text(alert.last_month) or "",
                    months_open=int(months_open), yoy_3m=yoy,
                    closed_reason=alert.closed_reason, closed_month=month_text(alert.closed_month),
                    visited_on=alert.visited_on, closed_by=closer)


def alert_list(*, session: Session, actor: User, filters: AlertQuery | None = None,
               paged: bool = True) -> AlertPage:
    """The alerts the actor may see, open (or closed), filtered, sorted and paged, with the count
    of the selection per level."""
    access.require(actor, Action.ALERTS_VIEW)
    f = filters or AlertQuery()
    query = _scoped(actor).where(*_filters(f)).order_by(*_order(f))
    total, rows = sql_rows(session, query, f, paged=paged)
    by_level = select(Alert.level, func.count()) \
        .join(Enterprise, Enterprise.id == Alert.enterprise_id) \
        .where(access.enterprise_scope(actor), *_filters(f)).group_by(Alert.level)
    found = {level: n for level, n in session.execute(by_level)}
    places = session.execute(select(Enterprise.town, Enterprise.industry_code)
                             .join(Alert, Alert.enterprise_id == Enterprise.id)
                             .where(access.enterprise_scope(actor)).distinct()).all()
    codes = sorted({c for _, c in places if c})
    return AlertPage(items=[_row(t) for t in rows], **page_fields(f, total, paged),
                     counts={level: int(found.get(level, 0)) for level in ALERT_LEVELS},
                     towns=options(sorted({t for t, _ in places if t})),
                     industries=options({c: industry_label(c) for c in codes}))


def get_alert(*, session: Session, actor: User, alert_id: int) -> Alert:
    """The alert if the actor may see it; ``NotFound`` otherwise (also when it exists in another
    town)."""
    access.require(actor, Action.ALERTS_VIEW)
    alert = session.get(Alert, alert_id)
    ent = session.get(Enterprise, alert.enterprise_id) if alert is not None else None
    if alert is None or ent is None or not access.may_see_enterprise(actor, ent):
        raise NotFound(N_("没有您可查看的预警 #%(id)s"), id=alert_id)
    return alert


class SignalRow(BaseModel):
    month: str
    kwh_3m: float | None
    kwh_3m_last_year: float | None
    yoy_3m: float | None
    baseline: float | None
    level: str


class AlertDetail(AlertRow):
    version: int
    visit_note: str | None
    closed_at: datetime | None
    #: the last ``CHART_MONTHS`` months up to the alert's latest (or closing) month
    kwh: list[MonthKwh]
    #: the enterprise's signals of each monitored month from the one that opened the alert,
    #: newest first
    signals: list[SignalRow]


def alert_detail(*, session: Session, actor: User, alert_id: int) -> AlertDetail:
    alert = get_alert(session=session, actor=actor, alert_id=alert_id)
    row = _row(session.execute(_scoped(actor).where(Alert.id == alert.id)).one())
    end = months.of_date(alert.closed_month or alert.last_month)
    signals = session.scalars(select(PowerSignal).where(
        PowerSignal.enterprise_id == alert.enterprise_id,
        PowerSignal.month >= alert.opened_month,
        PowerSignal.month <= months.first_day(end)).order_by(PowerSignal.month.desc()))
    return AlertDetail(
        **row.model_dump(), version=alert.version, visit_note=alert.visit_note,
        closed_at=alert.closed_at,
        kwh=kwh_series(session, range(end - CHART_MONTHS + 1, end + 1),
                       enterprise_id=alert.enterprise_id),
        signals=[SignalRow(month=month_text(s.month) or "", kwh_3m=s.kwh_3m,
                           kwh_3m_last_year=s.kwh_3m_last_year, yoy_3m=s.yoy_3m,
                           baseline=s.baseline, level=s.level) for s in signals])


def alerts_of(session: Session, enterprise: Enterprise) -> list[AlertRow]:
    """Every alert of one enterprise (open and closed), newest first, for its portrait: the
    caller has checked that the user sees the enterprise (its own user reads them too)."""
    query = _base().where(Alert.enterprise_id == enterprise.id) \
        .order_by(Alert.opened_month.desc(), Alert.id.desc())
    return [_row(t) for t in session.execute(query)]


class EnterprisePower(BaseModel):
    """The portrait's section: the newest year's monthly kWh against the year before, and the
    enterprise's alerts."""

    usage: YearKwh
    alerts: list[AlertRow]


def enterprise_power(*, session: Session, actor: User, uscc: str) -> EnterprisePower:
    """For whoever sees the enterprise (404 otherwise): its officer, the admin, itself."""
    ent = access.visible_enterprise(session=session, user=actor, uscc=uscc)
    return EnterprisePower(usage=enterprise_year(session, ent), alerts=alerts_of(session, ent))
