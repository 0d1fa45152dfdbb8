"""任务: the state of a background job (an import, a run), its result and its error report."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.services import jobs
from mujun.services.errors import NotFound
from mujun.store.models import Job, User
from mujun.web.deps import CurrentUser, SessionDep
from mujun.web.render import render
from mujun.web.xlsx import download

api = APIRouter(prefix="/api/jobs", tags=["jobs"])
pages = APIRouter(include_in_schema=False)

JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class JobPublic(BaseModel):
    id: int
    kind: str
    status: str
    progress: float
    message: str
    #: what was asked: department, year, the upload's name as sent (trimmed) …
    params: dict[str, Any]
    #: an import: its report with the first problems and their total; a run: its id and label
    result: dict[str, Any] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    #: poll this while the job is queued or running
    url: str
    page: str
    #: the complete error report (.xlsx), when the import found problems
    report_url: str | None


def job_public(job: Job) -> JobPublic:
    params = {k: v for k, v in job.params.items() if k != "now"}
    return JobPublic(
        id=job.id, kind=job.kind, status=job.status, progress=job.progress, message=job.message,
        params=params, result=job.result, created_at=job.created_at, started_at=job.started_at,
        finished_at=job.finished_at, url=f"/api/jobs/{job.id}", page=f"/jobs/{job.id}",
        report_url=f"/api/jobs/{job.id}/report.xlsx" if job.has_report else None,
    )


def queued(request: Request, session: Session, user: User, kind: str, params: dict[str, Any],
           payload: bytes | None = None) -> Job:
    """Queue a job of ``user`` (limits checked), commit, and wake the pool."""
    job = jobs.submit(session=session, actor=user, kind=kind, params=params, payload=payload,
                      now=request.app.state.clock())
    session.commit()
    request.app.state.jobs.kick()
    return job


def accepted(job: Job) -> JSONResponse:
    """202 Accepted: the job's state and where to poll it."""
    body = job_public(job)
    return JSONResponse(body.model_dump(mode="json"), status_code=202,
                        headers={"Location": body.url})


@api.get("", response_model=list[JobPublic])
def list_jobs(session: SessionDep, user: CurrentUser) -> list[JobPublic]:
    """Your latest jobs, newest first (an admin: everyone's)."""
    return [job_public(j) for j in jobs.list_jobs(session=session, actor=user)]


@api.get("/{job_id}", response_model=JobPublic)
def get_job(job_id: JobId, session: SessionDep, user: CurrentUser) -> JobPublic:
    """A job's state; poll until ``status`` is ``done`` or ``failed``."""
    return job_public(jobs.get_job(session=session, actor=user, job_id=job_id))


@api.get("/{job_id}/report.xlsx", response_class=Response)
def report(job_id: JobId, session: SessionDep, user: CurrentUser) -> Response:
    """The import's complete error report: every problem, errors first."""
    job = jobs.get_job(session=session, actor=user, job_id=job_id)
    if job.report is None:
        raise NotFound(N_("任务 #%(id)s 没有错误报告"), id=job_id)
    return download(job.report, f"错误报告-{job.id}.xlsx")


@pages.get("/jobs/{job_id}")
def job_page(request: Request, job_id: JobId, session: SessionDep, user: CurrentUser) -> Response:
    job = job_public(jobs.get_job(session=session, actor=user, job_id=job_id))
    return render(request, "job.html", user, job=job, report=job.result
                  if job.kind == "import" and job.status == "done" else None)
