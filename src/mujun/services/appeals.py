"""Appeals (申诉) during public notice, and the admin's decision.

An enterprise (or the admin on its behalf) appeals while its run is in notice. Rejecting records the
reason. Accepting applies the corrections (figure edits, recorded and audited) and creates a new
draft run version from the corrected store that references the run it supersedes; publishing that
version puts the corrected results in notice and marks the old run superseded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.engine import uscc as uscc_check
from mujun.services import audit
from mujun.services.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from mujun.services.figures import set_figure
from mujun.services.locking import check_version
from mujun.services.runs import create_run, delete_draft, notice_end
from mujun.services.users import require_admin
from mujun.services.values import Value, jsonable
from mujun.store.models import Appeal, AppealStatus, Role, Run, RunResult, RunStatus, User
from mujun.store.models.base import utcnow


def _state(appeal: Appeal) -> dict[str, Any]:
    return {"run_id": appeal.run_id, "uscc": appeal.uscc, "status": str(appeal.status),
            "reason": appeal.reason, "note": appeal.note, "corrections": appeal.corrections,
            "new_run_id": appeal.new_run_id}


def get_appeal(*, session: Session, appeal_id: int) -> Appeal:
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(f"no appeal {appeal_id}")
    return appeal


def file_appeal(
    *, session: Session, actor: User | None, run: Run, uscc: str, reason: str,
    now: datetime | None = None,
) -> Appeal:
    now = now or utcnow()
    code = uscc_check.normalize(uscc)
    if actor is not None and actor.role != Role.ADMIN and not (
        actor.role == Role.ENTERPRISE and actor.uscc == code
    ):
        raise PermissionDenied("only the enterprise itself (or an admin) may appeal its result")
    if not reason.strip():
        raise InvalidInput("an appeal needs a reason")
    if run.status != RunStatus.NOTICE:
        raise InvalidTransition(f"run {run.label} is {run.status}; appeals are taken during "
                                "public notice only")
    if now >= notice_end(run):
        raise InvalidTransition(f"the notice of run {run.label} closed on "
                                f"{notice_end(run):%Y-%m-%d %H:%M} UTC")
    listed = session.scalar(select(RunResult.id).where(RunResult.run_id == run.id,
                                                       RunResult.uscc == code))
    if listed is None:
        raise NotFound(f"{code} is not in run {run.label}")
    appeal = Appeal(run_id=run.id, uscc=code, reason=reason.strip(), status=AppealStatus.PENDING,
                    created_at=now, created_by_id=actor.id if actor else None)
    session.add(appeal)
    session.flush()
    audit.record(session=session, actor=actor, action="appeal.file", entity="appeal",
                 entity_id=appeal.id, at=now, after=_state(appeal),
                 summary=f"appeal of {code} against run {run.label}")
    return appeal


def resolve_appeal(
    *,
    session: Session,
    actor: User | None,
    appeal: Appeal,
    accept: bool,
    note: str,
    corrections: dict[str, Value] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """Accept (apply ``corrections``, create the new run version) or reject, with a note."""
    require_admin(actor)
    now = now or utcnow()
    if appeal.status != AppealStatus.PENDING:
        raise InvalidTransition(f"appeal {appeal.id} is already {appeal.status}")
    check_version(appeal, expected_version, f"appeal {appeal.id}")
    run = session.get(Run, appeal.run_id)
    if run is None:
        raise NotFound(f"the run of appeal {appeal.id} does not exist")
    if run.status != RunStatus.NOTICE:
        raise InvalidTransition(f"run {run.label} is {run.status}; its appeals are closed")
    if not accept and corrections:
        raise InvalidInput("a rejected appeal changes no data")
    before = _state(appeal)
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    appeal.note, appeal.resolved_at = note, now
    appeal.resolved_by_id = actor.id if actor else None
    if accept:
        appeal.corrections = {k: jsonable(v) for k, v in (corrections or {}).items()} or None
        for field, value in (corrections or {}).items():
            set_figure(session=session, actor=actor, uscc=appeal.uscc, year=run.year, field=field,
                       value=value, source="appeal", now=now,
                       note=f"appeal {appeal.id}: {appeal.uscc} {run.year} {field}")
        # one draft successor per run: rebuilt with every accepted correction so far
        for draft in session.scalars(select(Run).where(Run.supersedes_id == run.id,
                                                       Run.status == RunStatus.DRAFT)):
            for other in session.scalars(select(Appeal).where(Appeal.new_run_id == draft.id)):
                other.new_run_id = None
            session.flush()
            delete_draft(session=session, actor=actor, run=draft)
        new = create_run(session=session, actor=actor, year=run.year, policy_text=run.policy_text,
                         policy_name=run.policy_name, supersedes=run, now=now,
                         note=f"corrected after appeal {appeal.id}")
        appeal.new_run_id = new.id
        for other in session.scalars(select(Appeal).where(Appeal.run_id == run.id,
                                                          Appeal.status == AppealStatus.ACCEPTED)):
            other.new_run_id = new.id
    session.flush()
    audit.record(session=session, actor=actor,
                 action="appeal.accept" if accept else "appeal.reject", entity="appeal",
                 entity_id=appeal.id, at=now, before=before, after=_state(appeal),
                 summary=f"appeal {appeal.id} of {appeal.uscc} {appeal.status}: {note}")
    return appeal
