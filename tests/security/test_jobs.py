"""Issue 7.4: imports and runs are jobs, off the request path — their life cycle, who may read
them, the per-user limit, capped error lists with a complete report, recovery after a restart,
and a connection pool as large as the threads that use it."""

from __future__ import annotations

import io
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import fastexcel
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.web.conftest import Clock, SignIn
from tests.web.county import CODES, NAMES
from tests.web.html import tables
from tests.web.jobs import submitted, wait_job

from mujun.services import job_tasks, job_worker, jobs
from mujun.store import db
from mujun.store.models import Job, JobStatus, User
from mujun.web.app import create_app
from mujun.web.settings import WebSettings

GOOD = f"统一社会信用代码,企业名称,实缴税收(万元)\n{CODES[0]},{NAMES[0]},45\n".encode()


def _upload(c: TestClient, data: bytes = GOOD, name: str = "tax-2021.csv") -> Response:
    return c.post("/api/imports", data={"department": "tax", "year": "2021"},
                  files={"file": (name, data, "text/csv")})


def test_an_import_job_from_queued_to_done_on_both_stores(county_sign_in: SignIn) -> None:
    c = county_sign_in("clerk")
    r = _upload(c)
    assert r.status_code == 202
    first = r.json()
    assert first["status"] == "queued" and r.headers["location"] == first["url"]
    assert first["params"] == {"department": "tax", "year": 2021, "file": "tax-2021.csv"}
    job = wait_job(c, first["url"])
    assert (job["status"], job["progress"], job["message"]) == ("done", 1.0, "完成")
    assert job["started_at"] and job["finished_at"] and job["report_url"] is None
    report = job["result"]  # 45 changes a stored value: the file waits for acceptance
    assert (report["applied"], report["waiting"], report["errors"]) == (False, True, 0)
    page = c.get(job["page"])
    assert page.status_code == 200 and 'id="report-waiting"' in page.text
    accept = c.post(f"/api/imports/jobs/{job['id']}/accept", json={"reason": "税务复核"})
    assert accept.status_code == 202
    applied = wait_job(c, submitted(accept))
    report = applied["result"]
    assert (report["applied"], report["updated"], report["errors"]) == (True, 1, 0)
    page = c.get(applied["page"])
    assert page.status_code == 200 and 'id="report-applied"' in page.text
    assert [j["id"] for j in c.get("/api/jobs").json()] == [applied["id"], job["id"]]
    assert [b["file_name"] for b in c.get("/api/imports").json()["items"]] == ["tax-2021.csv"]


def test_a_run_is_created_by_a_job(sign_in: SignIn) -> None:
    admin, clerk = sign_in("admin"), sign_in("clerk")
    assert clerk.post("/api/runs", json={"year": 2021}).status_code == 403  # refused at once
    r = admin.post("/api/runs", json={"year": 2021})
    assert r.status_code == 202
    job = wait_job(admin, submitted(r))
    assert job["status"] == "done", job
    run = admin.get(f"/api/runs/{job['result']['run_id']}").json()["run"]
    assert (run["label"], run["status"]) == (job["result"]["label"], "draft")
    page = admin.get(job["page"])
    assert f'href="/runs/{run["id"]}"' in page.text


