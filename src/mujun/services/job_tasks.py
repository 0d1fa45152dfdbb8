"""What each kind of job does, run inside a worker process (``services.job_worker``).

Each task calls the use case through one small function here (``_import``, ``_create_run``,
``_accept_appeal``), commits, and returns the summary a user reads (and, for an import with
problems, the complete error report as .xlsx). Imports: the page and the JSON show the first
:data:`SHOWN_PROBLEMS` problems with the total; the report lists every one.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.io.error_report import write_error_report
from mujun.io.problems import Problem
from mujun.services import appeals, departments, import_views, jobs, runs
from mujun.services.errors import InvalidInput, InvalidTransition, PermissionDenied
from mujun.services.import_results import Progress
from mujun.services.imports import ImportResult, import_file
from mujun.services.uploads import display_name, safe_file_name
from mujun.services.users import may_import
from mujun.services.values import Value, parse_corrections
from mujun.store.models import Job, JobStatus, Run, User

#: problems listed in a job's summary (the page, the JSON); the error report has them all
SHOWN_PROBLEMS = 200
#: progress: fraction (0 … 1), message
Report = Callable[[float, str], None]
Outcome = tuple[dict[str, Any], bytes | None]

IMPORT, RUN_CREATE, APPEAL_ACCEPT = "import", "run.create", "appeal.accept"
_PHASES = {"validate": (N_("校验文件"), 0.0, 0.5), "apply": (N_("写入数据"), 0.5, 1.0)}


def execute(session: Session, job: Job, actor: User, report: Report) -> Outcome:
    task = TASKS.get(job.kind)
    if task is None:
        raise InvalidInput(f"unknown job kind {job.kind!r}")
    return task(session, job, actor, report)


def _when(params: dict[str, Any]) -> datetime | None:
    return datetime.fromisoformat(params["now"]) if params.get("now") else None


# --- imports --------------------------------------------------------------------------------------


def _import(session: Session, actor: User, path: Path, params: dict[str, Any],
            progress: Callable[[str, int, int], None]) -> ImportResult:
    """The import use case, as a job calls it (the one place to adapt to its parameters)."""
    return import_file(session=session, actor=actor, path=path,
                       department_code=params["department"], year=int(params["year"]),
                       accept_changes=bool(params.get("accept_changes")),
                       reason=params.get("reason"), progress=progress, now=_when(params))


def import_params(*, actor: User, department: str, year: int,
                  file_name: str | None) -> dict[str, Any]:
    """What an import job is asked, checked before it is queued (a clerk learns at once that the
    department is not its own); the upload's name is kept trimmed, for display only."""
    try:
        dept = departments.department(department)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if not may_import(actor, dept.code):
        raise PermissionDenied(N_("%(who)s 无权导入%(department)s的数据"), who=actor.username,
                               department=dept.name_zh)
    return {"department": dept.code, "year": year, "file": display_name(file_name)}


def acceptance(*, session: Session, actor: User, job_id: int,
               reason: str) -> tuple[dict[str, Any], bytes]:
    """The parameters and file of a new import job that applies ``job_id``'s file with the changes
    it found accepted (docs/store.md, Import semantics): the same upload, no second choice of file.
    Only an import that finished waiting for acceptance qualifies, seen by its owner or an admin."""
    job = jobs.get_job(session=session, actor=actor, job_id=job_id)
    if job.kind != IMPORT or job.status != JobStatus.DONE or not (job.result or {}).get("waiting"):
        raise InvalidTransition(N_("任务 #%(id)s 没有等待确认的修改"), id=job_id)
    if not reason.strip():
        raise InvalidInput(N_("请填写修改原因"))
    params = import_params(actor=actor, department=job.params["department"],
                           year=int(job.params["year"]), file_name=job.params.get("file"))
    payload = job.payload or b""
    # spent: the file moves to the new job, this one waits no more
    job.result = {**(job.result or {}), "waiting": False}
    job.payload = None
    return {**params, "accept_changes": True, "reason": reason.strip(),
            "accepts_job": job.id}, payload


