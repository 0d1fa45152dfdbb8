"""评价批次: create, publish for notice, appeals and their resolution, finalise, what-if, diff,
and the 公示名单 export."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from mujun.engine.labels import EXEMPT_ZH, GROUP_ZH
from mujun.io.number_formats import Kind
from mujun.io.xlsx_table import Column
from mujun.services import access, appeals, job_tasks, run_views, runs
from mujun.services.access import Action
from mujun.services.errors import InvalidInput
from mujun.services.list_query import Page, options
from mujun.services.policies.choice import choices, named_policy
from mujun.services.policy_view import MAX_POLICY_BYTES, decode_upload
from mujun.services.schemas import AppealPublic, RunPublic
from mujun.services.values import CORRECTABLE, field_key, parse_corrections
from mujun.store.models import Job, RunStatus, User
from mujun.web.deps import CsrfDep, CurrentUser, Now, SessionDep
from mujun.web.list_controls import controls
from mujun.web.render import render
from mujun.web.routes.jobs import JobPublic, accepted, queued
from mujun.web.xlsx import download, workbook

api = APIRouter(prefix="/api", tags=["runs"])
pages = APIRouter(include_in_schema=False)

RunId = Annotated[int, Path(ge=1, le=2**31 - 1)]
AppealId = Annotated[int, Path(ge=1, le=2**31 - 1)]
#: the lists' queries, each one model: empty fields count as not given (list_query.ListQuery)
RunFilters = Annotated[run_views.RunQuery, Query()]
Results = Annotated[run_views.ResultQuery, Query()]
Changes = Annotated[run_views.ChangeQuery, Query()]
Compare = Annotated[run_views.CompareQuery, Query()]
WhatIfFilters = Annotated[run_views.WhatIfQuery, Query()]


class RunCreate(BaseModel):
    year: int = Field(ge=1990, le=2100)
    policy_name: str | None = Field(
        default=None, max_length=100,
        description="a stored or shipped policy by name (default: the one for the year)")
    note: str | None = Field(default=None, max_length=500)


class AppealCreate(BaseModel):
    uscc: str = Field(min_length=1, max_length=18)
    reason: str = Field(min_length=1, max_length=5000)


class AppealResolve(BaseModel):
    accept: bool
    note: str = Field(min_length=1, max_length=2000)
    #: field → corrected value, applied when accepted (a new run version follows)
    corrections: dict[str, str | float | bool | None] | None = None


class WhatIfRequest(BaseModel):
    policy_name: str | None = Field(default=None, max_length=100,
                                    description="a stored or shipped policy, by name (never "
                                                "a path)")
    policy_run_id: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                      description="or the policy frozen in this run")


# --- API -----------------------------------------------------------------------------------------


@api.get("/runs", response_model=Page[run_views.RunSummary])
def list_runs(session: SessionDep, user: CurrentUser,
              filters: RunFilters) -> Page[run_views.RunSummary]:
    return run_views.runs_page(session=session, actor=user, filters=filters)


def _queue_run(request: Request, body: RunCreate, session: Session, user: User,
               now: Any) -> Job:
    access.require(user, Action.RUNS_MANAGE)
    if body.policy_name is not None:
        named_policy(session, body.policy_name)  # 404 before queueing for an unknown name
    return queued(request, session, user, job_tasks.RUN_CREATE,
                  {**body.model_dump(), "now": now.isoformat()})


@api.post("/runs", response_model=JobPublic, status_code=202, dependencies=[CsrfDep])
def create_run(request: Request, body: RunCreate, session: SessionDep, user: CurrentUser,
               now: Now) -> Response:
    """Queue the run (202, poll ``url``): the job freezes the year's inputs and the policy,
    evaluates and stores the results (a draft); its result names the new run."""
    return accepted(_queue_run(request, body, session, user, now))


@api.get("/runs/{run_id}", response_model=run_views.RunDetail)
def get_run(run_id: RunId, session: SessionDep, user: CurrentUser, now: Now,
            filters: Results) -> run_views.RunDetail:
    return run_views.run_detail(session=session, actor=user, run_id=run_id, filters=filters,
                                now=now)


RESULT_COLUMNS = [Column("统一社会信用代码", Kind.CODE), Column("企业名称"), Column("乡镇街道"),
                  Column("行业"), Column("组别"), Column("免评原因"),
                  Column("综合得分", Kind.SCORE), Column("组内排名", Kind.INT),
                  Column("评价档次"), Column("一票否决"), Column("低效用地")]


@api.get("/runs/{run_id}/results.xlsx", response_class=Response)
def export_results(run_id: RunId, session: SessionDep, user: CurrentUser,
                   filters: Results) -> Response:
    """The results the filters select, every page, as .xlsx."""
    rows = run_views.run_results(session=session, actor=user, run_id=run_id, filters=filters)
    return download(workbook(RESULT_COLUMNS, (
        [r.uscc, r.name, r.town, r.industry, GROUP_ZH.get(r.group or "", r.group),
         EXEMPT_ZH.get(r.exempt_reason or "", r.exempt_reason), r.score, r.rank, r.klass,
         r.vetoed, r.low_efficiency] for r in rows), "评价结果"), f"results-{run_id}.xlsx")


def _changes_xlsx(changes: run_views.ChangePage, before: str, after: str, sheet: str,
                  name: str) -> Response:
    """Who changes class, ``before`` → ``after`` (the older run or the base policy first)."""
    headers = [Column("统一社会信用代码", Kind.CODE), Column("企业名称"), Column("组别"),
               Column(f"{before} 档次"), Column(f"{after} 档次"),
               Column(f"{before} 得分", Kind.SCORE), Column(f"{after} 得分", Kind.SCORE),
               Column(f"得分变化（{after} − {before}）", Kind.SCORE)]
    rows = ([c.uscc, c.name, GROUP_ZH.get(c.group or "", c.group), c.class_before,
             c.class_after, c.score_before, c.score_after, c.change] for c in changes.items)
    return download(workbook(headers, rows, sheet), name)


@api.post("/runs/{run_id}/publish", response_model=RunPublic, dependencies=[CsrfDep])
def publish(run_id: RunId, session: SessionDep, user: CurrentUser, now: Now) -> RunPublic:
    """Open public notice (公示) for the policy's ``notice_days``."""
    run = runs.publish_run(session=session, actor=user, run_id=run_id, now=now)
    session.commit()
    return RunPublic.model_validate(run)


