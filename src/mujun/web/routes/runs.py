"""评价批次: create, publish for notice, appeals and their resolution, finalise, what-if, diff,
and the 公示名单 export."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from mujun.services import access, appeals, job_tasks, run_views, runs
from mujun.services.access import Action
from mujun.services.policies.choice import choices, named_policy
from mujun.services.policy_view import MAX_POLICY_BYTES, decode_upload
from mujun.services.schemas import AppealPublic, RunPublic
from mujun.services.values import CORRECTABLE, field_key, parse_corrections
from mujun.store.models import Job, User
from mujun.web.deps import CsrfDep, CurrentUser, Now, SessionDep
from mujun.web.render import render
from mujun.web.routes.jobs import JobPublic, accepted, queued
from mujun.web.xlsx import download

api = APIRouter(prefix="/api", tags=["runs"])
pages = APIRouter(include_in_schema=False)

RunId = Annotated[int, Path(ge=1, le=2**31 - 1)]
AppealId = Annotated[int, Path(ge=1, le=2**31 - 1)]


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


@api.get("/runs", response_model=list[run_views.RunSummary])
def list_runs(session: SessionDep, user: CurrentUser) -> list[run_views.RunSummary]:
    return run_views.list_runs(session=session, actor=user)


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
            klass: Annotated[str | None, Query(pattern="^[ABCD]$")] = None,
            q: Annotated[str | None, Query(max_length=100)] = None,
            page: Annotated[int, Query(ge=1, le=100_000)] = 1,
            per_page: Annotated[int, Query(ge=1, le=500)] = 100) -> run_views.RunDetail:
    return run_views.run_detail(session=session, actor=user, run_id=run_id, klass=klass, q=q,
                                page=page, per_page=per_page, now=now)


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


@api.get("/runs/{run_id}/diff", response_model=run_views.RunDiff)
def diff(run_id: RunId, other: Annotated[int, Query(ge=1, le=2**31 - 1)], session: SessionDep,
         user: CurrentUser) -> run_views.RunDiff:
    """Enterprises whose class differs between this run and ``other``."""
    return run_views.run_diff(session=session, actor=user, run_a=run_id, run_b=other)


@api.post("/runs/{run_id}/what-if", response_model=run_views.WhatIfPublic, dependencies=[CsrfDep])
def what_if(run_id: RunId, body: WhatIfRequest, session: SessionDep,
            user: CurrentUser) -> run_views.WhatIfPublic:
    """政策模拟: the run's frozen inputs under a shipped policy or another run's frozen policy
    (nothing is stored)."""
    access.require(user, Action.RUNS_MANAGE)
    return run_views.what_if(session=session, actor=user, run_id=run_id,
                             policy_name=body.policy_name, policy_run_id=body.policy_run_id)


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
def runs_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return render(request, "runs.html", user, runs=run_views.list_runs(session=session, actor=user),
                  policies=choices(session))


@pages.post("/runs", dependencies=[CsrfDep])
def create_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
                year: Annotated[int, Form(ge=1990, le=2100)],
                policy_name: Annotated[str, Form(max_length=100)] = "") -> Response:
    body = RunCreate(year=year, policy_name=policy_name or None)
    job = _queue_run(request, body, session, user, now)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@pages.get("/runs/{run_id}")
def run_page(request: Request, run_id: RunId, session: SessionDep, user: CurrentUser, now: Now,
             klass: Annotated[str | None, Query(pattern="^[ABCD]?$")] = None,
             q: Annotated[str | None, Query(max_length=100)] = None,
             page: Annotated[int, Query(ge=1)] = 1,
             other: Annotated[int | None, Query(ge=1)] = None) -> Response:
    detail = run_views.run_detail(session=session, actor=user, run_id=run_id, klass=klass or None,
                                  q=q, page=page, now=now)
    changes = (run_views.run_diff(session=session, actor=user, run_a=run_id, run_b=other)
               if other else None)
    return render(request, "run.html", user, d=detail, diff=changes, whatif=None,
                  correctable=CORRECTABLE, policy_titles=run_views.policy_titles(session),
                  runs=run_views.list_runs(session=session, actor=user),
                  policies=run_views.what_if_policies(session, detail.run.year),
                  klass=klass or "",
                  q=q or "")


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
                 now: Now,
                 policy_name: Annotated[str, Form(max_length=100)] = "",
                 file: Annotated[UploadFile | None, File()] = None) -> Response:
    access.require(user, Action.RUNS_MANAGE)
    text = None
    if file is not None and file.filename:
        # a synchronous endpoint (a worker thread): the evaluation below must not hold the event
        # loop, where every other request waits (docs/security.md, "Connection pool")
        text = decode_upload(file.file.read(MAX_POLICY_BYTES + 1), name=file.filename)
    result = run_views.what_if(session=session, actor=user, run_id=run_id,
                               policy_name=None if text is not None else policy_name or None,
                               policy_text=text)
    detail = run_views.run_detail(session=session, actor=user, run_id=run_id, now=now)
    return render(request, "run.html", user, d=detail, diff=None, whatif=result,
                  correctable=CORRECTABLE, policy_titles=run_views.policy_titles(session),
                  runs=run_views.list_runs(session=session, actor=user),
                  policies=run_views.what_if_policies(session, detail.run.year), klass="",
                  q="")


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
