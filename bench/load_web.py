"""Load test of the web app with Locust: 50 users on loopback, bounded in time (benchmarks.md).

    .venv/bin/python bench/load_web.py [--users 50] [--seconds 60] [--store FILE]

Serves the demo county from a SQLite store (made with ``mujun demo`` on the first run and kept in
``--store``), then runs Locust headless: half the users open enterprise portraits (亩均画像,
the page and its API), half open the cockpit (驾驶舱, the page and its API). Prints p50/p95/p99
per request kind and checks the targets: portrait p95 ≤ 100 ms, cockpit p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TARGETS_MS = {"portrait": 100.0, "cockpit": 300.0}
PASSWORD = "mujun-demo-2025"  # mujun.services.passwords.DEMO_PASSWORD (demo store, loopback)


# --- Locust user classes (this file is also the locustfile) ---------------------------------------

try:
    from locust import HttpUser, between, task

    class _SignedIn(HttpUser):
        abstract = True
        wait_time = between(0.5, 1.5)

        def on_start(self) -> None:
            # one sign-in made by the runner, shared: the cookie carries the session's token,
            # and 50 argon2 checks at once would measure the password hash, not the pages
            self.client.cookies.set("mujun_session", os.environ["BENCH_COOKIE"])

    class PortraitUser(_SignedIn):
        codes: list[str] = json.loads(os.environ.get("BENCH_USCC", "[]"))

        @task(3)
        def page(self) -> None:
            self.client.get(f"/enterprises/{random.choice(self.codes)}", name="portrait page")

        @task(1)
        def api(self) -> None:
            self.client.get(f"/api/enterprises/{random.choice(self.codes)}", name="portrait api")

    class CockpitUser(_SignedIn):
        @task(3)
        def page(self) -> None:
            self.client.get("/cockpit", name="cockpit page")

        @task(1)
        def api(self) -> None:
            self.client.get("/api/cockpit", name="cockpit api")
except ImportError:  # the runner below only needs the standard library
    pass


# --- the runner -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, seconds: float = 300) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def _sign_in(host: str) -> str:
    request = urllib.request.Request(
        f"{host}/api/auth/login", method="POST",
        data=json.dumps({"username": "admin", "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        cookie = response.headers["set-cookie"]
    return cookie.split(";", 1)[0].split("=", 1)[1]


def _warm(host: str, cookie: str, codes: list[str]) -> None:
    """One request per kind first: the cockpit's aggregates are computed once per data version."""
    for path in ("/api/cockpit", "/cockpit", f"/enterprises/{codes[0]}"):
        request = urllib.request.Request(f"{host}{path}",
                                         headers={"Cookie": f"mujun_session={cookie}"})
        urllib.request.urlopen(request, timeout=60).read()


def _sample_codes(store: Path, n: int = 300) -> list[str]:
    import sqlite3

    with sqlite3.connect(store) as conn:
        run_id = conn.execute("select id from runs where status in ('notice', 'final') "
                              "order by year desc, run_version desc limit 1").fetchone()[0]
        rows = conn.execute("select uscc from run_results where run_id = ? and \"group\" is not "
                            "null order by row_no", (run_id,)).fetchall()
    codes = [r[0] for r in rows]
    random.Random(7).shuffle(codes)
    return codes[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) /
                        "mujun-bench-web" / "demo.db")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "MUJUN_DATABASE_URL": f"sqlite:///{args.store}",
           "MUJUN_SECRET_KEY": "bench-only-secret-key-0123456789abcdef"}
    if not args.store.exists():
        args.store.parent.mkdir(parents=True, exist_ok=True)
        print(f"loading the demo county into {args.store} …", flush=True)
        subprocess.run([str(bin_dir / "mujun"), "demo"], env=env, check=True)
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(bin_dir / "mujun"), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"{host}/login")
        cookie, codes = _sign_in(host), _sample_codes(args.store)
        _warm(host, cookie, codes)
        with tempfile.TemporaryDirectory() as tmp:
            prefix = Path(tmp) / "stats"
            subprocess.run(
                [str(bin_dir / "locust"), "-f", __file__, "--headless", "--host", host,
                 "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s",
                 "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
                 "PortraitUser", "CockpitUser"],
                env={**env, "BENCH_USCC": json.dumps(codes), "BENCH_COOKIE": cookie}, check=False)
            with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
                stats = {row["Name"]: row for row in csv.DictReader(fh)}
    finally:
        server.terminate()
        server.wait(10)
    load = os.getloadavg()
    print(f"\n{args.users} users, {args.seconds} s, one server process on SQLite; "
          f"load average {load[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'request':<16}{'count':>8}{'fails':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'req/s':>8}")
    ok = True
    for name in ("portrait page", "portrait api", "cockpit page", "cockpit api"):
        row = stats.get(name)
        if row is None:
            continue
        p95 = float(row["95%"])
        print(f"{name:<16}{row['Request Count']:>8}{row['Failure Count']:>7}{row['50%']:>9}"
              f"{row['95%']:>9}{row['99%']:>9}{float(row['Requests/s']):>8.1f}")
        target = TARGETS_MS[name.split()[0]]
        ok &= p95 <= target and row["Failure Count"] == "0"
    print("targets (portrait p95 ≤ 100 ms, cockpit p95 ≤ 300 ms):", "met" if ok else "NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
