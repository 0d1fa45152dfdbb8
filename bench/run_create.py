"""Time `mujun run create` (the whole command) on a store of a synthetic county (benchmarks.md).

    .venv/bin/python bench/run_create.py [--rows 10000 100000] [--store sqlite postgresql]

For each size and store: a fresh store (a new SQLite file, or a new PostgreSQL schema in
``MUJUN_BENCH_PG_URL``, default the local test database), the synthetic county of
``bench/synthetic`` imported by `mujun import` for each department with fields or incidents (not
timed), then
`mujun run create --year 2024` timed with /usr/bin/time -v: wall, CPU (user + system of the command;
the database server's own work is not in it) and peak RSS, with the load average.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import polars as pl
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import county

from mujun.engine.fields import FIELDS
from mujun.services.departments import DEPARTMENTS

YEAR = 2024
PG_URL = os.environ.get("MUJUN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MUJUN = str(Path(sys.executable).with_name("mujun"))


def write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    """The county's enterprise table and incidents as the departments' CSV files (Chinese
    headers, 是/否)."""
    enterprises, incidents = county(rows, seed=1, year=YEAR)
    frame = pl.from_arrow(enterprises)
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_columns(
        pl.when(pl.col(c)).then(pl.lit("是")).otherwise(pl.lit("否")).alias(c)
        for c, t in frame.schema.items() if t == pl.Boolean
    ).rename({f.key: f.header_zh for f in FIELDS})
    data = folder / "enterprises.csv"
    frame.write_csv(data)
    found = pl.from_arrow(incidents)
    assert isinstance(found, pl.DataFrame)
    events = folder / "incidents.csv"
    found.select(pl.col("uscc").alias("统一社会信用代码"), pl.col("year").alias("年度"),
                 pl.col("type").alias("类型")).write_csv(events)
    return data, events


@contextmanager
def fresh_store(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in PG_URL else "?"
        yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def mujun(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([MUJUN, *args], env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"mujun {' '.join(args)}: {done.stderr[-2000:]}")


def timed(env: dict[str, str], *args: str) -> tuple[float, float, float, str]:
    """Wall (s), CPU user + system (s), peak RSS (MB) and the last line of standard output."""
    done = subprocess.run(["/usr/bin/time", "-v", MUJUN, *args], env=env, capture_output=True,
                          text=True, check=True)

    def field(name: str) -> str:
        match = re.search(rf"^\s*{re.escape(name)}: (.+)$", done.stderr, re.MULTILINE)
        assert match, done.stderr[-2000:]
        return match[1]

    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    rss = int(field("Maximum resident set size (kbytes)")) / 1024
    return seconds, cpu, rss, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--store", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    options = parser.parse_args()
    print("| store | enterprises | wall (s) | CPU (s) | peak RSS (MB) | load average |")
    print("|---|---:|---:|---:|---:|---:|")
    for rows in options.rows:
        for kind in options.store:
            with tempfile.TemporaryDirectory() as tmp, fresh_store(kind, Path(tmp)) as url:
                env = {**os.environ, "MUJUN_DATABASE_URL": url, "MUJUN_PROGRESS": "never"}
                # as a user's install: the first command writes the bytecode the next ones read
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                mujun(env, "db", "upgrade")
                data, events = write_files(Path(tmp), rows)
                # statistics first: the department whose file adds the enterprises
                for dept in sorted(DEPARTMENTS.values(), key=lambda d: not d.creates_enterprises):
                    for path in ([data] if dept.fields else []) + (
                            [events] if dept.incident_types else []):
                        mujun(env, "import", "--year", str(YEAR), "--department", dept.code,
                              str(path))
                wall, cpu, rss, shown = timed(env, "run", "create", "--year", str(YEAR))
                assert f"{rows} results" in shown, shown
                print(f"| {kind} | {rows:,} | {wall:.1f} | {cpu:.1f} | {rss:.0f} | "
                      f"{os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
