"""三服务2.0 requests: an enterprise's own (我的诉求), a department's worklist, a town's view, one
request with its handling, and the statistics per department (docs/programmes.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from mujun.engine.programmes.service_requests import CATEGORIES, RATING_MAX, RATING_MIN, STATUSES
from mujun.io.number_formats import Kind
from mujun.io.xlsx_table import Column
from mujun.services.access import Action, allowed
from mujun.services.labels import label_zh
from mujun.services.programmes import request_views as views
from mujun.services.programmes import service_requests as requests
from mujun.store.models import Role
from mujun.web.deps import BlankIsNone, CsrfDep, CurrentUser, Now, SessionDep, Year
from mujun.web.list_controls import controls
from mujun.web.render import render
from mujun.web.xlsx import download, workbook

api = APIRouter(prefix="/api/requests", tags=["requests"])
pages = APIRouter(include_in_schema=False)

Filters = Annotated[views.RequestQuery, Query()]
RequestId = Annotated[int, Path(ge=1, le=2**31 - 1, description="诉求 id")]
YearQuery = Annotated[Year | None, BlankIsNone, Query()]
Text = Annotated[str, Form(min_length=1, max_length=requests.TEXT_MAX)]
Version = Annotated[int | None, Form(ge=1)]
DEPARTMENT_OF = {c.code: c.department for c in CATEGORIES.values()}
EXPORT_COLUMNS = [Column("诉求编号", Kind.CODE), Column("统一社会信用代码", Kind.CODE),
                  Column("企业名称"), Column("乡镇街道"), Column("类别"), Column("诉求内容"),
                  Column("责任部门"), Column("状态"), Column("提交日期", Kind.DATE),
                  Column("办理期限", Kind.DATE), Column("受理日期", Kind.DATE),
                  Column("办结日期", Kind.DATE), Column("按期办结"), Column("逾期"),
                  Column("满意度", Kind.INT)]


class RequestCreate(BaseModel):
    category: str = Field(max_length=32, description=f"one of {', '.join(CATEGORIES)}")
    summary: str = Field(min_length=1, max_length=requests.SUMMARY_MAX)
    #: the admin names the enterprise; an enterprise's own request leaves it out
    uscc: str | None = Field(default=None, max_length=18)


class RequestText(BaseModel):
    text: str = Field(min_length=1, max_length=requests.TEXT_MAX)
    version: int | None = None


class RequestRating(BaseModel):
    satisfaction: int = Field(ge=RATING_MIN, le=RATING_MAX)
    version: int | None = None


# --- API ------------------------------------------------------------------------------------------


@api.get("", response_model=views.RequestPage)
def list_requests(session: SessionDep, user: CurrentUser, now: Now,
                  filters: Filters) -> views.RequestPage:
    """The requests you reach: an enterprise its own, a clerk its department's, an officer its
    town's, the admin all."""
    return views.list_requests(session=session, actor=user, filters=filters,
                               today=requests.county_day(now))


@api.get("/export.xlsx", response_class=Response)
def export(session: SessionDep, user: CurrentUser, now: Now, filters: Filters) -> Response:
    """What the filters select, every page."""
    page = views.list_requests(session=session, actor=user, filters=filters,
                               today=requests.county_day(now), paged=False)
    yes_no = {True: "是", False: "否", None: ""}
    rows = ([r.request_no, r.uscc, r.enterprise, r.town, label_zh("request_category", r.category),
             r.summary, label_zh("department", r.department), label_zh("request", r.status),
             r.submitted_on, r.due_on, r.accepted_on, r.closed_on, yes_no[r.on_time],
             "逾期" if r.overdue else None, r.satisfaction] for r in page.items)
    return download(workbook(EXPORT_COLUMNS, rows, "三服务诉求"), "service-requests.xlsx")


@api.get("/statistics", response_model=views.Statistics)
def statistics(session: SessionDep, user: CurrentUser, now: Now,
               year: YearQuery = None) -> views.Statistics:
    """Per department for the year: received, closed, closed on time, overdue open, mean
    satisfaction."""
    return views.statistics(session=session, actor=user, year=year,
                            today=requests.county_day(now))


@api.post("", response_model=views.RequestDetail, status_code=201, dependencies=[CsrfDep])
def submit(body: RequestCreate, session: SessionDep, user: CurrentUser,
           now: Now) -> views.RequestDetail:
    today = requests.county_day(now)
    req = requests.submit_request(session=session, actor=user, category=body.category,
                                  summary=body.summary, uscc=body.uscc, today=today)
    session.commit()
    return views.request_detail(session=session, actor=user, request_id=req.id, today=today)


@api.get("/{request_id}", response_model=views.RequestDetail)
def get_request(request_id: RequestId, session: SessionDep, user: CurrentUser,
                now: Now) -> views.RequestDetail:
    return views.request_detail(session=session, actor=user, request_id=request_id,
                                today=requests.county_day(now))


def _detail(session: SessionDep, user: CurrentUser, request_id: int,
            now: Now) -> views.RequestDetail:
    session.commit()
    return views.request_detail(session=session, actor=user, request_id=request_id,
                                today=requests.county_day(now))


@api.post("/{request_id}/accept", response_model=views.RequestDetail, dependencies=[CsrfDep])
def accept(request_id: RequestId, session: SessionDep, user: CurrentUser,
           now: Now) -> views.RequestDetail:
    """诉求 → 办理中 (the responsible department)."""
    requests.accept_request(session=session, actor=user, request_id=request_id,
                            today=requests.county_day(now))
    return _detail(session, user, request_id, now)


