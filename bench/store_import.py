"""Time `mujun import` of a 100,000-row department file into a fresh store (benchmarks.md).

    .venv/bin/python bench/store_import.py [DATABASE_URL]   # default: a new SQLite file
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "store"))
from store_helpers import write_stats, write_tax

ROWS = 100_000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{folder / 'bench.db'}"
        env = {**os.environ, "MUJUN_DATABASE_URL": url}
        mujun = str(Path(sys.executable).with_name("mujun"))
        subprocess.run([mujun, "db", "upgrade"], env=env, check=True, capture_output=True)
        stats = write_stats(folder / "stats.csv", ROWS)
        tax = write_tax(folder / "tax.csv", ROWS, yuan=True)
        print(f"load average {os.getloadavg()[0]:.1f}, store {url.split(':')[0]}")
        for label, dept, path in (("stats, new (1.4M values, 100k enterprises)", "stats", stats),
                                  ("tax in 元, new (200k values)", "tax", tax),
                                  ("stats again, unchanged", "stats", stats)):
            start, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([mujun, "import", "--year", "2024", "--department", dept, str(path)],
                           env=env, check=True, capture_output=True)
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_s = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
            print(f"{label}: {time.perf_counter() - start:.1f} s wall, {cpu_s:.1f} s CPU "
                  f"(load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
