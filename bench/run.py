"""Benchmark of the evaluation engine against the two reference implementations.

    python bench/run.py [--sizes 10000,100000,1000000] [--repeats 3] [--no-docs]

For each size a synthetic county (bench/synthetic.py) is evaluated by
(a) the production engine ``mujun.engine.evaluate.evaluate`` (ibis over DuckDB, in-process),
(b) ``bench/pandas_impl.py`` and (c) ``bench/rowwise.py`` (run once per size), each in a fresh
subprocess so that its peak RSS (``ru_maxrss`` of that process) is its own. The time is the
median wall time of the evaluation call alone: the county is generated and converted to the
implementation's input form (Arrow table, DataFrame, list of dicts) before the clock starts. At the
check size (10k by default) the three outputs are also compared cell by cell (classes, ranks,
reasons exactly; numbers within 1e-9). The Markdown table is printed and written to
docs/benchmarks.md under "## Evaluation engine" (the rest of that file is left alone).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import platform
import resource
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

IMPLEMENTATIONS = ("production", "pandas", "rowwise")
LABELS = {"production": "production engine (ibis → DuckDB)", "pandas": "pandas (vectorised)",
          "rowwise": "row-by-row Python"}
YEAR = 2024
SECTION = "## Evaluation engine"
#: a row-wise run longer than this is stopped and extrapolated from the previous size
ROWWISE_LIMIT_S = 600


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS)
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 1024 / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


# --- the worker: one implementation, one size, in its own process -----------------------------


def worker(impl: str, size: int, repeats: int, seed: int, dump: str | None) -> dict[str, Any]:
    from bench import pandas_impl, rowwise, synthetic
    from mujun.io.policy_files import load_policy

    if impl == "production":  # imported before the clock: ibis takes a second to import
        from mujun.engine.evaluate import evaluate as production_evaluate
    policy = load_policy().policy
    enterprises, incidents = synthetic.county(size, seed=seed, year=YEAR)
    prep_start = time.perf_counter()
    if impl == "production":
        args: tuple[Any, Any] = (enterprises, incidents)

        def run(e: Any, i: Any) -> Any:
            return production_evaluate(e, i, policy, YEAR).table
    elif impl == "pandas":
        args = (enterprises.to_pandas(), incidents.to_pandas())

        def run(e: Any, i: Any) -> Any:
            return pandas_impl.evaluate(e, i, policy, YEAR)
    elif impl == "rowwise":
        args = (enterprises.to_pylist(), incidents.to_pylist())

        def run(e: Any, i: Any) -> Any:
            return rowwise.evaluate(e, i, policy, YEAR)
    else:
        raise SystemExit(f"unknown implementation {impl}")
    prep_s = time.perf_counter() - prep_start
    del enterprises, incidents
    input_rss = _rss_mb()
    if impl == "production":  # the plan compiled once, as a previous run leaves it on disk
        run(*args)
    times, cpu = [], []
    result = None
    for _ in range(repeats):
        result = None  # the previous result is not kept alive during the next run
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run(*args)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)  # every thread of the process
    peak_rss = _rss_mb()
    if dump:
        from tests.reference.compare import as_rows

        rows = as_rows(result)
        with open(dump, "wb") as fh:
            pickle.dump(rows, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return {"impl": impl, "size": size, "times": times, "median_s": statistics.median(times),
            "cpu_s": statistics.median(cpu),
            "prep_s": prep_s, "input_rss_mb": input_rss, "peak_rss_mb": peak_rss}


# --- the driver ----------------------------------------------------------------------------------


def run_worker(impl: str, size: int, repeats: int, seed: int, dump: str | None = None,
               timeout: float | None = None) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", impl, "--size", str(size),
           "--repeats", str(repeats), "--seed", str(seed)]
    if dump:
        cmd += ["--dump", dump]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"impl": impl, "size": size, "error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [""])[-1][:200].replace("|", "/")
        return {"impl": impl, "size": size, "error": f"exit {proc.returncode}: {last}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check_agreement(size: int, seed: int, impls: list[str]) -> list[str]:
    """Run each implementation once at ``size`` and compare the outputs; returns report lines."""
    from tests.reference.compare import differences

    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        rows: dict[str, Any] = {}
        for impl in impls:
            path = os.path.join(tmp, f"{impl}.pickle")
            res = run_worker(impl, size, 1, seed, dump=path)
            if "error" in res:
                lines.append(f"- {LABELS[impl]}: not run ({res['error']})")
                continue
            with open(path, "rb") as fh:
                rows[impl] = pickle.load(fh)
        names = list(rows)
        for a, b in ((x, y) for i, x in enumerate(names) for y in names[i + 1:]):
            diffs = differences(rows[a], rows[b], tol=1e-9, limit=5)
            if diffs:
                lines.append(f"- {LABELS[a]} vs {LABELS[b]}: DIFFER")
            else:
                n_cols = len(rows[a][0]) if rows[a] else 0
                lines.append(f"- {LABELS[a]} vs {LABELS[b]}: agree on all {len(rows[a]):,} rows "
                             f"× {n_cols} columns")
            lines += [f"  - {d}" for d in diffs]
    return lines


def _fmt_s(s: float) -> str:
    return f"{s:.3f}" if s < 10 else f"{s:.1f}"


def markdown(results: list[dict[str, Any]], repeats: int, agreement: list[str], check_size: int,
             notes: list[str], load: tuple[float, float]) -> str:
    sizes = sorted({r["size"] for r in results})
    by = {(r["impl"], r["size"]): r for r in results}
    out = [
        SECTION,
        "",
        "`python bench/run.py` — one synthetic county per size (`bench/synthetic.py`, seed 0, "
        f"year {YEAR}, default policy `zhejiang-template`), evaluated by each implementation in a "
        "fresh process. *Time* is the median wall time of the evaluation call over "
        f"{repeats} runs (row-by-row: one run); the input is already in memory in the "
        "implementation's own form (Arrow table / DataFrame / list of dicts; the conversion is "
        "the *prep* column, not included). *Peak RSS* is the process's `ru_maxrss`, input "
        "included; *input RSS* is the same before the first evaluation. Ratios are against "
        "row-by-row at the same size (time: how many times faster; memory: the share of it).",
        "",
        f"Machine: {_machine()}. Load average (1 min) at the start / end of the run: "
        f"{load[0]:.1f} / {load[1]:.1f} (other work on the machine inflates the times).",
        "",
        "| rows | implementation | time (s) | faster than row-by-row | peak RSS (MB) "
        "| RSS vs row-by-row | input RSS (MB) | prep (s) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        base = by.get(("rowwise", size))
        for impl in IMPLEMENTATIONS:
            r = by.get((impl, size))
            if r is None:
                continue
            if "error" in r:
                out.append(f"| {size:,} | {LABELS[impl]} | — | — | — | — | — | — ({r['error']}) |")
                continue
            t = _fmt_s(r["median_s"]) + (" *" if r.get("extrapolated") else "")
            speed = mem = "—"
            if base and "error" not in base:
                speed = f"{base['median_s'] / r['median_s']:.3g}×"
                if not base.get("extrapolated") and not r.get("extrapolated"):
                    mem = f"{r['peak_rss_mb'] / base['peak_rss_mb']:.2f}"
            peak = "—" if r.get("extrapolated") else f"{r['peak_rss_mb']:,.0f}"
            inp = "—" if r.get("extrapolated") else f"{r['input_rss_mb']:,.0f}"
            prep = "—" if r.get("extrapolated") else _fmt_s(r["prep_s"])
            out.append(f"| {size:,} | {LABELS[impl]} | {t} | {speed} | {peak} | {mem} | {inp} "
                       f"| {prep} |")
    out += ["", *notes] if notes else []
    out += ["", f"Agreement at {check_size:,} rows (classes, ranks, reasons, vetoes, warnings "
            "exactly; numbers within 1e-9 relative):", "", *agreement, ""]
    return "\n".join(out)


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    versions = []
    for mod in ("duckdb", "ibis", "pandas", "pyarrow", "numpy"):
        with contextlib.suppress(ImportError):
            versions.append(f"{mod} {__import__(mod).__version__}")
    return (f"{cpu}, {os.cpu_count()} CPUs{mem}; Python {platform.python_version()}, "
            + ", ".join(versions))


def write_docs(section: str, path: Path = ROOT / "docs" / "benchmarks.md",
               title: str = SECTION) -> None:
    """Put a benchmark's generated Markdown (``section``: ``title``, then the text) into its
    section of docs/benchmarks.md, keeping everything else — hand-written measurements and notes
    under the same title included. The generated part sits between two marker comments and is
    replaced there; without them (a first run) it goes right under the title, or the section is
    added at the end."""
    lines = section.rstrip("\n").splitlines()
    body = lines[1:] if lines and lines[0].strip() == title else lines
    while body and not body[0].strip():
        body = body[1:]
    start, end = generated_markers(title)
    block = "\n".join([start, *body, end])
    if path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        text = ("# Benchmarks\n\nMeasured figures for the parts of mujun where size matters. Each "
                "section names the script that produces it; re-run the script to refresh it.\n")
    if start in text and end in text:
        first = text.index(start)
        last = text.index(end, first) + len(end)
        new = text[:first] + block + text[last:]
    else:
        heading = next((i for i, line in enumerate(text.splitlines(keepends=True))
                        if line.strip() == title), None)
        if heading is None:
            new = text.rstrip("\n") + f"\n\n{title}\n\n{block}\n"
        else:
            kept = text.splitlines(keepends=True)
            new = "".join([*kept[:heading + 1], "\n", block, "\n\n", *kept[heading + 1:]])
    path.write_text(new, encoding="utf-8")


def generated_markers(title: str) -> tuple[str, str]:
    """The comments around the generated part of the section ``title`` (invisible when the
    Markdown is shown)."""
    name = title.lstrip("#").strip()
    return (f"<!-- generated by bench/ (section \"{name}\"): start -->",
            f"<!-- generated by bench/ (section \"{name}\"): end -->")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--check-size", type=int, default=10000)
    ap.add_argument("--impls", default=",".join(IMPLEMENTATIONS))
    ap.add_argument("--no-docs", action="store_true", help="print only, leave docs/ alone")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--dump", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.size, args.repeats, args.seed, args.dump)))
        return

    sizes = [int(s) for s in args.sizes.split(",")]
    impls = [i for i in IMPLEMENTATIONS if i in args.impls.split(",")]
    results: list[dict[str, Any]] = []
    notes: list[str] = []
    load_start = os.getloadavg()[0]
    for size in sizes:
        for impl in impls:
            repeats = 1 if impl == "rowwise" else args.repeats
            # generation and conversion of a million rows take a minute or two on top
            timeout = ROWWISE_LIMIT_S + 300 if impl == "rowwise" else None
            print(f"{size:>9,} {impl:<10} ...", end=" ", flush=True, file=sys.stderr)
            res = run_worker(impl, size, repeats, args.seed, timeout=timeout)
            if impl == "rowwise" and "error" in res:
                prev = [r for r in results if r["impl"] == "rowwise" and "error" not in r
                        and r["size"] < size]
                if prev:
                    p = max(prev, key=lambda r: r["size"])
                    why = res["error"]
                    res = {"impl": impl, "size": size, "extrapolated": True,
                           "median_s": p["median_s"] * size / p["size"]}
                    notes.append(f"\\* row-by-row at {size:,} rows did not finish within about "
                                 f"{ROWWISE_LIMIT_S} s ({why}); its time is extrapolated "
                                 f"linearly from {p['size']:,} rows.")
            print(res.get("error") or f"{res['median_s']:.3f} s", file=sys.stderr)
            results.append(res)
    agreement = check_agreement(args.check_size, args.seed, impls)
    load = (load_start, os.getloadavg()[0])
    section = markdown(results, args.repeats, agreement, args.check_size, notes, load)
    print(section)
    if not args.no_docs:
        write_docs(section)


if __name__ == "__main__":
    main()
