"""Benchmark of monitoring (docs/monitoring.md): ``mujun monitor`` on the embedded engine and on
Spark, against a row-by-row Python implementation, on generated power files.

    python bench/monitor.py [--sizes 100000,1000000] [--spark-sizes 100000]
                            [--rowwise-sizes 100000] [--no-docs]

For each size (enterprises; × 36 months = readings) a Parquet power file is generated
(:func:`power_file`: seasonality, planted stops, declines, silences, new enterprises and missing
months; seed 0) and then, each in its own process, timed with ``/usr/bin/time -v`` as the user
meets it (from process start: wall, CPU user + sys, peak RSS):

- ``mujun monitor --engine duckdb`` — the whole command: read and check the file, the rules,
  write the result, print the counts; twice: first with an empty cache folder
  (``MUJUN_CACHE_DIR``: the rules are compiled by ibis and their SQL kept, as on the first run
  after an install or a change of the rules), then with the SQL kept (every later run);
- ``mujun monitor --engine spark --spark-master local[2]`` (Spark start-up included);
- the row-by-row implementation (``bench/monitor_rowwise.py``) as a whole program: the file read
  into Python tuples, the rules in loops, the result written.

Before the timed runs every program runs once on a small file (untimed), so that Python's
bytecode cache is written as on any machine after a first run (``PYTHONDONTWRITEBYTECODE`` is
taken out of the environment of the timed runs) and the disk cache is warm.

The rules alone are also timed in-process for the engine (``engine.monitoring.monitor`` on the
table already read, its modules imported) and the row-by-row code (on the tuples already
built), one call each. The three results
must be equal cell for cell. The Markdown is printed and written to docs/benchmarks.md under
"## Monitoring" (the rest of that file is left alone).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SECTION = "## Monitoring"
AS_OF = "2025-12"
FIRST_MONTH = (2023, 1)
MONTHS = 36
MUJUN = Path(sys.executable).parent / "mujun"


# --- the generated file -------------------------------------------------------------------------


def power_file(n: int, path: Path, seed: int = 0) -> int:
    """Write ``n`` enterprises × 36 months (2023-01 … 2025-12) of readings to ``path``
    (Parquet: ``uscc`` text, ``month`` ``YYYY-MM`` text, ``kwh``); returns the rows written.

    Each enterprise has a base use (log-normal, ~40 000 kWh a month), the county's seasonality
    (less in February, more in summer) and ±10 % noise. Planted: 3 % stop two or more months
    before the end (≈2 % of their use), 6 % decline by 40 % over their last six months, 2 % fall
    silent (no rows for their last 2–6 months), 4 % start later (from 2024 or 2025) and 5 % miss
    one month at random. Rows are in month order, enterprise after enterprise, as the grid's
    monthly extracts are appended."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bench.synthetic import credit_codes

    rng = np.random.default_rng(seed)
    codes = credit_codes(n, seed)
    base = rng.lognormal(np.log(40_000), 1.0, n)
    season = np.array([1.0, 0.7, 1.0, 1.0, 1.05, 1.1, 1.2, 1.25, 1.1, 1.0, 1.0, 1.05])
    month = np.arange(MONTHS)
    kwh = base[:, None] * season[(month + FIRST_MONTH[1] - 1) % 12][None, :]
    kwh *= rng.uniform(0.9, 1.1, (n, MONTHS))
    kind = rng.random(n)
    stopped = kind < 0.03
    stop_at = rng.integers(MONTHS - 4, MONTHS - 1, n)
    kwh[stopped] = np.where(month[None, :] >= stop_at[stopped, None], kwh[stopped] * 0.02,
                            kwh[stopped])
    declining = (kind >= 0.03) & (kind < 0.09)
    kwh[declining] = np.where(month[None, :] >= MONTHS - 6, kwh[declining] * 0.6,
                              kwh[declining])
    present = np.ones((n, MONTHS), dtype=bool)
    silent = (kind >= 0.09) & (kind < 0.11)
    silent_from = rng.integers(MONTHS - 6, MONTHS - 1, n)
    present[silent] = month[None, :] < silent_from[silent, None]
    late = (kind >= 0.11) & (kind < 0.15)
    start = rng.integers(12, MONTHS - 1, n)
    present[late] &= month[None, :] >= start[late, None]
    gap = rng.random(n) < 0.05
    present[gap, rng.integers(0, MONTHS, int(gap.sum()))] = False
    kwh = np.round(kwh, 1)
    # month order: all of 2023-01, then 2023-02 …
    present_t, kwh_t = present.T, kwh.T
    who = np.broadcast_to(np.arange(n), (MONTHS, n))[present_t]
    when = np.broadcast_to(month[:, None], (MONTHS, n))[present_t]
    labels = np.array([f"{FIRST_MONTH[0] + (FIRST_MONTH[1] - 1 + m) // 12}-"
                       f"{(FIRST_MONTH[1] - 1 + m) % 12 + 1:02d}" for m in range(MONTHS)])
    table = pa.table({
        "uscc": pa.DictionaryArray.from_arrays(pa.array(who.astype(np.int32)), codes),
        "month": pa.DictionaryArray.from_arrays(pa.array(when.astype(np.int32)),
                                                pa.array(labels)),
        "kwh": pa.array(kwh_t[present_t]),
    })
    pq.write_table(table, path)
    return table.num_rows


