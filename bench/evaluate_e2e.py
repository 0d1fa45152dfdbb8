"""Evaluation as users meet it, every figure side by side in one run.

    python bench/evaluate_e2e.py [--sizes 10000,100000,1000000] [--repeats 3] [--no-docs]
    python bench/evaluate_e2e.py --e2e-only [--baseline ../main/src]   # end to end only

1. **End to end**: ``mujun evaluate --year 2024 --data e.csv --incidents i.csv --out r.parquet``
   as a subprocess, for a synthetic county of each size (``bench/synthetic.py``, seed 0) written as
   CSV: wall time, CPU (user + system) and peak RSS of that process (``os.wait4``), the median of
   ``--repeats`` runs after one warm-up run (which leaves Python's bytecode and the compiled plan
   of ``engine/plan.py`` in a cache folder of this run, as any earlier run leaves them for a user).
2. **Engine alone**: the production engine, the pandas reference (``bench/pandas_impl.py``) and the
   row-by-row reference (``bench/rowwise.py``), each in a fresh process on the in-memory county
   (``bench/run.py``'s workers): median wall and CPU time of the evaluation call, warm.
3. **Demo county** (``mujun.demo.generate``, its 2024 enterprises and incidents), in-process and
   warm: one evaluation, and the web's what-if (政策模拟) without the database and the page: both
   policies parsed from their text, the run's snapshot read from its Parquet bytes, evaluated under
   each, compared (``services/run_views.what_if`` does these steps).

``--e2e-only`` measures the end-to-end runs alone and prints their table (docs/ left alone);
``--baseline SRC`` also runs the command from another source tree (a checkout's ``src``, on this
environment's packages) and alternates the two, so a change and what it replaces are measured
under the same load.

The load average is noted at the start and the end (wall time follows it on a shared machine; CPU
time much less so). The Markdown section is printed and written to docs/benchmarks.md under
"## Evaluation engine" (the rest of that file is left alone).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run as engine_bench  # noqa: E402

YEAR = engine_bench.YEAR
SECTION = engine_bench.SECTION
GOALS = {"e2e_1m_wall_s": 3.0, "e2e_1m_rss_mb": 1024, "engine_1m_s": 1.0, "rowwise_factor": 50,
         "demo_ms": 50, "whatif_ms": 300}


def _mujun() -> list[str]:
    script = Path(sys.executable).with_name("mujun")
    if script.exists():
        return [str(script)]
    found = shutil.which("mujun")
    if found is None:
        raise SystemExit("the mujun command is not installed in this environment")
    return [found]


def write_county(size: int, folder: Path, seed: int = 0) -> tuple[Path, Path]:
    """The county as CSV files, written by a child process: on Linux a child's peak RSS starts
    from its parent's, so this process stays small for the processes it measures."""
    data, inc = folder / f"enterprises-{size}.csv", folder / f"incidents-{size}.csv"
    subprocess.run([sys.executable, __file__, "--write-county", str(size), str(data), str(inc),
                    str(seed)], check=True, cwd=ROOT)
    return data, inc


def _write_county(size: int, data: str, inc: str, seed: int) -> None:
    import pyarrow.csv as pacsv

    from bench import synthetic

    enterprises, incidents = synthetic.county(size, seed=seed, year=YEAR)
    pacsv.write_csv(enterprises, data)
    pacsv.write_csv(incidents, inc)


def timed_command(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall, CPU (user + system) and peak RSS of one run of ``cmd`` (its own process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-500:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024}


def _from_source(src: Path) -> list[str]:
    """``mujun`` run from the source tree ``src`` with this environment's packages, as its
    console script runs it (``cli/pandas_free.py``; an older tree without it: the app)."""
    return [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); "
            "sys.argv[0] = 'mujun'\n"
            "try:\n    from mujun.cli.pandas_free import run\n"
            "except ImportError:\n    from mujun.cli.main import app as run\n"
            "run()", str(src)]