@api.post("/runs/{run_id}/finalize", response_model=RunPublic, dependencies=[CsrfDep])
def finalize(run_id: RunId, session: SessionDep, user: CurrentUser, now: Now) -> RunPublic:
    """Close a run after its notice, when no appeal is pending."""
    run = runs.finalize_run(session=session, actor=user, run_id=run_id, now=now)
    session.commit()
    return RunPublic.model_validate(run)


def _diff(session: Session, user: User, run_id: int, filters: run_views.CompareQuery,
          paged: bool = True) -> run_views.RunDiff:
    if filters.other is None:
        raise InvalidInput("请选择要比较的另一批次（other）")
    return run_views.run_diff(session=session, actor=user, run_a=run_id, run_b=filters.other,
                              filters=filters, paged=paged)


@api.get("/runs/{run_id}/diff", response_model=run_views.RunDiff)
def diff(run_id: RunId, session: SessionDep, user: CurrentUser,
         filters: Compare) -> run_views.RunDiff:
    """Enterprises whose class differs between this run and ``other``, read older → newer."""
    return _diff(session, user, run_id, filters)


@api.get("/runs/{run_id}/diff.xlsx", response_class=Response)
def export_diff(run_id: RunId, session: SessionDep, user: CurrentUser,
                filters: Compare) -> Response:
    """The comparison's rows the filters select, every page, as .xlsx."""
    d = _diff(session, user, run_id, filters, paged=False)
    return _changes_xlsx(d, d.run_a, d.run_b, "档次变化", f"compare-{d.run_a}-{d.run_b}.xlsx")


@api.post("/runs/{run_id}/what-if", response_model=run_views.WhatIfPublic, dependencies=[CsrfDep])
def what_if(run_id: RunId, body: WhatIfRequest, session: SessionDep,
            user: CurrentUser, filters: Changes) -> run_views.WhatIfPublic:
    """政策模拟: the run's frozen inputs under a shipped policy or another run's frozen policy
    (nothing is stored); the query filters, sorts and pages who changes class."""
    access.require(user, Action.RUNS_MANAGE)
    return run_views.what_if(session=session, actor=user, run_id=run_id,
                             policy_name=body.policy_name, policy_run_id=body.policy_run_id,
                             filters=filters)


def _what_if_xlsx(result: run_views.WhatIfPublic) -> Response:
    return _changes_xlsx(result, result.base_policy, result.other_policy, "政策模拟",
                         f"what-if-{result.run}-{result.other_policy}.xlsx")


@api.get("/runs/{run_id}/what-if.xlsx", response_class=Response)
def export_what_if(run_id: RunId, session: SessionDep, user: CurrentUser,
                   filters: WhatIfFilters) -> Response:
    """The what-if's rows the filters select, every page, as .xlsx (a shipped policy)."""
    access.require(user, Action.RUNS_MANAGE)
    result = run_views.what_if(session=session, actor=user, run_id=run_id,
                               policy_name=filters.policy_name or "", filters=filters,
                               paged=False)
    return _what_if_xlsx(result)


