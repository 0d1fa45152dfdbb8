"""Start-up of the ``mujun`` command: ``mujun --help`` and a few ``mujun COMMAND --help``, each the
whole command as a user runs it (a new process: interpreter, imports, help), in docs/benchmarks.md.

    .venv/bin/python bench/startup.py [--repeats 5] [--no-bytecode-cache]

Each command runs once to warm the disk cache and write Python's bytecode cache (as the first run
after an install does), then ``--repeats`` times; the table gives the median wall time (and the
best, the nearest to a quiet machine), CPU time (user + system) and peak RSS of the command's own
process (``os.wait4``). ``--no-bytecode-cache`` makes every run compile the modules it imports
from source (an empty ``PYTHONPYCACHEPREFIX``, nothing written): the worst case, e.g. with
``PYTHONDONTWRITEBYTECODE=1`` and no cache installed.
The load average is printed before and after; wall time on a busy machine follows it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: the goal of issue 12: ``mujun --help`` (and a command's help) within half a second
GOAL_S = 0.5

COMMANDS = (
    ("--help",),
    ("evaluate", "--help"),
    ("run", "create", "--help"),
    ("user", "add", "--help"),
    ("land", "review", "--help"),
    ("serve", "--help"),
)


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one run of ``argv``."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {proc.returncode}")
    # ru_maxrss is in KiB on Linux
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(argv: list[str], env: dict[str, str], repeats: int) -> tuple[float, ...]:
    """Median wall, best wall, median CPU and median peak RSS of ``repeats`` runs."""
    run_once(argv, env)  # warm-up: disk cache, bytecode cache
    walls, cpus, rsss = zip(*(run_once(argv, env) for _ in range(repeats)), strict=True)
    return (statistics.median(walls), min(walls), statistics.median(cpus),
            statistics.median(rsss))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-bytecode-cache", action="store_true")
    args = parser.parse_args()
    mujun = str(Path(sys.executable).with_name("mujun"))
    env = {**os.environ, "COLUMNS": "100"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as empty:
        if args.no_bytecode_cache:
            env.update(PYTHONPYCACHEPREFIX=empty, PYTHONDONTWRITEBYTECODE="1")
        before = os.getloadavg()
        rows = [("python -c pass (the interpreter alone)",
                 measure([sys.executable, "-c", "pass"], env, args.repeats))]
        for command in COMMANDS:
            rows.append((f"mujun {' '.join(command)}",
                         measure([mujun, *command], env, args.repeats)))
        after = os.getloadavg()
    cache = "no bytecode cache" if args.no_bytecode_cache else "bytecode cache warm"
    print(f"{cache}; median of {args.repeats}; load average (1 min) {before[0]:.1f} before, "
          f"{after[0]:.1f} after; {os.cpu_count()} CPUs\n")
    print("| command | wall (s) | best wall (s) | CPU (s) | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|")
    for label, (wall, best, cpu, rss) in rows:
        print(f"| `{label}` | {wall:.2f} | {best:.2f} | {cpu:.2f} | {rss:.0f} |")
    slowest = max(wall for label, (wall, *_) in rows if label.startswith("mujun"))
    print(f"\nslowest mujun command: {slowest:.2f} s wall — goal ≤ {GOAL_S} s "
          f"{'met' if slowest <= GOAL_S else 'NOT met'}")


if __name__ == "__main__":
    main()