def end_to_end(size: int, folder: Path, repeats: int, env: dict[str, str],
               baseline: Path | None = None) -> list[dict[str, Any]]:
    """The median of each command (this tree's, and ``baseline``'s when given, alternated)."""
    data, inc = write_county(size, folder)
    args = ["evaluate", "--year", str(YEAR), "--data", str(data), "--incidents", str(inc)]
    commands = {"this tree": _mujun()} | ({"baseline": _from_source(baseline)} if baseline else {})
    cmds = {who: [*c, *args, "--out", str(folder / f"result-{size}-{i}.parquet")]
            for i, (who, c) in enumerate(commands.items())}
    for cmd in cmds.values():  # warm-up: bytecode, the compiled plan, the file in the page cache
        timed_command(cmd, env)
    runs: dict[str, list[dict[str, float]]] = {who: [] for who in cmds}
    for _ in range(repeats):
        for who, cmd in cmds.items():
            runs[who].append({**timed_command(cmd, env), "load": os.getloadavg()[0]})
    return [{"size": size, "who": who, "cmd": "mujun " + " ".join(args),
             **{k: statistics.median(r[k] for r in done) for k in done[0]}}
            for who, done in runs.items()]


def e2e_markdown(e2e: list[dict[str, Any]], repeats: int) -> str:
    out = [f"`mujun evaluate … --out r.parquet`, the whole process, median of {repeats} after a "
           "warm-up:", "",
           "| rows | command | wall (s) | CPU user + sys (s) | peak RSS (MB) | load average |",
           "|---:|---|---:|---:|---:|---:|"]
    out += [f"| {r['size']:,} | {r['who']} | {_s(r['wall_s'])} | {_s(r['cpu_s'])} "
            f"({_s(r['user_s'])} + {_s(r['sys_s'])}) | {r['rss_mb']:,.0f} | {r['load']:.1f} |"
            for r in e2e]
    return "\n".join(out)


def demo_county(repeats: int) -> dict[str, float]:
    """The demo county's evaluation and what-if, warm, in this process (ms)."""
    from mujun.demo.generate import generate
    from mujun.engine.evaluate import evaluate
    from mujun.engine.policy import load_policy_text
    from mujun.engine.whatif import compare
    from mujun.io import read_enterprises, read_incidents
    from mujun.io.policy_files import load_policy
    from mujun.services.snapshot import Snapshot, to_parquet

    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        ent = read_enterprises(Path(tmp) / f"enterprises-{YEAR}.csv").table
        inc = read_incidents(Path(tmp) / "incidents.csv").table
    base_text = load_policy("zhejiang-template").text
    other_text = load_policy("songyang-2024").text
    stored = (to_parquet(ent), to_parquet(inc))
    policy = load_policy_text(base_text, "zhejiang-template")

    def one() -> None:
        evaluate(ent, inc, policy, YEAR)

    def what_if() -> None:
        base = load_policy_text(base_text, "zhejiang-template")
        other = load_policy_text(other_text, "songyang-2024")
        snapshot = Snapshot.from_parquet(*stored)
        compare(evaluate(snapshot.enterprises, snapshot.incidents, base, YEAR),
                evaluate(snapshot.enterprises, snapshot.incidents, other, YEAR))

    out: dict[str, float] = {"rows": ent.num_rows}
    for name, call in (("demo", one), ("whatif", what_if)):
        call()  # warm: the plans compiled, the database open
        walls, cpus = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            call()
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - start_cpu)
        out[f"{name}_ms"] = statistics.median(walls) * 1000
        out[f"{name}_cpu_ms"] = statistics.median(cpus) * 1000
    return out