# --- the row-by-row program -------------------------------------------------------------------


def rowwise_program(power: Path, out: Path) -> dict[str, Any]:
    """The row-by-row implementation as a whole program: the file into tuples, the rules in
    loops, the result out. Returns the time of the rules alone."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bench import monitor_rowwise

    table = pq.read_table(power)
    months: dict[str, int] = {}
    rows = []
    for record in table.to_pylist():
        text = record["month"]
        if text not in months:
            year, month = text.split("-")
            months[text] = int(year) * 12 + int(month) - 1
        rows.append((record["uscc"], months[text], record["kwh"]))
    year, month = AS_OF.split("-")
    start, cpu = time.perf_counter(), time.process_time()
    result = monitor_rowwise.monitor(rows, int(year) * 12 + int(month) - 1)
    rules_s, rules_cpu_s = time.perf_counter() - start, time.process_time() - cpu
    pq.write_table(pa.Table.from_pylist(result), out)
    return {"rules_s": rules_s, "rules_cpu_s": rules_cpu_s}


def engine_rules(power: Path, engine: str) -> dict[str, Any]:
    """The engine's rules alone on the file already read (the whole command is timed apart)."""
    from mujun.cli.inputs import backend
    from mujun.engine.monitoring import monitor, months
    from mujun.io.policy_files import load_policy
    from mujun.io.power import read_power

    read = read_power(power)
    rules = load_policy().policy.monitoring
    chosen = backend(engine, "local[2]")
    # the engine's modules (DuckDB's among them) imported before the clock starts: a one-time
    # cost of the process, which the whole command's figure counts; not the rules' work
    import mujun.engine.embedded  # noqa: F401
    as_of = months.parse(AS_OF)
    assert as_of is not None
    start, cpu = time.perf_counter(), time.process_time()
    monitor(read.table, as_of, rules, backend=chosen)
    # CPU of this process: DuckDB's threads are in it; Spark's JVM is not
    return {"rules_s": time.perf_counter() - start, "rules_cpu_s": time.process_time() - cpu}


# --- the driver ---------------------------------------------------------------------------------


