"""预警: the officer's worklist of power alerts, one alert with its visit form, an enterprise's
monthly power use (its portrait's section). The monthly import's upload is on the imports page
(``routes/imports.py``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session

from mujun.io.number_formats import Kind
from mujun.io.xlsx_table import Column
from mujun.services.errors import InvalidInput, InvalidTransition
from mujun.services.labels import label_zh
from mujun.services.list_query import options
from mujun.services.monitoring import views, visits
from mujun.store.models import User
from mujun.web.deps import CsrfDep, CurrentUser, Now, SessionDep
from mujun.web.forms import submit
from mujun.web.render import render
from mujun.web.xlsx import download, workbook

api = APIRouter(tags=["monitoring"])
pages = APIRouter(include_in_schema=False)

AlertId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
UsccPath = Annotated[str, PathParam(min_length=1, max_length=18, description="统一社会信用代码")]
#: the list's query as one model: empty fields count as not given (list_query.ListQuery)
AlertFilters = Annotated[views.AlertQuery, Query()]
FormText = Annotated[str, Form(max_length=4000)]

ALERT_COLUMNS = [Column("编号", Kind.INT), Column("统一社会信用代码", Kind.CODE),
                 Column("企业名称"), Column("乡镇街道"), Column("园区"), Column("行业"),
                 Column("预警等级"), Column("开始月份"), Column("最新月份"),
                 Column("持续月数", Kind.INT), Column("近三月同比", Kind.SHARE), Column("状态"),
                 Column("关闭方式"), Column("关闭月份"), Column("走访日期", Kind.DATE),
                 Column("关闭人")]


class VisitIn(BaseModel):
    visited_on: date
    #: required: refused empty by ``alerts.close``
    note: str = Field(max_length=4000)


# --- API -----------------------------------------------------------------------------------------


@api.get("/api/alerts", response_model=views.AlertPage)
def alert_list(session: SessionDep, user: CurrentUser, filters: AlertFilters) -> views.AlertPage:
    """The open (or closed) alerts of your town or park (the admin: all), with the count per
    level."""
    return views.alert_list(session=session, actor=user, filters=filters)


@api.get("/api/alerts.xlsx", response_class=Response)
def alert_export(session: SessionDep, user: CurrentUser, filters: AlertFilters) -> Response:
    page = views.alert_list(session=session, actor=user, filters=filters, paged=False)
    rows = ([r.id, r.uscc, r.name, r.town, r.park, r.industry, label_zh("power_level", r.level),
             r.opened_month, r.last_month, r.months_open, r.yoy_3m,
             label_zh("alert_status", r.status),
             label_zh("alert_closure", r.closed_reason) if r.closed_reason else None,
             r.closed_month, r.visited_on, r.closed_by] for r in page.items)
    return download(workbook(ALERT_COLUMNS, rows, "预警"), f"alerts-{filters.status}.xlsx")


@api.get("/api/alerts/{alert_id}", response_model=views.AlertDetail)
def alert(alert_id: AlertId, session: SessionDep, user: CurrentUser) -> views.AlertDetail:
    """One alert: its enterprise's last 24 months of kWh against the year before, its signals
    per monitored month, and how it was closed."""
    return views.alert_detail(session=session, actor=user, alert_id=alert_id)


@api.post("/api/alerts/{alert_id}/visit", response_model=views.AlertDetail,
          dependencies=[CsrfDep])
def close_by_visit(alert_id: AlertId, body: VisitIn, session: SessionDep, user: CurrentUser,
                   now: Now) -> views.AlertDetail:
    """Close the alert with the note of the visit (走访记录)."""
    visits.close_by_visit(session, alert_id, actor=user, note=body.note,
                          visited_on=body.visited_on, now=now)
    session.commit()
    return views.alert_detail(session=session, actor=user, alert_id=alert_id)


@api.get("/api/enterprises/{uscc}/power", response_model=views.EnterprisePower)
def enterprise_power(uscc: UsccPath, session: SessionDep,
                     user: CurrentUser) -> views.EnterprisePower:
    """The enterprise's monthly kWh of its newest year against the year before, and its alerts
    (404 outside your scope)."""
    return views.enterprise_power(session=session, actor=user, uscc=uscc)


# --- pages ---------------------------------------------------------------------------------------


@pages.get("/alerts")
def alerts_page(request: Request, session: SessionDep, user: CurrentUser,
                filters: AlertFilters) -> Response:
    page = views.alert_list(session=session, actor=user, filters=filters)
    return render(request, "monitoring/alerts.html", user, page=page, filters=filters,
                  levels=options(views.ALERT_LEVELS))


def _alert_page(request: Request, session: Session, user: User, now: datetime, alert_id: int,
                status_code: int = 200, error: str | None = None,
                form: dict[str, str] | None = None) -> Response:
    a = views.alert_detail(session=session, actor=user, alert_id=alert_id)
    return render(request, "monitoring/alert.html", user, status_code=status_code, a=a,
                  today=now.date(), error=error, done=request.query_params.get("done"),
                  form=form or {"visited_on": now.date().isoformat(), "note": ""})


@pages.get("/alerts/{alert_id}")
def alert_page(request: Request, alert_id: AlertId, session: SessionDep, user: CurrentUser,
               now: Now) -> Response:
    return _alert_page(request, session, user, now, alert_id)


@pages.post("/alerts/{alert_id}/visit", dependencies=[CsrfDep])
def visit_form(request: Request, alert_id: AlertId, session: SessionDep, user: CurrentUser,
               now: Now, visited_on: FormText = "", note: FormText = "") -> Response:
    given = {"visited_on": visited_on, "note": note}

    def write() -> Any:
        visit = VisitIn.model_validate({"visited_on": visited_on.strip() or None,
                                        "note": note.strip()})
        return visits.close_by_visit(session, alert_id, actor=user, note=visit.note,
                                     visited_on=visit.visited_on, now=now)

    def again(exc: Exception, error: str) -> Response:
        status = 409 if isinstance(exc, InvalidTransition) else 422
        return _alert_page(request, session, user, now, alert_id, status_code=status,
                           error=error, form=given)

    return submit(request, session, write, refused=(ValidationError, InvalidInput,
                                                    InvalidTransition),
                  done=lambda _: RedirectResponse(f"/alerts/{alert_id}?done=visited",
                                                  status_code=303),
                  again=again)
