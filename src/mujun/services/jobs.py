"""Background jobs (``store.models.jobs``): submit with per-user limits, read with role scoping,
claim, progress, finish, and recovery after a restart (docs/security.md, "Jobs").

A user sees its own jobs (an admin: all). A user has at most :data:`MAX_PENDING_PER_USER` jobs
queued or running, of which one runs at a time; a full queue is refused with
:class:`~mujun.services.errors.TooManyRequests` (HTTP 429).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.services.errors import NotFound, TooManyRequests
from mujun.store.models import Job, JobStatus, Role, User
from mujun.store.models.base import utcnow

#: jobs a user may have queued or running at once (one of them runs at a time)
MAX_PENDING_PER_USER = 3
#: jobs queued or running for everyone together
MAX_PENDING_TOTAL = 50
PENDING = (JobStatus.QUEUED, JobStatus.RUNNING)
FINISHED = (JobStatus.DONE, JobStatus.FAILED)
INTERRUPTED = N_("服务重启，任务中断，请重新提交")


def submit(*, session: Session, actor: User, kind: str, params: dict[str, Any],
           payload: bytes | None = None, now: datetime | None = None) -> Job:
    """Queue a job of ``actor``; refused when the user (or everyone) has too many pending."""
    mine = session.scalar(select(func.count()).select_from(Job).where(
        Job.owner_id == actor.id, Job.status.in_(PENDING))) or 0
    if mine >= MAX_PENDING_PER_USER:
        raise TooManyRequests(N_("您已有 %(mine)s 个任务在排队或执行中（每人最多 %(most)s 个），"
                                 "请等前面的任务完成后再提交"),
                              mine=mine, most=MAX_PENDING_PER_USER)
    everyone = session.scalar(select(func.count()).select_from(Job).where(
        Job.status.in_(PENDING))) or 0
    if everyone >= MAX_PENDING_TOTAL:
        raise TooManyRequests(N_("系统正在处理 %(n)s 个任务，请稍后再提交"), n=everyone)
    now = now or utcnow()
    job = Job(kind=kind, owner_id=actor.id, status=JobStatus.QUEUED, progress=0.0,
              message=N_("排队中"), params=params, payload=payload, created_at=now, updated_at=now)
    session.add(job)
    session.flush()
    return job


def get_job(*, session: Session, actor: User, job_id: int) -> Job:
    """The job, if ``actor`` may see it (its own; an admin: any). Another's is "not found"."""
    job = session.get(Job, job_id)
    if job is None or (actor.role != Role.ADMIN and job.owner_id != actor.id):
        raise NotFound(N_("没有任务 #%(id)s"), id=job_id)
    return job


def list_jobs(*, session: Session, actor: User, limit: int = 20) -> list[Job]:
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if actor.role != Role.ADMIN:
        query = query.where(Job.owner_id == actor.id)
    return list(session.scalars(query))


def claim_next(*, session: Session, worker: str, now: datetime | None = None) -> int | None:
    """Mark the oldest queued job whose owner has none running as ``running``; its id, or None.

    The update names the status it read, so two claimers never take the same job."""
    now = now or utcnow()
    busy = select(Job.owner_id).where(Job.status == JobStatus.RUNNING)
    for job_id in session.scalars(select(Job.id).where(
            Job.status == JobStatus.QUEUED, Job.owner_id.not_in(busy)).order_by(Job.id).limit(5)):
        taken = session.execute(
            update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .values(status=JobStatus.RUNNING, worker=worker[:100], started_at=now,
                    updated_at=now, message=N_("开始执行"))
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
        if taken:
            return int(job_id)
    return None


def pending_count(*, session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Job).where(
        Job.status == JobStatus.QUEUED)) or 0


def record_progress(*, session: Session, job_id: int, progress: float, message: str) -> None:
    session.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING).values(
        progress=max(0.0, min(progress, 1.0)), message=message[:500], updated_at=utcnow()))


def finish(*, session: Session, job_id: int, result: dict[str, Any],
           report: bytes | None = None) -> None:
    # an import waiting for its changes to be accepted keeps its upload until they are
    # (``job_tasks.acceptance``); every other upload is dropped once it was used
    keep = {} if result.get("waiting") else {"payload": None}
    session.execute(update(Job).where(Job.id == job_id).values(
        status=JobStatus.DONE, progress=1.0, message=N_("完成"), result=result, report=report,
        finished_at=utcnow(), updated_at=utcnow(), **keep))


def fail(*, session: Session, job_id: int, message: str,
         result: dict[str, Any] | None = None) -> None:
    """Mark a job failed (unless it already ended), with why; the upload is dropped."""
    session.execute(update(Job).where(Job.id == job_id, Job.status.in_(PENDING)).values(
        status=JobStatus.FAILED, message=message[:500], result=result, payload=None,
        finished_at=utcnow(), updated_at=utcnow()))


def recover_interrupted(*, session: Session, host: str, alive: Callable[[int], bool]) -> int:
    """At start-up: jobs left ``running`` on ``host`` by a worker process that is gone are
    marked failed (a job of another machine is its own server's business). How many."""
    failed = 0
    for job_id, worker in session.execute(select(Job.id, Job.worker).where(
            Job.status == JobStatus.RUNNING)).all():
        where, _, pid = (worker or "").rpartition(":")
        if worker and where != host:
            continue
        if not pid.isdigit() or not alive(int(pid)):
            fail(session=session, job_id=job_id, message=INTERRUPTED)
            failed += 1
    return failed