def _env(cache: Path) -> dict[str, str]:
    """The environment of the timed runs: the plan cache in ``cache``, bytecode written."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "MUJUN_PROGRESS": "never", "MUJUN_CACHE_DIR": str(cache)}


def _timed(cmd: list[str], cache: Path) -> dict[str, Any]:
    """Run ``cmd`` under /usr/bin/time -v: wall, user + sys and peak RSS (MB) of the process
    and its children, and the JSON its last output line may hold."""
    load = os.getloadavg()[0]
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True,
                          cwd=ROOT, env=_env(cache))
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr[-3000:]}")

    def field(name: str) -> str:
        found = re.search(rf"{re.escape(name)}: (.+)", proc.stderr)
        assert found, name
        return found.group(1).strip()

    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    out: dict[str, Any] = {
        "wall_s": wall,
        "cpu_s": float(field("User time (seconds)")) + float(field("System time (seconds)")),
        "rss_mb": int(field("Maximum resident set size (kbytes)")) / 1024,
        "stdout": proc.stdout,
        "load": (load, os.getloadavg()[0]),
    }
    last = proc.stdout.strip().splitlines()[-1:] if proc.stdout.strip() else []
    if last and last[0].startswith("{"):
        out.update(json.loads(last[0]))
    return out


def _command(power: Path, out: Path, engine: str) -> list[str]:
    cmd = [str(MUJUN), "monitor", "--as-of", AS_OF, "--power", str(power), "--out", str(out),
           "--engine", engine]
    return cmd + (["--spark-master", "local[2]"] if engine == "spark" else [])


def _self(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def _same(paths: list[Path]) -> bool:
    import pyarrow.parquet as pq

    tables = [pq.read_table(p) for p in paths]
    first = tables[0]
    return all(t.cast(first.schema).equals(first) for t in tables[1:])


def warm_up(spark: bool, tmp: Path) -> None:
    """Every program once on a small file, untimed: Python's bytecode written, the disk warm."""
    power = tmp / "warm-up.parquet"
    power_file(1000, power)
    cache = tmp / "warm-up-cache"
    for engine in ("duckdb", "spark") if spark else ("duckdb",):
        _timed(_command(power, tmp / f"warm-up-{engine}.parquet", engine), cache)
        _timed(_self("--rules", str(power), "--engine", engine), cache)
    _timed(_self("--rowwise", str(power), str(tmp / "warm-up-rowwise.parquet")), cache)


def measure(size: int, spark: bool, rowwise: bool, tmp: Path) -> dict[str, Any]:
    power = tmp / f"power-{size}.parquet"
    start = time.perf_counter()
    rows = power_file(size, power)
    result: dict[str, Any] = {"size": size, "rows": rows, "file_mb": power.stat().st_size / 2**20,
                              "generate_s": time.perf_counter() - start}
    cache = tmp / f"cache-{size}"  # empty: the first run compiles the rules and keeps their SQL
    outs = []
    runs = [("duckdb_cold", "duckdb"), ("duckdb", "duckdb")] + ([("spark", "spark")] if spark
                                                                 else [])
    for impl, engine in runs:
        out = tmp / f"{impl}-{size}.parquet"
        result[impl] = _timed(_command(power, out, engine), cache)
        printed = result[impl].pop("stdout")
        if impl == "duckdb":
            counts = re.findall(r"(silent|stopped|declining|normal)\s*│\s*([0-9]+)", printed)
            result["counts"] = {k: int(v) for k, v in counts}
        if impl != "duckdb_cold":
            rules = _timed(_self("--rules", str(power), "--engine", engine), cache)
            result[impl].update(rules_s=rules["rules_s"], rules_cpu_s=rules["rules_cpu_s"])
        outs.append(out)
    if rowwise:
        out = tmp / f"rowwise-{size}.parquet"
        result["rowwise"] = _timed(_self("--rowwise", str(power), str(out)), cache)
        result["rowwise"].pop("stdout")
        outs.append(out)
    result["same"] = _same(outs)
    print(json.dumps(result), file=sys.stderr)
    return result


def _machine() -> str:
    import duckdb
    import ibis
    import pyarrow

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, {mem:.0f} GB "
            f"RAM; Python {platform.python_version()}, duckdb {duckdb.__version__}, ibis "
            f"{ibis.__version__}, pyarrow {pyarrow.__version__}")


