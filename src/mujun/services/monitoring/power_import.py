"""The power department's monthly import from the web's imports page (docs/monitoring.md "In the
web"): the upload is written to a private temporary file and given to ``readings.import_readings``
(which stores the readings and monitors the new months); what it did, the stored readings it
would change, or the problems that refused the file, come back in the words the page shows.

A file that changes stored readings writes nothing (docs/store.md, "Import semantics"): the
upload waits in a job record of the clerk (``jobs.payload``, as a department import's waiting
file does) until it is accepted with a reason — the same file, no second choice of file."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.io.problems import Problem
from mujun.services import access, jobs
from mujun.services.errors import InvalidTransition
from mujun.services.import_results import ValueChange
from mujun.services.monitoring.readings import ReadingsImport, import_readings
from mujun.services.monitoring.views import month_text
from mujun.services.uploads import display_name, safe_file_name
from mujun.store.models import Job, User
from mujun.store.models.base import utcnow
from mujun.store.models.jobs import JobStatus

#: problems (and changes) listed on the page (as an import job's page lists them)
SHOWN_PROBLEMS = 200
#: the job kind of a power file that waits for its changes to be accepted
WAITING_KIND = "power.import"
EMPTY_REASON = N_("请填写修改原因")
WAITING = N_("等待确认修改")
ACCEPTED = N_("修改已确认并导入")


def may_import(user: User) -> bool:
    """The admin and the power department's clerks (the imports page offers them the form)."""
    return access.may_import_power(user)


class MonthDone(BaseModel):
    month: str
    counts: dict[str, int]
    opened: int
    closed: int


@dataclass
class PowerUpload:
    file: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    #: the months with a reading inserted or changed
    months: list[str] = field(default_factory=list)
    #: the months monitored after the readings were stored
    monitored: list[MonthDone] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    #: the stored readings the file changes (the first ``SHOWN_PROBLEMS``): a preview while
    #: ``waiting_job`` is set, what was changed once accepted
    changes: list[ValueChange] = field(default_factory=list)
    changes_total: int = 0
    #: of the changes, those of months monitored already (they count for later months only)
    changes_monitored: int = 0
    #: the job holding the file until its changes are accepted (None: not waiting)
    waiting_job: int | None = None
    reason: str | None = None
    #: the reason typed (shown again when refused) and why it was refused
    typed_reason: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def upload(*, session: Session, actor: User, data: bytes, file_name: str | None,
           now: datetime | None = None) -> PowerUpload:
    """Import the uploaded file's readings (all or nothing); the caller commits when ``ok``.
    A file that changes stored readings is kept, waiting, in a job of ``actor``."""
    shown = display_name(file_name)
    result = _import(session, actor, data, file_name, shown, now=now)
    outcome = _outcome(shown, result)
    if result.waiting:
        now = now or utcnow()
        job = Job(kind=WAITING_KIND, owner_id=actor.id, status=JobStatus.DONE, progress=1.0,
                  message=WAITING, params={"file": shown, "file_name": file_name},
                  result={"waiting": True, "changes": len(result.changes)}, payload=data,
                  created_at=now, finished_at=now, updated_at=now)
        session.add(job)
        session.flush()
        outcome.waiting_job = job.id
    return outcome


def accept(*, session: Session, actor: User, job_id: int, reason: str,
           now: datetime | None = None) -> PowerUpload:
    """Import the file waiting in ``job_id`` again, its changes accepted with ``reason``. An
    empty reason writes nothing: the preview comes back with the error and the job still waits.
    The caller commits when ``ok``."""
    job = jobs.get_job(session=session, actor=actor, job_id=job_id)
    if job.kind != WAITING_KIND or not (job.result or {}).get("waiting") or job.payload is None:
        raise InvalidTransition(N_("任务 #%(id)s 没有等待确认的修改"), id=job_id)
    shown = str(job.params.get("file") or "")
    typed = reason.strip()
    result = _import(session, actor, job.payload, job.params.get("file_name"), shown, now=now,
                     accept_changes=bool(typed), reason=typed or None)
    outcome = _outcome(shown, result)
    if not typed:
        outcome.waiting_job, outcome.typed_reason, outcome.error = job.id, reason, EMPTY_REASON
    elif result.ok:
        # spent: the file was imported with its changes, the job waits no more
        job.result = {**(job.result or {}), "waiting": False, "batch_id": result.batch_id}
        job.payload, job.message = None, ACCEPTED
    return outcome


def _import(session: Session, actor: User, data: bytes, file_name: str | None, shown: str, *,
            now: datetime | None, accept_changes: bool = False,
            reason: str | None = None) -> ReadingsImport:
    with tempfile.TemporaryDirectory(prefix="mujun-power-") as tmp:
        path = Path(tmp) / safe_file_name(file_name)
        path.write_bytes(data)
        return import_readings(session, path, actor=actor, file_name=shown, now=now,
                               accept_changes=accept_changes, reason=reason)


def _outcome(shown: str, result: ReadingsImport) -> PowerUpload:
    problems = sorted(result.problems, key=lambda p: (not p.is_error, p.line or 0))
    return PowerUpload(
        file=shown, rows=result.rows, inserted=result.inserted, updated=result.updated,
        unchanged=result.unchanged, months=[month_text(m) or "" for m in result.months],
        monitored=[MonthDone(month=month_text(m.month) or "", counts=m.counts, opened=m.opened,
                             closed=m.closed) for m in result.monitored],
        problems=problems[:SHOWN_PROBLEMS], problems_total=len(problems),
        changes=result.changes[:SHOWN_PROBLEMS], changes_total=len(result.changes),
        changes_monitored=result.changes_monitored, reason=result.reason)
