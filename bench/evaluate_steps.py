"""Where `mujun evaluate` spends its time and memory, step by step, in one process.

    python bench/evaluate_steps.py --data e.csv --incidents i.csv --out r.parquet [--year 2024]

Does what ``mujun evaluate`` does (``cli/evaluate.py``: the policy, the enterprises and incidents
read and validated, the evaluation, the summary, the result written) and prints, per step, its
CPU time (``time.process_time``: every thread of the process), the system time and the minor
page faults within it (``getrusage``: a fault for each page first touched), its wall time, the
resident memory after it and the peak within it (VmRSS and VmHWM of ``/proc/self/status``; the
peak is reset before each step through ``/proc/self/clear_refs``, Linux only). The load average
is printed too: on a shared machine the wall times follow it, the CPU times much less
(docs/benchmarks.md, "Around the engine").

Run it with ``PYTHONPATH=../main/src`` to profile another source tree on these packages.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

# as `mujun` does (cli/main.py): Polars', DuckDB's and Arrow's allocators give freed pages back
# at once
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
os.environ.setdefault("DUCKDB_JE_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
os.environ.setdefault("MIMALLOC_PURGE_DELAY", "0")


def _memory() -> tuple[int, int]:
    """Resident and peak resident memory (MB)."""
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) // 1024
    return found["VmRSS"], found["VmHWM"]


def _system() -> tuple[float, int]:
    """System time (s) and minor page faults (each a page first touched) of this process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_stime, usage.ru_minflt


class Steps:
    def __init__(self) -> None:
        self.cpu, self.wall = time.process_time(), time.perf_counter()
        self.sys, self.faults = _system()
        self.start = (self.cpu, self.wall)

    def done(self, name: str) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        sys_s, faults = _system()
        rss, peak = _memory()
        print(f"{name:<26} CPU {cpu - self.cpu:5.2f} s (sys {sys_s - self.sys:4.2f}, "
              f"{(faults - self.faults) // 1000:4,}k faults)  wall {wall - self.wall:5.2f} s  "
              f"resident {rss:5,} MB  peak {peak:5,} MB", flush=True)
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")  # the peak starts again from the resident memory
        self.sys, self.faults = _system()
        self.cpu, self.wall = time.process_time(), time.perf_counter()

    def total(self) -> None:
        print(f"{'total':<26} CPU {time.process_time() - self.start[0]:6.2f} s  "
              f"wall {time.perf_counter() - self.start[1]:6.2f} s  "
              f"load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--incidents", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--policy")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    steps = Steps()
    from mujun.cli import inputs
    from mujun.engine.evaluate import evaluate
    from mujun.engine.labels import column_headers_zh
    from mujun.io import read_enterprises, read_incidents, write_results

    steps.done("imports")
    loaded = inputs.policy(args.policy)
    steps.done("policy")
    enterprises = read_enterprises(args.data).table
    steps.done("reading the enterprises")
    incidents = read_incidents(args.incidents).table if args.incidents else None
    steps.done("reading the incidents")
    ev = evaluate(enterprises, incidents, loaded, args.year, input_hash="-")
    del enterprises, incidents
    steps.done("evaluation (the engine)")
    table, headers = ev.table, column_headers_zh(ev.policy)
    ev.summary()
    del ev  # as the command: the summary is taken before the writing, which gets the table alone
    steps.done("summary")
    write_results(table, args.out, headers_zh=headers)
    steps.done(f"writing {args.out.suffix}")
    steps.total()


if __name__ == "__main__":
    main()
