"""The web process's small pool of job worker processes (docs/security.md, "Jobs").

A thread claims queued jobs (oldest first, one running per user) and starts one worker process
per job (``services.job_worker``), at most ``workers`` at a time. The processes are forked from a
*forkserver* that imported the worker's modules once (a fresh interpreter would spend seconds on
imports per job), so each job still has a process, a memory cap and a priority of its own.
The thread reaps them, fails a job whose process died without ending it, and kills one past
its time. The thread starts when a job is
submitted (and at start-up) and stops when nothing is queued or running, so an idle server polls
nothing. Several web processes may share a store: claiming is atomic, each runs what it claims.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from mujun.services import jobs
from mujun.services.job_worker import DEFAULT_MEMORY_MB, DEFAULT_SECONDS, work

log = logging.getLogger(__name__)
_forks = multiprocessing.get_context("forkserver")
# the worker's modules, the engine's DuckDB backend (which ibis imports on first use) and
# pyarrow.dataset with pandas (which DuckDB imports to read an Arrow table): a run or an accepted
# appeal would otherwise import them in every job, about a second of its CPU
_forks.set_forkserver_preload(["mujun.services.job_worker", "ibis.backends.duckdb",
                               "pyarrow.dataset"])

#: how often the pool looks for queued jobs of other web processes and for ended workers (s)
POLL = 0.5
DIED = "任务进程意外退出 (the worker process died: exit code {code})"
KILLED = "任务超时，已终止 (the job ran out of time)"


def host() -> str:
    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_without_main(process: BaseProcess) -> None:
    """Start ``process`` without telling it the parent's main module: multiprocessing would have
    every job process import again the script that started the web (``mujun serve``'s, a bench's:
    the whole web application, seconds of each job on a busy machine), while a job needs only
    ``job_worker``, which the forkserver preloaded."""
    main = sys.modules["__main__"]
    path, spec = main.__dict__.pop("__file__", None), main.__dict__.get("__spec__")
    main.__spec__ = None
    try:
        process.start()
    finally:
        main.__spec__ = spec
        if path is not None:
            main.__file__ = path


@dataclass
class _Running:
    job_id: int
    process: BaseProcess
    started: float


class JobPool:
    def __init__(self, engine: Engine, *, workers: int = 2, memory_mb: int = DEFAULT_MEMORY_MB,
                 seconds: int = DEFAULT_SECONDS):
        self.engine = engine
        self.workers = max(1, workers)
        self.memory_mb, self.seconds = memory_mb, seconds
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._running: list[_Running] = []

    def recover(self) -> int:
        """Fail the jobs a killed server left ``running`` on this machine (none when the store
        has no schema yet)."""
        try:
            with Session(self.engine) as session, session.begin():
                return jobs.recover_interrupted(session=session, host=host(), alive=pid_alive)
        except SQLAlchemyError as exc:
            log.warning("interrupted jobs not checked: %s", exc)
            return 0

    def kick(self) -> None:
        """A job was queued: make sure the thread runs, and wake it."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="mujun-jobs", daemon=True)
                self._thread.start()
        self._wake.set()

    def _loop(self) -> None:
        while True:
            try:
                self._reap()
                self._start_queued()
                with Session(self.engine) as session:
                    waiting = jobs.pending_count(session=session)
            except Exception:  # the store went away (a test's temporary file) or is down
                log.exception("the job pool stops")
                return
            with self._lock:
                if not self._running and not waiting:
                    self._thread = None
                    return
            self._wake.wait(POLL)
            self._wake.clear()

    def _start_queued(self) -> None:
        while len(self._running) < self.workers:
            with Session(self.engine) as session:
                job_id = jobs.claim_next(session=session, worker=f"{host()}:{os.getpid()}")
            if job_id is None:
                return
            url = self.engine.url.render_as_string(hide_password=False)
            process = _forks.Process(target=work, args=(job_id, url, self.memory_mb, self.seconds),
                                     name=f"mujun-job-{job_id}", daemon=False)
            start_without_main(process)
            self._running.append(_Running(job_id, process, time.monotonic()))

    def _reap(self) -> None:
        for item in list(self._running):
            code = item.process.exitcode
            if code is None:
                if time.monotonic() - item.started <= self.seconds + 30:
                    continue
                item.process.kill()
                item.process.join()
                self._fail(item.job_id, KILLED)
            elif code != 0:
                self._fail(item.job_id, DIED.format(code=code))
            item.process.join()
            self._running.remove(item)

    def _fail(self, job_id: int, message: str) -> None:
        with Session(self.engine) as session, session.begin():
            jobs.fail(session=session, job_id=job_id, message=message)