def test_a_failed_job_says_why(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    job = wait_job(admin, submitted(admin.post("/api/runs", json={"year": 1999})))
    assert job["status"] == "failed" and "1999" in job["message"], job
    assert 'id="job-failed"' in admin.get(job["page"]).text


def test_another_user_cannot_read_your_job(sign_in: SignIn) -> None:
    clerk, ent, officer, admin = (sign_in(u) for u in ("clerk", "ent", "officer", "admin"))
    bad = f"统一社会信用代码,企业名称,实缴税收(万元)\n{CODES[0]},{NAMES[0]},abc\n".encode()
    job = wait_job(clerk, submitted(_upload(clerk, bad)))
    assert job["report_url"]
    for other in (ent, officer):
        assert other.get(job["url"]).status_code == 404
        assert other.get(job["report_url"]).status_code == 404
        assert other.get(job["page"]).status_code == 404
        assert other.get("/api/jobs").json() == []
    assert admin.get(job["url"]).json()["id"] == job["id"]
    assert [j["id"] for j in admin.get("/api/jobs").json()] == [job["id"]]


def test_the_per_user_limit_answers_429(sign_in: SignIn, engine: Engine) -> None:
    clerk, admin = sign_in("clerk"), sign_in("admin")
    with Session(engine) as session:  # three jobs waiting (no pool is woken: they stay queued)
        user = session.scalar(select(User).where(User.username == "clerk"))
        assert user is not None
        for _ in range(jobs.MAX_PENDING_PER_USER):
            jobs.submit(session=session, actor=user, kind=job_tasks.IMPORT,
                        params={"department": "tax", "year": 2021, "file": "x.csv"},
                        payload=GOOD)
        session.commit()
    r = _upload(clerk)
    assert r.status_code == 429
    assert "每人最多 3 个" in r.json()["detail"]
    page = clerk.post("/imports", data={"department": "tax", "year": "2021",
                                        "csrf_token": clerk.headers["X-CSRF-Token"]},
                      files={"file": ("t.csv", GOOD, "text/csv")})
    assert page.status_code == 429 and "请等前面的任务完成后再提交" in page.text
    # someone else is not held up by the clerk's queue
    assert admin.post("/api/runs", json={"year": 2021}).status_code == 202


def test_one_job_runs_per_user_and_the_oldest_first(county_engine: Engine) -> None:
    with Session(county_engine, expire_on_commit=False) as session:
        a, b = (session.scalar(select(User).where(User.username == n)) for n in ("clerk", "admin"))
        assert a is not None and b is not None
        ids = [jobs.submit(session=session, actor=u, kind="import", params={}).id
               for u in (a, a, b)]
        session.commit()
        taken = [jobs.claim_next(session=session, worker="h:1") for _ in range(3)]
        assert taken == [ids[0], ids[2], None]  # the clerk's second waits for its first
        jobs.finish(session=session, job_id=ids[0], result={})
        session.commit()
        assert jobs.claim_next(session=session, worker="h:1") == ids[1]


def test_errors_are_capped_in_the_page_and_json_and_complete_in_the_report(
        sign_in: SignIn) -> None:
    c = sign_in("clerk")
    n = 450
    rows = "".join(f"{CODES[i % len(CODES)]},{NAMES[0]},not-a-number-{i}\n" for i in range(n))
    job = wait_job(c, submitted(_upload(c, f"统一社会信用代码,企业名称,实缴税收(万元)\n{rows}"
                                           .encode())))
    report = job["result"]
    assert report["errors"] >= n and report["problems_total"] >= n
    assert len(report["problems"]) == job_tasks.SHOWN_PROBLEMS
    page = c.get(job["page"])
    assert len(tables(page.text)["problems"]) == job_tasks.SHOWN_PROBLEMS + 1  # + the header
    assert 'id="problems-capped"' in page.text
    xlsx = c.get(job["report_url"])
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    sheet = fastexcel.read_excel(io.BytesIO(xlsx.content).getvalue()).load_sheet(
        0, header_row=3).to_polars()
    assert sheet.height == report["problems_total"]
    values = set(sheet.get_column(sheet.columns[3]).to_list())
    assert {f"not-a-number-{i}" for i in range(n)} <= values


def test_jobs_a_killed_server_left_running_are_failed_at_start_up(engine: Engine,
                                                                  clock: Clock) -> None:
    here, elsewhere = f"{socket.gethostname()}:999999999", "another-host:1"
    with Session(engine, expire_on_commit=False) as session:
        owner = session.scalar(select(User).where(User.username == "clerk"))
        assert owner is not None
        made = [Job(kind="import", owner_id=owner.id, status=JobStatus.RUNNING, progress=0.5,
                    message="写入数据", params={}, worker=w) for w in (here, elsewhere)]
        session.add_all(made)
        session.commit()
    create_app(engine=engine, clock=clock)
    with Session(engine) as session:
        dead, other = (session.get(Job, j.id) for j in made)
        assert dead is not None and other is not None
        assert (dead.status, dead.message) == (JobStatus.FAILED, jobs.INTERRUPTED)
        assert other.status == JobStatus.RUNNING  # another machine's worker may be alive


def test_the_connection_pool_is_as_large_as_the_web_threads(tmp_path: object) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path}/x.db")
    pool = engine.pool
    capacity = pool.size() + pool._max_overflow  # type: ignore[attr-defined]
    assert capacity >= WebSettings().web_threads