def run_import(session: Session, job: Job, actor: User, report: Report) -> Outcome:
    params = job.params

    def progress(phase: str, done: int, total: int) -> None:
        label, start, end = _PHASES.get(phase, (phase, 0.0, 1.0))
        report(start + (end - start) * (done / total if total else 1.0), label)

    with tempfile.TemporaryDirectory(prefix="mujun-job-") as tmp:
        path = Path(tmp) / safe_file_name(params.get("file"))
        path.write_bytes(job.payload or b"")
        result = _import(session, actor, path, params, progress)
        session.commit()
        problems = sorted((_shown_file(p, tmp, params) for p in result.problems),
                          key=lambda p: (not p.is_error, p.file, p.line or 0))
        error_report = None
        if problems:
            out = Path(tmp) / "report.xlsx"
            write_error_report(out, problems, title=f"{params.get('file')} · "
                                                    f"{result.department} {result.year}")
            error_report = out.read_bytes()
    return import_summary(result, problems, params), error_report


def _shown_file(problem: Problem, folder: str, params: dict[str, Any]) -> Problem:
    """The upload's name as sent instead of the worker's temporary path."""
    name = str(params.get("file") or "upload")
    shown = problem.file.replace(str(Path(folder) / safe_file_name(name)), name, 1)
    return dataclasses.replace(problem, file=shown)


def import_summary(result: ImportResult, problems: list[Problem],
                   params: dict[str, Any]) -> dict[str, Any]:
    return {
        "department": result.department, "year": result.year, "file": params.get("file"),
        "sha256": result.sha256, "rows": result.rows, "applied": result.applied,
        "batch_id": result.batch_id, "inserted": result.inserted, "updated": result.updated,
        "unchanged": result.unchanged, "enterprises_created": result.enterprises_created,
        "incidents_added": result.incidents_added,
        "incidents_removed": result.incidents_removed, "errors": len(result.errors),
        "warnings": len(result.warnings), "problems_total": len(problems),
        # values the file changes: waiting for acceptance, or (accepted) what it changed
        "waiting": result.waiting,
        "changes": [c.model_dump(mode="json") for c in import_views.change_preview(result)],
        "problems": [{"file": p.file, "line": p.line, "column": p.column, "value": p.value,
                      "reason": p.reason, "severity": p.severity}
                     for p in problems[:SHOWN_PROBLEMS]],
    }


# --- runs -----------------------------------------------------------------------------------------


def _create_run(session: Session, actor: User, params: dict[str, Any],
                progress: Progress) -> Any:
    """The run use case, as a job calls it."""
    return runs.create_run(session=session, actor=actor, year=int(params["year"]),
                           policy_name=params.get("policy_name"), note=params.get("note"),
                           now=_when(params), progress=progress)


#: a run's stages (``services.runs``) as a job reports them: message, start and end fraction
_RUN_STAGES = {runs.ASSEMBLE: (N_("读取本年度数据"), 0.05, 0.1),
               runs.EVALUATE: (N_("计算评价结果"), 0.1, 0.4),
               runs.STORE: (N_("保存评价结果和评价说明"), 0.4, 0.95)}


def _run_progress(report: Report) -> Progress:
    def progress(stage: str, done: int, total: int) -> None:
        label, start, end = _RUN_STAGES[stage]
        report(start + (end - start) * (done / total if total and stage == runs.STORE else 0.0),
               label)

    return progress


def run_create(session: Session, job: Job, actor: User, report: Report) -> Outcome:
    run = _create_run(session, actor, job.params, _run_progress(report))
    session.commit()
    return {"run_id": run.id, "label": run.label, "results": run.n_results}, None


def _typed(corrections: dict[str, Any] | None) -> dict[str, Value] | None:
    """The corrections as sent (checked by the web when the job was queued), typed."""
    return parse_corrections(corrections)


def _accept_appeal(session: Session, actor: User, params: dict[str, Any],
                   progress: Progress) -> Any:
    """Accepting an appeal (corrections applied, a new run version computed), as a job calls it."""
    return appeals.resolve_appeal(session=session, actor=actor,
                                  appeal_id=int(params["appeal_id"]), accept=True,
                                  note=params["note"],
                                  corrections=_typed(params.get("corrections")),
                                  now=_when(params), progress=progress)


def appeal_accept(session: Session, job: Job, actor: User, report: Report) -> Outcome:
    report(0.02, N_("更正数据并重新计算"))
    appeal = _accept_appeal(session, actor, job.params, _run_progress(report))
    session.commit()
    new = session.get(Run, appeal.new_run_id) if appeal.new_run_id else None
    return {"appeal_id": appeal.id, "status": str(appeal.status), "run_id": appeal.run_id,
            "new_run_id": appeal.new_run_id, "new_label": new.label if new else None}, None


TASKS: dict[str, Callable[[Session, Job, User, Report], Outcome]] = {
    IMPORT: run_import, RUN_CREATE: run_create, APPEAL_ACCEPT: appeal_accept,
}
