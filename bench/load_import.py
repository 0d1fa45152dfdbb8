"""Cockpit and portrait latency while a 100,000-row import runs (benchmarks.md, "Web during an
import").

    .venv/bin/python bench/load_import.py [--users 50] [--rows 100000] [--baseline 60]

Serves a copy of the demo county (``mujun demo``, SQLite; made on the first run and kept in
``--store``, as ``load_web.py``) with ``mujun serve`` (one uvicorn process) and runs Locust
headless with 50 users on loopback (``load_web.py``'s portrait and cockpit users). After
``--baseline`` seconds it uploads a generated statistics file of ``--rows`` new enterprises
(14 fields each) through ``POST /api/imports`` and polls the job until it is done. Every request
is logged with its start time; the figures are those of the requests made while the import ran,
and of the baseline window before it: count, failures, p50/p95/p99 per kind, the import's
duration (upload to done) and the load average. Goal: p95 ≤ 1 s and no failed request.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "store"))

from load_web import (  # noqa: E402
    PASSWORD,
    _free_port,
    _sample_codes,
    _wait,
    _warm,
)

GOAL_MS = 1000.0

# --- the locustfile: load_web's users, each request logged (start time, kind, ms, failed) ---------

if os.environ.get("BENCH_LOG"):  # inside Locust only (its import patches the standard library)
    from load_web import CockpitUser, PortraitUser  # noqa: F401  (Locust finds the users here)
    from locust import events

    _log = open(os.environ["BENCH_LOG"], "a", encoding="utf-8")  # noqa: SIM115

    @events.request.add_listener
    def _logged(request_type: str, name: str, response_time: float, exception: object,
                start_time: float | None = None, **_kw: object) -> None:
        _log.write(f"{start_time or time.time()},{name},{response_time:.1f},"
                   f"{int(exception is not None)}\n")
        _log.flush()


# --- the runner -----------------------------------------------------------------------------------


def _sign_in(host: str) -> tuple[str, str]:
    request = urllib.request.Request(
        f"{host}/api/auth/login", method="POST",
        data=json.dumps({"username": "admin", "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        cookie = response.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
        return cookie, json.loads(response.read())["csrf_token"]


def _upload(host: str, cookie: str, csrf: str, path: Path, year: int) -> dict[str, object]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in (("department", "stats"), ("year", str(year)))]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{path.name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                 + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode())
    request = urllib.request.Request(
        f"{host}/api/imports", method="POST", data=b"".join(parts),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                 "Cookie": f"mujun_session={cookie}", "X-CSRF-Token": csrf})
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 202, response.status
        return dict(json.loads(response.read()))


def _job(host: str, cookie: str, url: str) -> dict[str, object]:
    request = urllib.request.Request(f"{host}{url}", headers={"Cookie": f"mujun_session={cookie}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return dict(json.loads(response.read()))


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=60,
                        help="seconds of the same load measured before the upload, to compare")
    parser.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) /
                        "mujun-bench-web" / "demo.db")
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) /
                        "mujun-bench-web" / "import-requests.csv",
                        help="every request: start time, kind, ms, failed")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    secret = {"MUJUN_SECRET_KEY": "bench-only-secret-key-0123456789abcdef"}
    if not args.store.exists():
        args.store.parent.mkdir(parents=True, exist_ok=True)
        print(f"loading the demo county into {args.store} …", flush=True)
        subprocess.run([str(bin_dir / "mujun"), "demo"], check=True,
                       env={**os.environ, **secret, "MUJUN_DATABASE_URL": f"sqlite:///{args.store}"})
    from store_helpers import write_stats

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = folder / "store.db"
        shutil.copy(args.store, store)  # the import changes the store: a copy per run
        env = {**os.environ, **secret, "MUJUN_DATABASE_URL": f"sqlite:///{store}"}
        data = write_stats(folder / "stats-100k.csv", args.rows)
        port = _free_port()
        host = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([str(bin_dir / "mujun"), "serve", "--port", str(port),
                                   "--no-demo"], env=env, stdout=subprocess.DEVNULL)
        log = args.log
        log.unlink(missing_ok=True)
        loads: list[float] = []
        try:
            _wait(f"{host}/login")
            (cookie, csrf), codes = _sign_in(host), _sample_codes(store)
            _warm(host, cookie, codes)
            locust = subprocess.Popen(
                [str(bin_dir / "locust"), "-f", __file__, "--headless", "--host", host,
                 "-u", str(args.users), "-r", str(args.users), "-t", "900s", "--only-summary",
                 "--loglevel", "WARNING", "PortraitUser", "CockpitUser"],
                env={**env, "BENCH_USCC": json.dumps(codes), "BENCH_COOKIE": cookie,
                     "BENCH_LOG": str(log)}, stdout=subprocess.DEVNULL)
            time.sleep(5 + args.baseline)  # every user runs; then the baseline window
            sampling = True

            def sample() -> None:
                while sampling:
                    loads.append(os.getloadavg()[0])
                    time.sleep(1)

            sampler = threading.Thread(target=sample, daemon=True)
            t0 = time.time()
            job = _upload(host, cookie, csrf, data, 2030)
            sampler.start()
            while job["status"] not in ("done", "failed"):
                time.sleep(1)
                job = _job(host, cookie, str(job["url"]))
            t1 = time.time()
            sampling = False
            time.sleep(3)
            locust.send_signal(signal.SIGINT)
            locust.wait(60)
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        rows = []
        with log.open(encoding="utf-8") as fh:
            for start, name, ms, failed in csv.reader(fh):
                rows.append((float(start), name, float(ms), failed == "1"))
    during = [r for r in rows if t0 <= r[0] <= t1]
    before = [r for r in rows if t0 - args.baseline <= r[0] < t0]
    result = job.get("result") or {}
    assert isinstance(result, dict)
    print(f"\n{args.users} users; import of {args.rows:,} new enterprises (statistics, 14 fields) "
          f"as a job: {job['status']} in {t1 - t0:.1f} s (applied {result.get('applied')}, "
          f"{result.get('inserted')} values); load average during it: mean "
          f"{statistics.fmean(loads) if loads else float('nan'):.1f}, max "
          f"{max(loads, default=float('nan')):.1f} on {os.cpu_count()} CPUs")
    print(f"{'request':<16}{'window':>8}{'count':>7}{'fails':>7}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'p99 ms':>9}")
    ok = job["status"] == "done"
    for window, chosen in (("import", during), ("before", before)):
        for kind in ("portrait page", "portrait api", "cockpit page", "cockpit api"):
            ms = [r[2] for r in chosen if r[1] == kind]
            fails = sum(1 for r in chosen if r[1] == kind and r[3])
            p95 = _percentile(ms, 95)
            print(f"{kind:<16}{window:>8}{len(ms):>7}{fails:>7}{_percentile(ms, 50):>9.0f}"
                  f"{p95:>9.0f}{_percentile(ms, 99):>9.0f}")
            if window == "import":
                ok &= p95 <= GOAL_MS and fails == 0 and bool(ms)
    print(f"goal (p95 ≤ {GOAL_MS:.0f} ms, no failure, while the import runs):",
          "met" if ok else "NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
