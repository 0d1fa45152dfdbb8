"""Appeals (申诉) during public notice, and the admin's decision.

An enterprise (or the admin on its behalf) appeals while its run is in notice. Rejecting records the
reason. Accepting applies the corrections (figure edits, recorded and audited) and creates a new
draft run version from the corrected store that references the run it supersedes; publishing that
version puts the corrected results in notice, marks the old run superseded and moves the old run's
pending appeals to it, so every appeal is decided in the end. An enterprise has at most one
pending appeal per run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mujun.engine import uscc as uscc_check
from mujun.engine.fields import FIELD_BY_KEY
from mujun.engine.texts import N_
from mujun.services import access, audit
from mujun.services.access import Action
from mujun.services.errors import (
    ConflictError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from mujun.services.figures import set_figure
from mujun.services.import_results import Progress
from mujun.services.locking import check_version, conflicts
from mujun.services.runs import create_run, delete_draft, get_run, notice_end, require_manage
from mujun.services.values import Value, jsonable
from mujun.store.models import (
    Appeal,
    AppealStatus,
    Job,
    JobStatus,
    Role,
    Run,
    RunResult,
    RunStatus,
    User,
)
from mujun.store.models.base import utcnow


def _state(appeal: Appeal) -> dict[str, Any]:
    return {"run_id": appeal.run_id, "uscc": appeal.uscc, "status": str(appeal.status),
            "reason": appeal.reason, "note": appeal.note, "corrections": appeal.corrections,
            "new_run_id": appeal.new_run_id}


def get_appeal(*, session: Session, appeal_id: int) -> Appeal:
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(N_("没有申诉 #%(id)s"), id=appeal_id)
    return appeal


def open_appeal(session: Session, run_id: int, uscc: str) -> Appeal | None:
    """The enterprise's pending appeal against the run, if it has one (at most one)."""
    return session.scalar(select(Appeal).where(Appeal.run_id == run_id, Appeal.uscc == uscc,
                                               Appeal.status == AppealStatus.PENDING))


def _repeat(code: str, run: Run, first: int | None) -> ConflictError:
    which = f" #{first}" if first else ""
    return ConflictError(f"企业 {code} 对批次 {run.label} 已有一件待处理的申诉{which}；"
                         "请等待县经信局处理结果，不要重复提交")


def file_appeal(
    *, session: Session, actor: User | None, run_id: int | str, uscc: str, reason: str,
    now: datetime | None = None,
) -> Appeal:
    """An enterprise's appeal against its result in the run ``run_id`` (id or label), during the
    notice; one open appeal per enterprise and run (the store refuses a second, too)."""
    now = now or utcnow()
    if actor is not None:
        access.require(actor, Action.APPEAL)
    code = uscc_check.normalize(uscc)
    if actor is not None and actor.role != Role.ADMIN and not (
        actor.role == Role.ENTERPRISE and actor.uscc == code
    ):
        raise PermissionDenied(N_("只有企业本身（或管理员）可以对其评价结果提出申诉"))
    run = get_run(session=session, ref=run_id)
    if not reason.strip():
        raise InvalidInput(N_("申诉需要填写理由"))
    if run.status != RunStatus.NOTICE:
        raise InvalidTransition(N_("批次 %(run)s 不在公示中，只有公示期内可以申诉"),
                                run=run.label)
    if now >= notice_end(run):
        raise InvalidTransition(N_("批次 %(run)s 的公示期已于 %(until)s（UTC）结束"),
                                run=run.label, until=f"{notice_end(run):%Y-%m-%d %H:%M}")
    listed = session.scalar(select(RunResult.id).where(RunResult.run_id == run.id,
                                                       RunResult.uscc == code))
    if listed is None:
        raise NotFound(N_("企业 %(uscc)s 不在批次 %(run)s 中"), uscc=code, run=run.label)
    first = open_appeal(session, run.id, code)
    if first is not None:
        raise _repeat(code, run, first.id)
    appeal = Appeal(run_id=run.id, uscc=code, reason=reason.strip(), status=AppealStatus.PENDING,
                    created_at=now, created_by_id=actor.id if actor else None)
    session.add(appeal)
    refusal = _repeat(code, run, None)  # a failed flush leaves the session unreadable
    try:
        session.flush()
    except IntegrityError:  # uq_appeals_open_per_run: the same appeal filed at the same moment
        raise refusal from None
    audit.record(session=session, actor=actor, action="appeal.file", entity="appeal",
                 entity_id=appeal.id, at=now, after=_state(appeal),
                 summary=f"appeal of {code} against run {run.label}")
    return appeal