def markdown(results: list[dict[str, Any]], load: tuple[float, float]) -> str:
    out = [
        SECTION,
        "",
        "`python bench/monitor.py` — generated power files (`power_file` in the script: "
        "enterprises × 36 months 2023-01 … 2025-12, Parquet, seed 0, with planted stops, "
        "declines, silences, late starts and missing months), as of 2025-12 under "
        "`zhejiang-template`. *Whole* is the whole process as the user meets it, timed by "
        "`/usr/bin/time -v` from start to exit (read and check the file, the rules, write the "
        "result; Spark's start-up included): wall, CPU user + sys, peak RSS of the process and "
        "its children; Python's bytecode cache written by an untimed first run of each program "
        "on a small file. The embedded engine runs twice: first with an empty cache folder "
        "(the rules compiled by ibis and their SQL kept: the first run after an install or a "
        "change of the policy's `monitoring:` section), then with the SQL kept (every later "
        "run; `engine/monitoring/plan.py`). *Rules* is the rules alone, in-process, on the "
        "input already in memory (the engine on the checked Arrow table, its modules imported; "
        "row-by-row on Python tuples), one call each: wall, and CPU of the process (DuckDB's "
        "two threads included; Spark's JVM not), with the SQL kept. Ratios are row-by-row's "
        "figure over the implementation's at the same size.",
        "",
        f"Machine: {_machine()}. Load average (1 min) at the start / end of the run: "
        f"{load[0]:.1f} / {load[1]:.1f} — other work shared the 2 CPUs, which inflates the "
        "times.",
        "",
        "| enterprises | readings | implementation | whole: wall (s) | whole: CPU (s) "
        "| whole: peak RSS (MB) | rules: wall (s) | rules: CPU (s) "
        "| faster than row-by-row, wall (whole / rules) "
        "| less CPU than row-by-row (whole / rules) | load average (1 min) before / after |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {"duckdb_cold": "`mujun monitor` (embedded DuckDB), first run: rules compiled",
              "duckdb": "`mujun monitor` (embedded DuckDB), rules' SQL kept",
              "spark": "`mujun monitor --engine spark` (local[2])",
              "rowwise": "row-by-row Python"}
    for r in results:
        base = r.get("rowwise")
        for impl in ("duckdb_cold", "duckdb", "spark", "rowwise"):
            m = r.get(impl)
            if m is None:
                continue
            rules = "rules_s" in m
            speed = cpu = "—"
            if base and impl != "rowwise":
                speed = f"{base['wall_s'] / m['wall_s']:.1f}× / " + (
                    f"{base['rules_s'] / m['rules_s']:.1f}×" if rules else "—")
                cpu = f"{base['cpu_s'] / m['cpu_s']:.1f}× / " + (
                    f"{base['rules_cpu_s'] / m['rules_cpu_s']:.1f}×" if rules else "—")
                if impl == "spark":
                    cpu = f"{base['cpu_s'] / m['cpu_s']:.1f}× / — (JVM not counted)"
            rules_cells = f"{m['rules_s']:.2f} | {m['rules_cpu_s']:.2f}" if rules else "— | —"
            out.append(f"| {r['size']:,} | {r['rows']:,} | {labels[impl]} | {m['wall_s']:.1f} "
                       f"| {m['cpu_s']:.1f} | {m['rss_mb']:,.0f} | {rules_cells} | {speed} "
                       f"| {cpu} | {m['load'][0]:.1f} / {m['load'][1]:.1f} |")
    out += ["", "Results and levels:", ""]
    for r in results:
        compared = [i for i in ("duckdb_cold", "duckdb", "spark", "rowwise") if i in r]
        verdict = ("identical, cell for cell" if r["same"] else "DIFFER") if len(compared) > 1 \
            else "(only the embedded engine at this size)"
        counts = ", ".join(f"{k} {v:,}" for k, v in r["counts"].items())
        out.append(f"- {r['size']:,} enterprises ({r['file_mb']:.0f} MB Parquet): "
                   f"{' / '.join(compared)} {verdict}; {counts}")
    out += ["", "Against the goals of issue 13 (measured as above, under that load):", ""]
    for r in results:
        m = r["duckdb"]
        if r["rows"] > 30_000_000:
            out.append(f"- {r['rows']:,} readings ≤ 30 s wall: {_verdict(m['wall_s'] <= 30)} "
                       f"({m['wall_s']:.0f} s wall, {m['cpu_s']:.0f} s of CPU on 2 CPUs); "
                       f"≤ 4 GB peak: {_verdict(m['rss_mb'] <= 4096)} ({m['rss_mb']:,.0f} MB)")
        if "rowwise" in r:
            base, cold = r["rowwise"], r["duckdb_cold"]
            out.append(f"- ≥ 20× row-by-row at {r['rows']:,} readings, the rules' SQL kept: "
                       f"{_verdict(base['wall_s'] / m['wall_s'] >= 20)} (wall "
                       f"{base['wall_s'] / m['wall_s']:.1f}× whole, "
                       f"{base['rules_s'] / m['rules_s']:.1f}× rules; CPU "
                       f"{base['cpu_s'] / m['cpu_s']:.1f}× whole, "
                       f"{base['rules_cpu_s'] / m['rules_cpu_s']:.1f}× rules); on the first "
                       f"run, rules compiled: {base['wall_s'] / cold['wall_s']:.1f}× wall, "
                       f"{base['cpu_s'] / cold['cpu_s']:.1f}× CPU")
    out += ["", "Spark's JVM is a child the Python process does not wait for, so its CPU and "
            "memory are not in the Spark rows; its wall time includes starting Spark.", "",
            PROFILE]
    return "\n".join(out)


