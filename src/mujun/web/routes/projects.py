"""招商/重大项目: the pipeline by stage, the project list (filter, sort, page, .xlsx), a
leader's own projects, one project with its stage timeline, and moving a project's stage
(docs/projects.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from mujun.engine.projects.stages import STAGE_NAMES, STAGES
from mujun.io.number_formats import Kind
from mujun.io.xlsx_table import Column
from mujun.services.errors import InvalidInput
from mujun.services.projects import stages, views
from mujun.store.models import User
from mujun.web.deps import CsrfDep, CurrentUser, Now, SessionDep, get_lang
from mujun.web.i18n import Translator
from mujun.web.render import render
from mujun.web.xlsx import download, workbook

api = APIRouter(prefix="/api/projects", tags=["projects"])
pages = APIRouter(include_in_schema=False)

#: the list's query as one model: empty fields count as not given (list_query.ListQuery)
Filters = Annotated[views.ProjectQuery, Query()]
ProjectId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the project's id")]
EXPORT_COLUMNS = [Column("项目编号", Kind.CODE), Column("项目名称"), Column("阶段"),
                  Column("牵头领导"), Column("行业"), Column("计划投资", Kind.MONEY, "万元"),
                  Column("实际投资", Kind.MONEY, "万元"), Column("签约日期", Kind.DATE),
                  Column("进入本阶段日期", Kind.DATE), Column("本阶段天数", Kind.INT),
                  Column("滞后"), Column("统一社会信用代码", Kind.CODE),
                  Column("地块编号", Kind.CODE)]


class StageMove(BaseModel):
    stage: str = Field(max_length=24)
    on: date
    reason: str | None = Field(default=None, max_length=500)


def _today(now: Now) -> date:
    return now.date()


@api.get("", response_model=views.ProjectPage)
def list_projects(session: SessionDep, user: CurrentUser, now: Now,
                  filters: Filters) -> views.ProjectPage:
    """The projects you may see, with their stage, investment and 滞后."""
    return views.list_projects(session=session, actor=user, today=_today(now), filters=filters)


@api.get("/pipeline", response_model=views.Pipeline)
def pipeline(session: SessionDep, user: CurrentUser, now: Now) -> views.Pipeline:
    """Per stage: projects, planned and actual investment (万元), how many are 滞后."""
    return views.pipeline(session=session, actor=user, today=_today(now))


@api.get("/export.xlsx", response_class=Response)
def export(session: SessionDep, user: CurrentUser, now: Now, filters: Filters) -> Response:
    """What the filters select, every page."""
    page = views.list_projects(session=session, actor=user, today=_today(now), filters=filters,
                               paged=False)
    rows = ([r.code, r.name, STAGE_NAMES[r.stage], r.lead, r.industry, r.planned_investment_wan,
             r.actual_investment_wan, r.signed, r.since, r.days, "滞后" if r.behind else "",
             r.uscc, r.parcel_code] for r in page.items)
    return download(workbook(EXPORT_COLUMNS, rows, "招商项目"), "projects.xlsx")


@api.get("/{project_id}", response_model=views.ProjectDetail)
def get_project(project_id: ProjectId, session: SessionDep, user: CurrentUser,
                now: Now) -> views.ProjectDetail:
    """One project with its stage history (404 outside your scope)."""
    return views.project_detail(session=session, actor=user, project_id=project_id,
                                today=_today(now))


@api.post("/{project_id}/stage", response_model=views.ProjectDetail, dependencies=[CsrfDep])
def move(project_id: ProjectId, body: StageMove, session: SessionDep, user: CurrentUser,
         now: Now) -> views.ProjectDetail:
    """Move the project to another stage on a day; a step back needs a reason."""
    stages.move_stage(session=session, actor=user, project_id=project_id, stage=body.stage,
                      on=body.on, today=_today(now), reason=body.reason)
    session.commit()
    return views.project_detail(session=session, actor=user, project_id=project_id,
                                today=_today(now))


def _list_page(request: Request, session: SessionDep, user: User, now: Now,
               filters: views.ProjectQuery, mine: bool) -> Response:
    today = _today(now)
    return render(request, "projects/list.html", user, mine=mine, filters=filters,
                  pipeline=views.pipeline(session=session, actor=user, today=today, mine=mine),
                  page=views.list_projects(session=session, actor=user, today=today,
                                           filters=filters, mine=mine))


@pages.get("/projects")
def projects_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
                  filters: Filters) -> Response:
    return _list_page(request, session, user, now, filters, mine=False)


@pages.get("/projects/mine")
def my_projects_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
                     filters: Filters) -> Response:
    return _list_page(request, session, user, now, filters, mine=True)


def _project_page(request: Request, session: SessionDep, user: User, project_id: int, now: Now,
                  status_code: int = 200, error: str | None = None) -> Response:
    detail = views.project_detail(session=session, actor=user, project_id=project_id,
                                  today=_today(now))
    order = STAGES.index(detail.project.stage)
    return render(request, "projects/project.html", user, status_code=status_code, d=detail,
                  p=detail.project, error=error, today=_today(now),
                  stages=STAGES, next_stage=STAGES[order + 1] if order + 1 < len(STAGES) else None,
                  moved=request.query_params.get("moved"))


@pages.get("/projects/{project_id}")
def project_page(request: Request, project_id: ProjectId, session: SessionDep,
                 user: CurrentUser, now: Now) -> Response:
    return _project_page(request, session, user, project_id, now)


@pages.post("/projects/{project_id}/stage", dependencies=[CsrfDep])
def move_page(request: Request, project_id: ProjectId, session: SessionDep, user: CurrentUser,
              now: Now, stage: Annotated[str, Form(max_length=24)],
              on: Annotated[date, Form()],
              reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    try:
        stages.move_stage(session=session, actor=user, project_id=project_id, stage=stage, on=on,
                          today=_today(now), reason=reason)
    except InvalidInput as exc:
        session.rollback()
        return _project_page(request, session, user, project_id, now, status_code=422,
                             error=Translator(get_lang(request)).error(exc))
    session.commit()
    return RedirectResponse(f"/projects/{project_id}?moved=1", status_code=303)