def _s(x: float) -> str:
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def markdown(e2e: list[dict[str, Any]], engine: list[dict[str, Any]], demo: dict[str, float],
             load: tuple[float, float], repeats: int, agreement: list[str]) -> str:
    by = {(r["impl"], r["size"]): r for r in engine}
    out = [
        SECTION,
        "",
        "```",
        "python bench/evaluate_e2e.py   # --sizes 10000,100000,1000000 --repeats 3",
        "```",
        "",
        "One run gives every figure below (`bench/evaluate_e2e.py` says how each is measured). "
        f"Synthetic county per size (`bench/synthetic.py`, seed 0, year {YEAR}, default policy "
        "`zhejiang-template`, with its incidents). Wall time follows the load on this shared "
        "machine; CPU time (user + system, every thread) much less.",
        "",
        f"Machine: {engine_bench._machine()}. Load average (1 min) at the start / end of the "
        f"run: {load[0]:.1f} / {load[1]:.1f}.",
        "",
        f"**End to end**: `mujun evaluate … --out r.parquet` (CSV in, Parquet out), the whole "
        f"process, median of {repeats} runs after a warm-up:",
        "",
        "| rows | wall (s) | CPU user + sys (s) | peak RSS (MB) |",
        "|---:|---:|---:|---:|",
    ]
    for r in (r for r in e2e if r["who"] == "this tree"):
        out.append(f"| {r['size']:,} | {_s(r['wall_s'])} | {_s(r['cpu_s'])} "
                   f"({_s(r['user_s'])} + {_s(r['sys_s'])}) | {r['rss_mb']:,.0f} |")
    out += [
        "",
        f"**Engine alone** (the evaluation call on the in-memory county, warm, median of "
        f"{repeats}; row-by-row once), each in a fresh process:",
        "",
        "| rows | implementation | wall (s) | CPU (s) | engine faster (wall) | peak RSS (MB) |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for size in sorted({r["size"] for r in engine}):
        prod = by.get(("production", size))
        for impl in engine_bench.IMPLEMENTATIONS:
            r = by.get((impl, size))
            if r is None:
                continue
            if "error" in r:
                out.append(f"| {size:,} | {engine_bench.LABELS[impl]} | — ({r['error']}) | — "
                           "| — | — |")
                continue
            star = " *" if r.get("extrapolated") else ""
            ratio = "—"
            if impl != "production" and prod and "error" not in prod:
                ratio = f"{r['median_s'] / prod['median_s']:.3g}×"
            cpu = _s(r["cpu_s"]) if "cpu_s" in r else "—"
            rss = f"{r['peak_rss_mb']:,.0f}" if "peak_rss_mb" in r else "—"
            out.append(f"| {size:,} | {engine_bench.LABELS[impl]} | {_s(r['median_s'])}{star} "
                       f"| {cpu} | {ratio} | {rss} |")
    out += [
        "",
        f"**Demo county** ({int(demo['rows']):,} enterprises, 2024), in-process, warm, median of "
        "the repeats:",
        "",
        "| what | wall (ms) | CPU (ms) |",
        "|---|---:|---:|",
        f"| one evaluation | {demo['demo_ms']:.1f} | {demo['demo_cpu_ms']:.1f} |",
        f"| what-if (two policies parsed, snapshot read, two evaluations, compared) "
        f"| {demo['whatif_ms']:.1f} | {demo['whatif_cpu_ms']:.1f} |",
        "",
        "Agreement at the check size (classes, ranks, reasons, vetoes, warnings exactly; numbers "
        "within 1e-9 relative):",
        "",
        *agreement,
        "",
    ]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--demo-repeats", type=int, default=20)
    ap.add_argument("--check-size", type=int, default=10000)
    ap.add_argument("--no-docs", action="store_true", help="print only, leave docs/ alone")
    ap.add_argument("--e2e-only", action="store_true", help="the end-to-end runs alone")
    ap.add_argument("--baseline", type=Path, help="another source tree to compare (its src)")
    ap.add_argument("--write-county", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write_county:
        size, data, inc, seed = args.write_county
        _write_county(int(size), data, inc, int(seed))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    load_start = os.getloadavg()[0]
    e2e, engine = [], []
    with tempfile.TemporaryDirectory(prefix="mujun-e2e-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["MUJUN_CACHE_DIR"] = str(Path(tmp) / "cache")
        env["COLUMNS"] = "100"
        for size in sizes:
            print(f"{size:>9,} end to end ...", end=" ", flush=True, file=sys.stderr)
            e2e += end_to_end(size, Path(tmp), args.repeats, env, args.baseline)
            print(f"{e2e[-1]['wall_s']:.2f} s", file=sys.stderr)
    if args.e2e_only:
        print(e2e_markdown(e2e, args.repeats))
        return
    for size in sizes:
        for impl in engine_bench.IMPLEMENTATIONS:
            repeats = 1 if impl == "rowwise" else args.repeats
            timeout = engine_bench.ROWWISE_LIMIT_S + 300 if impl == "rowwise" else None
            print(f"{size:>9,} {impl:<10} ...", end=" ", flush=True, file=sys.stderr)
            res = engine_bench.run_worker(impl, size, repeats, 0, timeout=timeout)
            print(res.get("error") or f"{res['median_s']:.3f} s", file=sys.stderr)
            engine.append(res)
    print("demo county ...", file=sys.stderr)
    demo = demo_county(args.demo_repeats)
    agreement = engine_bench.check_agreement(args.check_size, 0,
                                             list(engine_bench.IMPLEMENTATIONS))
    load = (load_start, os.getloadavg()[0])
    section = markdown(e2e, engine, demo, load, args.repeats, agreement)
    print(section)
    if not args.no_docs:
        engine_bench.write_docs(section)


if __name__ == "__main__":
    main()