@api.get("/runs/{run_id}/notice.xlsx", response_class=Response)
def notice(run_id: RunId, session: SessionDep, user: CurrentUser) -> Response:
    """The 公示名单 as a formatted .xlsx, ready to print."""
    name, data = run_views.notice_list(session=session, actor=user, run_id=run_id)
    return download(data, name)


def _file_appeal(session: Session, user: User, run_id: int, uscc: str, reason: str,
                 now: Any) -> Any:
    appeal = appeals.file_appeal(session=session, actor=user, run_id=run_id, uscc=uscc,
                                 reason=reason, now=now)
    session.commit()
    return appeal


@api.post("/runs/{run_id}/appeals", response_model=AppealPublic, status_code=201,
          dependencies=[CsrfDep])
def file_appeal(run_id: RunId, body: AppealCreate, session: SessionDep, user: CurrentUser,
                now: Now) -> AppealPublic:
    """申诉 during public notice: an enterprise for itself (or an admin on its behalf)."""
    return AppealPublic.model_validate(_file_appeal(session, user, run_id, body.uscc,
                                                    body.reason, now))


def _resolve(session: Session, user: User, appeal_id: int, accept: bool, note: str,
             corrections: dict[str, Any] | None, now: Any) -> Any:
    appeal = appeals.resolve_appeal(session=session, actor=user, appeal_id=appeal_id,
                                    accept=accept, note=note,
                                    corrections=parse_corrections(corrections), now=now)
    session.commit()
    return appeal


def _queue_accept(request: Request, session: Session, user: User, appeal_id: int, note: str,
                  corrections: dict[str, Any] | None, now: Any) -> Job:
    """Accepting recomputes the run: a job (the corrections are checked now)."""
    access.require(user, Action.RUNS_MANAGE)
    appeals.require_pending(session=session, appeal_id=appeal_id)
    parse_corrections(corrections)  # refused now rather than in the job
    by_key = {field_key(k): v for k, v in corrections.items()} if corrections else None
    return queued(request, session, user, job_tasks.APPEAL_ACCEPT,
                  {"appeal_id": appeal_id, "note": note, "corrections": by_key,
                   "now": now.isoformat()})


@api.post("/appeals/{appeal_id}/resolve", response_model=AppealPublic,
          responses={202: {"model": JobPublic, "description": "accepted: the new run is a job"}},
          dependencies=[CsrfDep])
def resolve(request: Request, appeal_id: AppealId, body: AppealResolve, session: SessionDep,
            user: CurrentUser, now: Now) -> Any:
    """Reject with a note, or accept: 202 and a job that applies the corrections and creates the
    new run version (poll ``url``)."""
    if body.accept:
        return accepted(_queue_accept(request, session, user, appeal_id, body.note,
                                      body.corrections, now))
    return AppealPublic.model_validate(_resolve(session, user, appeal_id, body.accept,
                                                body.note, body.corrections, now))


# --- pages ---------------------------------------------------------------------------------------


def _back(run_id: int) -> RedirectResponse:
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


@pages.get("/runs")
def runs_page(request: Request, session: SessionDep, user: CurrentUser,
              filters: RunFilters) -> Response:
    page = run_views.runs_page(session=session, actor=user, filters=filters)
    years = sorted({r.year for r in run_views.list_runs(session=session, actor=user)})
    return render(request, "runs.html", user, page=page, filters=filters,
                  policies=choices(session),
                  policy_titles=run_views.policy_titles(session),
                  **controls(years=options(years), statuses=options(list(RunStatus))))


@pages.post("/runs", dependencies=[CsrfDep])
def create_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
                year: Annotated[int, Form(ge=1990, le=2100)],
                policy_name: Annotated[str, Form(max_length=100)] = "") -> Response:
    body = RunCreate(year=year, policy_name=policy_name or None)
    job = _queue_run(request, body, session, user, now)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@pages.get("/runs/{run_id}")
def run_page(request: Request, run_id: RunId, session: SessionDep, user: CurrentUser, now: Now,
             filters: Results) -> Response:
    detail = run_views.run_detail(session=session, actor=user, run_id=run_id, filters=filters,
                                  now=now)
    return render(request, "run.html", user, d=detail, filters=filters,
                  correctable=CORRECTABLE, policy_titles=run_views.policy_titles(session),
                  runs=run_views.list_runs(session=session, actor=user),
                  policies=run_views.what_if_policies(session, detail.run.year),
                  **controls(options=run_views.result_options(session=session, actor=user,
                                                              run_id=run_id)))


