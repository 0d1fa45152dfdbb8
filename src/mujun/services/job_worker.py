"""One job in its own process (started by ``services.job_pool``): :func:`work`.

The process lowers its priority once it has used ``FULL_PRIORITY_CPU`` seconds of CPU, caps its
memory and its time (``MUJUN_JOB_MEMORY_MB``, ``MUJUN_JOB_SECONDS``), so a heavy file slows only
itself: the web process keeps its CPU, its memory and its connections. Progress goes to the
job's record on a connection of its own, at most twice a second; on SQLite, while the import
holds the write lock, a progress write that would wait is skipped.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import sys
import time
import traceback
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from mujun.services import jobs
from mujun.services.errors import ServiceError
from mujun.services.job_tasks import execute
from mujun.store.db import make_engine
from mujun.store.models import Job, JobStatus, User

#: worker processes run below the web's priority (nice value) after their first
#: ``FULL_PRIORITY_CPU`` seconds of CPU (user + system)
NICE = 10
FULL_PRIORITY_CPU = 2.0
DEFAULT_MEMORY_MB = 4096
DEFAULT_SECONDS = 900
PROGRESS_EVERY = 0.5
TIMED_OUT = "任务超时，已终止 (the job ran out of time)"
FAILED = "任务出错，请联系管理员 (the job failed; see the server log)"
NO_MEMORY = "文件太大，内存不足，已终止 (the job ran out of memory)"


class TimeUp(Exception):
    pass


def lower_priority(niceness: int) -> None:
    """Every thread of this process to ``niceness`` (Linux keeps a nice value per thread: the
    threads Polars or DuckDB started so far would keep the web's)."""
    try:
        threads = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:  # no /proc: this thread (the threads started later inherit it)
        threads = [0]
    for thread in threads:
        with contextlib.suppress(OSError):  # the thread has ended meanwhile
            os.setpriority(os.PRIO_PROCESS, thread, niceness)


def _limit(memory_mb: int, seconds: int) -> None:
    niceness = os.getpriority(os.PRIO_PROCESS, 0) + NICE
    # a job's first CPU seconds at the web's priority: a short job (an appeal accepted on a
    # county: about a second of work) ends as fast as the page would, even on a busy machine;
    # a long one (a large import, a province's run) spends the rest of its time below the web
    signal.signal(signal.SIGPROF, lambda _signum, _frame: lower_priority(niceness))
    signal.setitimer(signal.ITIMER_PROF, FULL_PRIORITY_CPU)
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def alarm(_signum: int, _frame: Any) -> None:
        raise TimeUp()

    signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)


def _progress_engine(url: str) -> Engine:
    engine = create_engine(url, poolclass=NullPool)
    if engine.dialect.name == "sqlite":
        def quick(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=100")

        event.listen(engine, "connect", quick)
    return engine


def run(job_id: int, url: str) -> int:
    """Run the job (already claimed: ``running``); 0 when it ended as done or failed."""
    engine = make_engine(url)
    progress_engine = _progress_engine(url)
    last = 0.0

    def report(fraction: float, message: str) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_EVERY:
            return
        last = time.monotonic()
        try:
            with Session(progress_engine) as s, s.begin():
                jobs.record_progress(session=s, job_id=job_id, progress=fraction, message=message)
        except OperationalError:
            pass  # the store is busy with the job's own writes; the next report will tell

    with Session(engine, expire_on_commit=False) as session:
        job = session.get(Job, job_id)
        if job is None or job.status != JobStatus.RUNNING:
            return 0
        job.worker = f"{socket.gethostname()}:{os.getpid()}"[:100]
        session.commit()
        actor = session.get(User, job.owner_id)
        try:
            if actor is None:
                raise ServiceError("the job's user no longer exists")
            result, error_report = execute(session, job, actor, report)
        except ServiceError as exc:
            session.rollback()
            _end(engine, job_id, str(exc), {"error": str(exc), "kind": type(exc).__name__})
            return 0
        except TimeUp:
            session.rollback()
            _end(engine, job_id, TIMED_OUT)
            return 0
        except MemoryError:
            session.rollback()
            _end(engine, job_id, NO_MEMORY)
            return 0
        except Exception:
            traceback.print_exc()
            session.rollback()
            _end(engine, job_id, FAILED)
            return 0
    with Session(engine) as session, session.begin():
        jobs.finish(session=session, job_id=job_id, result=result, report=error_report)
    engine.dispose()
    return 0


def _end(engine: Engine, job_id: int, message: str, result: dict[str, Any] | None = None) -> None:
    with Session(engine) as session, session.begin():
        jobs.fail(session=session, job_id=job_id, message=message, result=result)


def work(job_id: int, url: str, memory_mb: int = DEFAULT_MEMORY_MB,
         seconds: int = DEFAULT_SECONDS) -> None:
    """The worker process's body: limits first, then the job; the exit code tells the pool."""
    _limit(memory_mb, seconds)
    sys.exit(run(job_id, url))