@api.post("/{request_id}/notes", response_model=views.RequestDetail, dependencies=[CsrfDep])
def note(request_id: RequestId, body: RequestText, session: SessionDep, user: CurrentUser,
         now: Now) -> views.RequestDetail:
    requests.add_note(session=session, actor=user, request_id=request_id, text=body.text,
                      today=requests.county_day(now), version=body.version)
    return _detail(session, user, request_id, now)


@api.post("/{request_id}/close", response_model=views.RequestDetail, dependencies=[CsrfDep])
def close(request_id: RequestId, body: RequestText, session: SessionDep, user: CurrentUser,
          now: Now) -> views.RequestDetail:
    """办结 with the reply (``text``) to the enterprise."""
    requests.close_request(session=session, actor=user, request_id=request_id, reply=body.text,
                           today=requests.county_day(now), version=body.version)
    return _detail(session, user, request_id, now)


@api.post("/{request_id}/rate", response_model=views.RequestDetail, dependencies=[CsrfDep])
def rate(request_id: RequestId, body: RequestRating, session: SessionDep, user: CurrentUser,
         now: Now) -> views.RequestDetail:
    """The enterprise's satisfaction 1–10 with its closed request, once."""
    requests.rate_request(session=session, actor=user, request_id=request_id,
                          satisfaction=body.satisfaction, now=now, version=body.version)
    return _detail(session, user, request_id, now)


# --- pages ----------------------------------------------------------------------------------------


@pages.get("/requests")
def requests_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
                  filters: Filters) -> Response:
    page = views.list_requests(session=session, actor=user, filters=filters,
                               today=requests.county_day(now))
    return render(request, "programmes/requests.html", user, page=page, filters=filters,
                  may_submit=user.role == Role.ENTERPRISE and allowed(user,
                                                                      Action.REQUESTS_SUBMIT),
                  may_stats=allowed(user, Action.REQUESTS_STATS),
                  submitted=request.query_params.get("submitted"),
                  **controls(page_statuses=[(s, s) for s in STATUSES], department_of=DEPARTMENT_OF))


@pages.get("/requests/statistics")
def statistics_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
                    year: YearQuery = None) -> Response:
    stats = views.statistics(session=session, actor=user, year=year,
                             today=requests.county_day(now))
    return render(request, "programmes/request_statistics.html", user, stats=stats,
                  may_list=allowed(user, Action.REQUESTS_VIEW))


@pages.post("/requests", dependencies=[CsrfDep])
def submit_page(session: SessionDep, user: CurrentUser, now: Now,
                category: Annotated[str, Form(max_length=32)],
                summary: Annotated[str, Form(min_length=1,
                                             max_length=requests.SUMMARY_MAX)]) -> Response:
    req = requests.submit_request(session=session, actor=user, category=category,
                                  summary=summary, today=requests.county_day(now))
    session.commit()
    return RedirectResponse(f"/requests?submitted={req.request_no}", status_code=303)


@pages.get("/requests/{request_id}")
def request_page(request: Request, request_id: RequestId, session: SessionDep,
                 user: CurrentUser, now: Now) -> Response:
    detail = views.request_detail(session=session, actor=user, request_id=request_id,
                                  today=requests.county_day(now))
    may_handle = allowed(user, Action.REQUESTS_HANDLE) and detail.status != "closed"
    may_rate = (user.role == Role.ENTERPRISE and detail.status == "closed"
                and detail.satisfaction is None)
    return render(request, "programmes/request.html", user, r=detail, may_handle=may_handle,
                  may_rate=may_rate, ratings=range(RATING_MAX, RATING_MIN - 1, -1))


def _back(session: Session, request_id: int) -> RedirectResponse:
    """The page form's write committed, back to the request."""
    session.commit()
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


@pages.post("/requests/{request_id}/accept", dependencies=[CsrfDep])
def accept_page(request_id: RequestId, session: SessionDep, user: CurrentUser, now: Now,
                version: Version = None) -> Response:
    requests.accept_request(session=session, actor=user, request_id=request_id,
                            today=requests.county_day(now), version=version)
    return _back(session, request_id)


@pages.post("/requests/{request_id}/notes", dependencies=[CsrfDep])
def note_page(request_id: RequestId, session: SessionDep, user: CurrentUser, now: Now,
              text: Text, version: Version = None) -> Response:
    requests.add_note(session=session, actor=user, request_id=request_id, text=text,
                      today=requests.county_day(now), version=version)
    return _back(session, request_id)


@pages.post("/requests/{request_id}/close", dependencies=[CsrfDep])
def close_page(request_id: RequestId, session: SessionDep, user: CurrentUser, now: Now,
               reply: Text, version: Version = None) -> Response:
    requests.close_request(session=session, actor=user, request_id=request_id, reply=reply,
                           today=requests.county_day(now), version=version)
    return _back(session, request_id)


@pages.post("/requests/{request_id}/rate", dependencies=[CsrfDep])
def rate_page(request_id: RequestId, session: SessionDep, user: CurrentUser, now: Now,
              satisfaction: Annotated[int, Form(ge=RATING_MIN, le=RATING_MAX)],
              version: Version = None) -> Response:
    requests.rate_request(session=session, actor=user, request_id=request_id,
                          satisfaction=satisfaction, now=now, version=version)
    return _back(session, request_id)