def _accept(*, session: Session, actor: User | None, appeal: Appeal, run: Run,
            corrections: dict[str, Value], now: datetime, progress: Progress | None) -> None:
    """Apply the corrections and (re)build the run's one corrected draft version."""
    appeal.corrections = {k: jsonable(v) for k, v in corrections.items()} or None
    for field, value in corrections.items():
        known = FIELD_BY_KEY.get(field)  # an unknown one is refused by set_figure
        header = known.header_zh if known else field
        set_figure(session=session, actor=actor, uscc=appeal.uscc, year=run.year, field=field,
                   value=value, source="appeal", now=now,
                   note=f"申诉 #{appeal.id} 更正 {run.year} 年度{header}")
    # one draft successor per run: rebuilt with every accepted correction so far
    for draft in session.scalars(select(Run).where(Run.supersedes_id == run.id,
                                                   Run.status == RunStatus.DRAFT)):
        for other in session.scalars(select(Appeal).where(Appeal.new_run_id == draft.id)):
            other.new_run_id = None
        session.flush()
        delete_draft(session=session, actor=actor, run=draft)
    new = create_run(session=session, actor=actor, year=run.year, policy_text=run.policy_text,
                     policy_name=run.policy_name, supersedes=run, now=now,
                     note=f"申诉 #{appeal.id} 更正后重新评价", progress=progress)
    appeal.new_run_id = new.id
    for other in session.scalars(select(Appeal).where(Appeal.run_id == run.id,
                                                      Appeal.status == AppealStatus.ACCEPTED)):
        other.new_run_id = new.id
    session.flush()


def require_pending(*, session: Session, appeal_id: int) -> Appeal:
    """The appeal, if it still waits for a decision (checked before an acceptance is queued);
    a decided one, or one whose acceptance is already queued, is a 409 at once."""
    appeal = get_appeal(session=session, appeal_id=appeal_id)
    if appeal.status != AppealStatus.PENDING:
        raise InvalidTransition(N_("申诉 #%(id)s 已处理，请刷新页面查看结果"), id=appeal.id)
    queued = session.scalar(select(Job.id).where(
        Job.kind == "appeal.accept", Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
        Job.params["appeal_id"].as_integer() == appeal.id))
    if queued is not None:
        raise ConflictError(N_("申诉 #%(id)s 正在被采纳（任务 #%(job)s）；请稍后刷新页面查看结果"),
                            id=appeal.id, job=queued)
    return appeal


def resolve_appeal(
    *,
    session: Session,
    actor: User | None,
    appeal_id: int,
    accept: bool,
    note: str,
    corrections: dict[str, Value] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> Appeal:
    """Accept (apply ``corrections``, create the new run version) or reject, with a note;
    ``progress`` follows the new version's creation (``services.runs.create_run``).

    The decision is written first: of two admins deciding the same appeal at once, the second
    gets a ``ConflictError`` before anything else is done.
    """
    require_manage(actor)
    now = now or utcnow()
    appeal = get_appeal(session=session, appeal_id=appeal_id)
    if appeal.status != AppealStatus.PENDING:
        raise InvalidTransition(N_("申诉 #%(id)s 已处理，请刷新页面查看结果"), id=appeal.id)
    check_version(appeal, expected_version, f"appeal {appeal.id}")
    # the run's row locked (PostgreSQL; SQLite has one writer anyway): decisions on the appeals of
    # one run follow each other, so two acceptances cannot each build a corrected draft
    run = session.scalar(select(Run).where(Run.id == appeal.run_id).with_for_update()
                         .execution_options(populate_existing=True))
    if run is None:
        raise NotFound(N_("申诉 #%(id)s 的批次不存在"), id=appeal.id)
    if run.status != RunStatus.NOTICE:
        raise InvalidTransition(N_("批次 %(run)s 不在公示中，其申诉已关闭"), run=run.label)
    if not accept and corrections:
        raise InvalidInput(N_("驳回申诉不能更正数据"))
    before = _state(appeal)
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    appeal.note, appeal.resolved_at = note, now
    appeal.resolved_by_id = actor.id if actor else None
    with conflicts(f"appeal {appeal.id}",
                   message=f"申诉 #{appeal.id} 刚被其他管理员处理；请刷新页面查看处理结果"):
        session.flush()
    # built before the flush: a failed flush leaves the session unreadable
    raced = ConflictError(f"批次 {run.label} 的另一件申诉刚被采纳并生成更正版本；申诉 #{appeal.id} "
                          "未作处理，请刷新页面后重新处理")
    if accept:
        try:
            _accept(session=session, actor=actor, appeal=appeal, run=run,
                    corrections=corrections or {}, now=now, progress=progress)
        except IntegrityError:  # runs (year, run_version): a concurrent acceptance made it first
            raise raced from None
    session.flush()
    audit.record(session=session, actor=actor,
                 action="appeal.accept" if accept else "appeal.reject", entity="appeal",
                 entity_id=appeal.id, at=now, before=before, after=_state(appeal),
                 summary=f"appeal {appeal.id} of {appeal.uscc} {appeal.status}: {note}")
    return appeal