#: where the time goes: profiled by hand (``py-spy``, CPU time of each step, DuckDB's ``EXPLAIN
#: ANALYZE``), not re-measured by this script
PROFILE = """\
Where the time goes at 100,000 enterprises (3,496,550 readings), CPU seconds of each step of the
command in one process (`time.process_time`, the rules' SQL kept, bytecode written), measured by
hand under a load average of 8–10 on the 2 CPUs, before → after the plan cache (issue 13 point 4,
second round):

- imports 0.7–0.9 → 0.4 before the file is read (2.4 when no bytecode is written: this
  machine's environment sets `PYTHONDONTWRITEBYTECODE=1`, which the benchmark before this
  change left in), and 0.3 more when pyarrow and DuckDB first take Arrow data (each imports
  pandas, DuckDB pyarrow.dataset too): ibis and sqlglot are no longer imported (the rules'
  SQL is read from the cache folder, `engine/monitoring/plan.py`), nor polars (`mujun.io`
  imports its readers when first used; the Parquet path needs none);
- the ibis expression built and compiled 0.3–0.6 → 0 (the first run still compiles it: the
  cold-cache row above);
- the policy 0.25 → 0.01: libyaml parses the shipped template (`engine/policy.py`);
- reading and checking the file 1.8 → 0.5: a county's Parquet file keeps its codes in
  dictionary pages, which pyarrow now reads as they are (0.1) instead of DuckDB decoding 3.5
  million texts and pyarrow hashing them again (0.7); repeated pairs are found with one
  boolean slot per pair (0.07, was 0.19 with a slot of row numbers); the command no longer
  hashes the file it keeps no record of (0.03 here, 0.5 at 34,950,007 readings: measured alone,
  after the table above was taken);
- the rules 0.8–1.2 → 0.45: keying 0.1, then DuckDB's `GROUP BY` 0.25–0.3 on the 1,460,000
  readings of M−14 … M only (with one earlier reading of an enterprise that has one; was all
  3.5 million);
- what is left is fixed: the interpreter, typer, rich, pydantic, numpy, pyarrow, pandas and
  DuckDB imported cost 0.6–0.8 of CPU before any work; 20× the row-by-row program's CPU at
  this size is 0.8.

At 1,000,000 enterprises (34,950,007 readings, codes written as plain texts), main (0ecc9f5)
against this branch, one right after the other on the same file with the same interpreter and
bytecode, load average 9.4–10: 87.7 s wall, 30.8 s CPU, 2,990 MB → 62.5 s wall, 23.3 s CPU,
2,929 MB, the same result file. What is left there is hashing 35 million 18-character codes
(about 5 s of CPU in every library tried: pyarrow `dictionary_encode`, DuckDB `GROUP BY`,
polars `Categorical`) and fresh memory, dear on this virtual machine (a first touch of 800 MB
costs 0.7 s of system time).
"""


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--spark-sizes", default="100000")
    parser.add_argument("--rowwise-sizes", default="100000")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--rowwise", nargs=2, metavar=("POWER", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--rules", metavar="POWER", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="duckdb", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rowwise:
        print(json.dumps(rowwise_program(Path(args.rowwise[0]), Path(args.rowwise[1]))))
        return
    if args.rules:
        print(json.dumps(engine_rules(Path(args.rules), args.engine)))
        return

    def sizes(text: str) -> set[int]:
        return {int(s) for s in text.split(",") if s}

    load_start = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory(prefix="mujun-monitor-bench-") as tmp:
        warm_up(bool(sizes(args.spark_sizes)), Path(tmp))
        for size in sorted(sizes(args.sizes)):
            results.append(measure(size, size in sizes(args.spark_sizes),
                                   size in sizes(args.rowwise_sizes), Path(tmp)))
    section = markdown(results, (load_start, os.getloadavg()[0]))
    print(section)
    if not args.no_docs:
        from bench.run import write_docs

        write_docs(section, title=SECTION)


if __name__ == "__main__":
    main()
