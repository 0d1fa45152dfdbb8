"""数据导入: department templates, uploads with their validation report, and the history."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from mujun.services import import_views
from mujun.services.errors import InvalidInput
from mujun.services.imports import ImportResult, import_file
from mujun.store.models import User
from mujun.web.deps import CsrfDep, CurrentUser, SessionDep
from mujun.web.render import render
from mujun.web.xlsx import download

api = APIRouter(prefix="/api/imports", tags=["imports"])
pages = APIRouter(include_in_schema=False)

MAX_UPLOAD = 64 * 1024 * 1024
Department = Annotated[str, Path(max_length=16, description="tax, stats, power, land, env, safety")]
YearQuery = Annotated[int | None, Query(ge=1990, le=2100)]


class ProblemPublic(BaseModel):
    file: str
    line: int | None
    column: str | None
    value: str | None
    reason: str
    severity: str


class ImportReport(BaseModel):
    department: str
    year: int
    file: str
    sha256: str
    rows: int
    applied: bool
    batch_id: int | None
    inserted: int
    updated: int
    unchanged: int
    enterprises_created: int
    incidents_added: int
    incidents_removed: int
    errors: int
    warnings: int
    problems: list[ProblemPublic]
    #: values that differ from the stored ones; applied only when accepted with a reason
    changes: list[import_views.ValueChangePublic] = []
    waiting: bool = False


def _report(result: ImportResult) -> ImportReport:
    return ImportReport(
        department=result.department, year=result.year, file=result.file, sha256=result.sha256,
        rows=result.rows, applied=result.applied, batch_id=result.batch_id,
        inserted=result.inserted, updated=result.updated, unchanged=result.unchanged,
        enterprises_created=result.enterprises_created, incidents_added=result.incidents_added,
        incidents_removed=result.incidents_removed, errors=len(result.errors),
        warnings=len(result.warnings),
        problems=[ProblemPublic(file=p.file, line=p.line, column=p.column, value=p.value,
                                reason=p.reason, severity=p.severity) for p in result.problems],
        changes=import_views.change_preview(result), waiting=result.waiting,
    )


async def _run_import(session: Session, user: User, upload: UploadFile, department: str,
                      year: int, accept_changes: bool = False,
                      reason: str | None = None) -> ImportReport:
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InvalidInput(f"the file is larger than {MAX_UPLOAD // 2**20} MB")
    name = FilePath(upload.filename or "upload.xlsx").name
    with tempfile.TemporaryDirectory(prefix="mujun-upload-") as tmp:
        path = FilePath(tmp) / name
        path.write_bytes(data)
        result = import_file(session=session, actor=user, path=path,
                             department_code=department, year=year,
                             accept_changes=accept_changes, reason=reason)
        session.commit()
    return _report(result)


@api.get("/departments", response_model=list[import_views.DepartmentPublic])
def departments(user: CurrentUser) -> list[import_views.DepartmentPublic]:
    """The departments whose templates and imports you reach."""
    return import_views.departments(actor=user)


@api.get("/templates/{department}.xlsx", response_class=Response)
def template(department: Department, user: CurrentUser, year: YearQuery = None) -> Response:
    """The department's .xlsx template: its columns, validation and instructions."""
    data = import_views.template(actor=user, department=department, year=year)
    return download(data, f"{department}{f'-{year}' if year else ''}.xlsx")


@api.get("", response_model=list[import_views.ImportBatchPublic])
def history(session: SessionDep, user: CurrentUser) -> list[import_views.ImportBatchPublic]:
    """Applied imports, newest first (a clerk: its own)."""
    return import_views.history(session=session, actor=user)


@api.post("", response_model=ImportReport, dependencies=[CsrfDep])
async def upload(session: SessionDep, user: CurrentUser,
                 department: Annotated[str, Form(max_length=16)],
                 year: Annotated[int, Form(ge=1990, le=2100)],
                 file: Annotated[UploadFile, File()],
                 accept_changes: Annotated[bool, Form()] = False,
                 reason: Annotated[str | None, Form(max_length=500)] = None) -> ImportReport:
    """Validate the file as a whole and apply it all-or-nothing; the report lists every problem.

    A file that changes stored values is applied only with ``accept_changes`` and a ``reason``;
    otherwise nothing is written and ``changes`` lists them."""
    return await _run_import(session, user, file, department, year, accept_changes, reason)


@pages.get("/imports")
def imports_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return render(request, "imports.html", user,
                  departments=import_views.departments(actor=user),
                  history=import_views.history(session=session, actor=user), report=None)


@pages.post("/imports", dependencies=[CsrfDep])
async def upload_page(request: Request, session: SessionDep, user: CurrentUser,
                      department: Annotated[str, Form(max_length=16)],
                      year: Annotated[int, Form(ge=1990, le=2100)],
                      file: Annotated[UploadFile, File()],
                      accept_changes: Annotated[bool, Form()] = False,
                      reason: Annotated[str | None, Form(max_length=500)] = None) -> Response:
    report = await _run_import(session, user, file, department, year, accept_changes, reason)
    return render(request, "imports.html", user, status_code=200 if report.applied or not
                  report.errors else 422,
                  departments=import_views.departments(actor=user),
                  history=import_views.history(session=session, actor=user), report=report)
