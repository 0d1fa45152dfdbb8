"""数据导入: department templates, uploads (queued as jobs: ``routes.jobs``), and the history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from mujun.services import import_views, job_tasks, jobs
from mujun.services.errors import InvalidInput
from mujun.services.import_views import ImportQuery
from mujun.services.list_query import Page, options
from mujun.services.monitoring import power_import
from mujun.store.models import Job, User
from mujun.web.deps import CsrfDep, CurrentUser, Now, SessionDep
from mujun.web.render import render
from mujun.web.routes.jobs import JobId, JobPublic, accepted, job_public, queued
from mujun.web.xlsx import download

api = APIRouter(prefix="/api/imports", tags=["imports"])
pages = APIRouter(include_in_schema=False)

MAX_UPLOAD = 64 * 1024 * 1024
Department = Annotated[str, Path(max_length=16, description="tax, stats, power, land, env, safety")]
YearQuery = Annotated[int | None, Query(ge=1990, le=2100)]
#: the history's query as one model: empty fields count as not given (list_query.ListQuery)
Filters = Annotated[ImportQuery, Query()]


def _queue(request: Request, session: Session, user: User, upload: UploadFile,
           department: str, year: int) -> Job:
    """Read the upload (bounded) and queue its import as a job of ``user``."""
    data = upload.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InvalidInput(f"文件超过 {MAX_UPLOAD // 2**20} MB 的上限")
    params = job_tasks.import_params(actor=user, department=department, year=year,
                                     file_name=upload.filename)
    return queued(request, session, user, job_tasks.IMPORT, params, data)


def _queue_acceptance(request: Request, session: Session, user: User, job_id: int,
                      reason: str) -> Job:
    """Queue the file of import job ``job_id`` again, its changes accepted with ``reason``."""
    params, data = job_tasks.acceptance(session=session, actor=user, job_id=job_id,
                                        reason=reason)
    return queued(request, session, user, job_tasks.IMPORT, params, data)


class Acceptance(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


@api.get("/departments", response_model=list[import_views.DepartmentPublic])
def departments(user: CurrentUser) -> list[import_views.DepartmentPublic]:
    """The departments whose templates and imports you reach."""
    return import_views.departments(actor=user)


@api.get("/templates/parcels.xlsx", response_class=Response)
def parcel_template(user: CurrentUser) -> Response:
    """The land department's parcels template (地块, land.md §1)."""
    return download(import_views.parcel_template(actor=user), "land-parcels.xlsx")


@api.get("/templates/power-monthly.xlsx", response_class=Response)
def power_template(user: CurrentUser) -> Response:
    """The power department's template of monthly readings (月度用电量, docs/monitoring.md)."""
    return download(import_views.power_template(actor=user), "power-monthly.xlsx")


@api.get("/templates/{department}.xlsx", response_class=Response)
def template(department: Department, user: CurrentUser, year: YearQuery = None) -> Response:
    """The department's .xlsx template: its columns, validation and instructions."""
    data = import_views.template(actor=user, department=department, year=year)
    return download(data, f"{department}{f'-{year}' if year else ''}.xlsx")


@api.get("", response_model=Page[import_views.ImportBatchPublic])
def history(session: SessionDep, user: CurrentUser,
            filters: Filters) -> Page[import_views.ImportBatchPublic]:
    """Applied imports, newest first (a clerk: its own)."""
    return import_views.history(session=session, actor=user, filters=filters)


@api.post("", status_code=202, response_model=JobPublic, dependencies=[CsrfDep])
def upload(request: Request, session: SessionDep, user: CurrentUser,
           department: Annotated[str, Form(max_length=16)],
           year: Annotated[int, Form(ge=1990, le=2100)],
           file: Annotated[UploadFile, File()]) -> Response:
    """Queue the file's import (202, poll ``url``): it is validated as a whole and applied
    all-or-nothing; the job's result lists the first problems, its error report every one."""
    return accepted(_queue(request, session, user, file, department, year))


@api.post("/jobs/{job_id}/accept", status_code=202, response_model=JobPublic,
          dependencies=[CsrfDep])
def accept_changes(request: Request, job_id: JobId, body: Acceptance, session: SessionDep,
                   user: CurrentUser) -> Response:
    """Apply an import that waits for acceptance (its result lists ``changes``): the same file
    again, as a new job, each change recorded with ``reason``."""
    return accepted(_queue_acceptance(request, session, user, job_id, body.reason))


def _imports_page(request: Request, session: Session, user: User, filters: ImportQuery,
                  status_code: int = 200, **power: Any) -> Response:
    departments = import_views.departments(actor=user)
    return render(request, "imports.html", user, status_code=status_code,
                  departments=departments,
                  history=import_views.history(session=session, actor=user, filters=filters),
                  filters=filters, department_codes=options([d.code for d in departments]),
                  jobs=[job_public(j) for j in jobs.list_jobs(session=session, actor=user)
                        if j.kind == job_tasks.IMPORT],
                  may_import_power=power_import.may_import(user),
                  **{"power": None, **power})


@pages.get("/imports")
def imports_page(request: Request, session: SessionDep, user: CurrentUser,
                 filters: Filters) -> Response:
    return _imports_page(request, session, user, filters)


@pages.post("/imports/power", dependencies=[CsrfDep])
def power_upload_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
                      file: Annotated[UploadFile, File()]) -> Response:
    """The power department's monthly readings (docs/monitoring.md): stored and the new months
    monitored at once; the imports page shows what the file did, or why it was refused."""
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InvalidInput(f"文件超过 {MAX_UPLOAD // 2**20} MB 的上限")
    outcome = power_import.upload(session=session, actor=user, data=data,
                                  file_name=file.filename, now=now)
    return _power_page(request, session, user, outcome)


@pages.post("/imports/power/{job_id}/accept", dependencies=[CsrfDep])
def power_accept_page(request: Request, job_id: JobId, session: SessionDep, user: CurrentUser,
                      now: Now, reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    """The waiting power file imported with its changes accepted; an empty reason brings the
    preview back (422) with the form as typed, nothing written."""
    outcome = power_import.accept(session=session, actor=user, job_id=job_id, reason=reason,
                                  now=now)
    return _power_page(request, session, user, outcome)


def _power_page(request: Request, session: Session, user: User,
                outcome: power_import.PowerUpload) -> Response:
    """Commit what the power import did (a refused or unaccepted file: nothing) and show it."""
    if outcome.ok and not outcome.error:
        session.commit()
    else:
        session.rollback()
    return _imports_page(request, session, user, ImportQuery(),
                         status_code=200 if outcome.ok and not outcome.error else 422,
                         power=outcome)


@pages.post("/imports", dependencies=[CsrfDep])
def upload_page(request: Request, session: SessionDep, user: CurrentUser,
                department: Annotated[str, Form(max_length=16)],
                year: Annotated[int, Form(ge=1990, le=2100)],
                file: Annotated[UploadFile, File()]) -> Response:
    job = _queue(request, session, user, file, department, year)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@pages.post("/imports/jobs/{job_id}/accept", dependencies=[CsrfDep])
def accept_changes_page(request: Request, job_id: JobId, session: SessionDep, user: CurrentUser,
                        reason: Annotated[str, Form(min_length=1, max_length=500)]) -> Response:
    job = _queue_acceptance(request, session, user, job_id, reason)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