def test_accepting_an_appeal_is_a_job(sign_in: SignIn) -> None:
    admin, ent = sign_in("admin"), sign_in("ent")
    a = ent.post("/api/runs/2/appeals", json={"uscc": CODES[0], "reason": "税收漏报"}).json()
    r = admin.post(f"/appeals/{a['id']}/resolve",
                   data={"decision": "accept", "note": "核实", "field": "tax_paid",
                         "value": "400", "csrf_token": admin.headers["X-CSRF-Token"]},
                   follow_redirects=False)
    job = wait_job(admin, submitted(r))
    assert job["status"] == "done" and job["result"]["new_run_id"], job


def _priorities_of_a_job(queue: multiprocessing.Queue[tuple[int, int, int, int]]) -> None:
    """In a job process (as ``job_worker.work`` starts): the nice values of its main thread and of
    a thread started before, at once and after more CPU than ``FULL_PRIORITY_CPU``."""
    job_worker._limit(2**20, 60)  # no memory cap to speak of: the test process is large
    started = threading.Event()
    thread = threading.Thread(target=lambda: (started.set(), time.sleep(30)), daemon=True)
    thread.start()
    started.wait()

    def nice_values() -> tuple[int, int]:
        return (os.getpriority(os.PRIO_PROCESS, threading.get_native_id()),
                os.getpriority(os.PRIO_PROCESS, thread.native_id or 0))

    before = nice_values()
    end = time.process_time() + job_worker.FULL_PRIORITY_CPU + 0.2
    while time.process_time() < end:
        pass
    queue.put((*before, *nice_values()))


def test_a_job_runs_its_first_cpu_seconds_at_the_webs_priority_then_below_it() -> None:
    """A short job (an appeal on a county) is not slowed by a busy machine; a long one makes way
    for the web after ``FULL_PRIORITY_CPU`` seconds of CPU, every thread of it."""
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[tuple[int, int, int, int]] = context.Queue()
    process = context.Process(target=_priorities_of_a_job, args=(queue,))
    process.start()
    main_before, thread_before, main_after, thread_after = queue.get(timeout=120)
    process.join(30)
    web = os.getpriority(os.PRIO_PROCESS, 0)
    assert (main_before, thread_before) == (web, web)
    assert (main_after, thread_after) == (web + job_worker.NICE, web + job_worker.NICE)


def test_a_job_process_does_not_import_the_web_servers_script_again(tmp_path: Path) -> None:
    """The script that started the server is imported once, not again in each job process
    (multiprocessing would: seconds of every job when it is the web application)."""
    marker, script = tmp_path / "imported.txt", tmp_path / "server.py"
    script.write_text(
        "import os, pathlib, sys\n"
        "with pathlib.Path(sys.argv[1]).open('a') as f:\n"
        "    f.write('imported\\n')\n"
        "if __name__ == '__main__':\n"
        "    from mujun.services import job_pool\n"
        "    process = job_pool._forks.Process(target=os.getpid)\n"
        "    job_pool.start_without_main(process)\n"
        "    process.join(120)\n"
        "    assert process.exitcode == 0, process.exitcode\n"
        "    assert sys.modules['__main__'].__file__ == __file__\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(marker)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert marker.read_text(encoding="utf-8") == "imported\n"
