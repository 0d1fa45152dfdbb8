"""Time the web's run creation, appeal resolution and what-if on the demo county (benchmarks.md,
Runs).

    .venv/bin/python bench/appeal_web.py [--store DIR]   # default: `mujun demo` into a temp dir

The demo county (`mujun demo`, SQLite) is served in-process (FastAPI's test client over the real
app, its job pool and worker processes); an admin signs in and, as the pages do, the script
measures from the request until the job's URL says done (polled every 0.1 s):

- accepting the demo's pending appeal of the 2025 run (with a corrected tax figure): the
  corrections applied and the corrected run version computed, a job;
- rejecting an appeal (a second one is filed first): answered at once;
- creating a run for 2025: a job;
- the what-if (政策模拟) of the 2025 run under the other shipped policy: answered in the request
  (the first request, then the median of five more), as the runs page asks for it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.services.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from mujun.store import db
from mujun.store.models import Appeal, AppealStatus, Run, RunResult, RunStatus
from mujun.web.app import create_app

MUJUN = str(Path(sys.executable).with_name("mujun"))


def demo_store(folder: Path) -> Path:
    path = folder / "demo.db"
    env = {**os.environ, "MUJUN_DATABASE_URL": f"sqlite:///{path}", "MUJUN_PROGRESS": "never"}
    subprocess.run([MUJUN, "demo"], env=env, check=True, capture_output=True)
    return path


def until_done(client: TestClient, response: Any) -> tuple[dict[str, Any], list[str]]:
    """The job's last state and the progress messages seen while polling it."""
    assert response.status_code == 202, response.text
    url, seen = response.json()["url"], []
    while True:
        job = client.get(url).json()
        if not seen or seen[-1] != job["message"]:
            seen.append(job["message"])
        if job["status"] in ("done", "failed"):
            return job, seen
        time.sleep(0.1)


def what_if(client: TestClient, run_id: int) -> None:
    """The what-if request of the runs page, under the shipped policy the run was not made
    with: the first request of the server, then the median of five."""
    policy = client.get(f"/api/runs/{run_id}").json()["run"]["policy_name"]
    other = "zhejiang-template" if policy != "zhejiang-template" else "songyang-2024"
    times = []
    for _ in range(6):
        start = time.perf_counter()
        r = client.post(f"/api/runs/{run_id}/what-if", json={"policy_name": other})
        times.append(time.perf_counter() - start)
        assert r.status_code == 200, r.text
    changed = r.json()["changes"]
    print(f"what-if under {other} (run under {policy}): first {times[0] * 1000:.0f} ms, then "
          f"median {sorted(times[1:])[2] * 1000:.0f} ms wall; {changed} enterprises change "
          f"class", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a folder holding demo.db (kept unchanged)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if options.store:
            shutil.copy(options.store / "demo.db", folder / "demo.db")
            path = folder / "demo.db"
        else:
            path = demo_store(folder)
        engine = db.make_engine(f"sqlite:///{path}")
        with Session(engine) as session:
            run = session.scalars(select(Run).where(Run.status == RunStatus.NOTICE)).one()
            pending = session.scalars(select(Appeal).where(
                Appeal.run_id == run.id, Appeal.status == AppealStatus.PENDING)).first()
            assert pending is not None
            other = session.scalars(select(RunResult.uscc).where(
                RunResult.run_id == run.id, RunResult.uscc != pending.uscc,
                RunResult.group.is_not(None)).order_by(RunResult.row_no)).first()
            enterprises, run_id, label, appeal_id = run.n_results, run.id, run.label, pending.id
            ensure_demo_accounts(session=session)  # as `mujun serve` does on the demo store
            session.commit()
        print(f"demo county: run {label}, {enterprises} enterprises; "
              f"load average {os.getloadavg()[0]:.1f}")
        with TestClient(create_app(engine=engine)) as client:
            r = client.post("/api/auth/login", json={"username": "admin",
                                                     "password": DEMO_PASSWORD})
            client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            what_if(client, run_id)
            # the first job also starts the pool's forkserver (imports once): timed apart
            for label, call in (
                ("create a run (first job of the server)",
                 lambda: client.post("/api/runs", json={"year": 2025})),
                ("accept an appeal (corrected tax, new run version)",
                 lambda: client.post(f"/api/appeals/{appeal_id}/resolve", json={
                     "accept": True, "note": "核实属实", "corrections": {"tax_paid": 9999.0}})),
                ("create a run",
                 lambda: client.post("/api/runs", json={"year": 2025})),
            ):
                start = time.perf_counter()
                job, seen = until_done(client, call())
                print(f"{label}: {time.perf_counter() - start:.2f} s wall, {job['status']}; "
                      f"progress seen: {' → '.join(seen)}", flush=True)
            filed = client.post(f"/api/runs/{run_id}/appeals",
                                json={"uscc": other, "reason": "bench"})
            assert filed.status_code == 201, filed.text
            start = time.perf_counter()
            r = client.post(f"/api/appeals/{filed.json()['id']}/resolve",
                            json={"accept": False, "note": "维持原结果"})
            assert r.status_code == 200, r.text
            print(f"reject an appeal: {time.perf_counter() - start:.2f} s wall")
        engine.dispose()


if __name__ == "__main__":
    main()