def _changes_page(request: Request, session: Session, user: User, run_id: int,
                  filters: run_views.ChangeQuery, *, diff: run_views.RunDiff | None = None,
                  whatif: run_views.WhatIfPublic | None = None,
                  uploaded: bool = False) -> Response:
    """Who changes class (a comparison or a what-if), under the run's label and state."""
    run = next(r for r in run_views.list_runs(session=session, actor=user) if r.id == run_id)
    return render(request, "run_changes.html", user, run_id=run_id, run=run, diff=diff,
                  whatif=whatif, filters=filters, uploaded=uploaded,
                  policy_titles=run_views.policy_titles(session), **controls())


@pages.get("/runs/{run_id}/compare")
def compare_page(request: Request, run_id: RunId, session: SessionDep, user: CurrentUser,
                 filters: Compare) -> Response:
    changes = _diff(session, user, run_id, filters)
    return _changes_page(request, session, user, run_id, filters, diff=changes)


@pages.get("/runs/{run_id}/what-if")
def what_if_get_page(request: Request, run_id: RunId, session: SessionDep, user: CurrentUser,
                     filters: WhatIfFilters) -> Response:
    """政策模拟 under a shipped policy: a plain GET, so its filters, pages and export are links."""
    access.require(user, Action.RUNS_MANAGE)
    result = run_views.what_if(session=session, actor=user, run_id=run_id,
                               policy_name=filters.policy_name or "", filters=filters)
    return _changes_page(request, session, user, run_id, filters, whatif=result)


@pages.post("/runs/{run_id}/publish", dependencies=[CsrfDep])
def publish_page(run_id: RunId, session: SessionDep, user: CurrentUser, now: Now) -> Response:
    publish(run_id, session, user, now)
    return _back(run_id)


@pages.post("/runs/{run_id}/finalize", dependencies=[CsrfDep])
def finalize_page(run_id: RunId, session: SessionDep, user: CurrentUser, now: Now) -> Response:
    finalize(run_id, session, user, now)
    return _back(run_id)


@pages.post("/runs/{run_id}/what-if", dependencies=[CsrfDep])
def what_if_page(request: Request, run_id: RunId, session: SessionDep, user: CurrentUser,
                 policy_name: Annotated[str, Form(max_length=100)] = "",
                 export: Annotated[str, Form(max_length=8)] = "",
                 file: Annotated[UploadFile | None, File()] = None) -> Response:
    """政策模拟 under an uploaded policy: every change on one page, or (``export``) as .xlsx."""
    access.require(user, Action.RUNS_MANAGE)
    text = None
    if file is not None and file.filename:
        # a synchronous endpoint (a worker thread): the evaluation below must not hold the event
        # loop, where every other request waits (docs/security.md, "Connection pool")
        text = decode_upload(file.file.read(MAX_POLICY_BYTES + 1), name=file.filename)
    elif policy_name and not export:
        # a shipped policy: the GET page, whose filters, pager and export are links
        return RedirectResponse(f"/runs/{run_id}/what-if?policy_name={quote(policy_name)}",
                                status_code=303)
    result = run_views.what_if(session=session, actor=user, run_id=run_id,
                               policy_name=None if text is not None else policy_name or None,
                               policy_text=text, paged=False)
    if export:
        return _what_if_xlsx(result)
    return _changes_page(request, session, user, run_id, run_views.WhatIfQuery(), whatif=result,
                         uploaded=True)


@pages.post("/runs/{run_id}/appeals", dependencies=[CsrfDep])
def appeal_page(run_id: RunId, session: SessionDep, user: CurrentUser, now: Now,
                uscc: Annotated[str, Form(max_length=18)],
                reason: Annotated[str, Form(min_length=1, max_length=5000)]) -> Response:
    appeal = _file_appeal(session, user, run_id, uscc, reason, now)
    # the portrait confirms the filing (``filed``) and lists the appeal's state
    return RedirectResponse(f"/enterprises/{appeal.uscc}?filed={appeal.id}#appeals",
                            status_code=303)


@pages.post("/appeals/{appeal_id}/resolve", dependencies=[CsrfDep])
def resolve_page(request: Request, appeal_id: AppealId, session: SessionDep, user: CurrentUser,
                 now: Now,
                 decision: Annotated[str, Form(pattern="^(accept|reject)$")],
                 note: Annotated[str, Form(min_length=1, max_length=2000)],
                 field: Annotated[str, Form(max_length=32)] = "",
                 value: Annotated[str, Form(max_length=100)] = "") -> Response:
    corrections = {field: value} if decision == "accept" and field else None
    if decision == "accept":
        job = _queue_accept(request, session, user, appeal_id, note, corrections, now)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)
    appeal = _resolve(session, user, appeal_id, False, note, corrections, now)
    return _back(appeal.run_id)
