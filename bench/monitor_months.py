"""Benchmark of monitoring many months in the store (docs/monitoring.md, "In the store"): the
one pass of ``services/monitoring/month_signals`` against one call of the rules per month, in
the same run, on the same readings.

    python bench/monitor_months.py [--enterprises 1500] [--months 60]

Readings of ``--enterprises`` enterprises over 72 months (2020-01 … 2025-12; random levels, gaps,
stops; seed 0) — the demo county's size by default — and the last ``--months`` months
monitored. Both ways must give the same rows; prints CPU (process, all threads) and wall time of
each and their ratio, with the load average.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402
import pyarrow as pa  # noqa: E402

from mujun.engine import backends  # noqa: E402
from mujun.engine.monitoring import monitor, months  # noqa: E402
from mujun.engine.policy import load_shipped_policy  # noqa: E402
from mujun.services.monitoring import month_signals  # noqa: E402

T = TypeVar("T")
FIRST = months.index(2020, 1)
SPAN = 72


def readings(n: int) -> pl.DataFrame:
    rng = random.Random(0)
    rows = []
    for e in range(1, n + 1):
        base = rng.uniform(1e4, 1e6)
        stop = rng.randint(0, SPAN * 4)  # a quarter stop at some month
        for m in range(SPAN):
            if rng.random() < 0.02:
                continue
            kwh = base * rng.uniform(0.8, 1.2) * (0.02 if m >= stop else 1)
            rows.append((e, FIRST + m, round(kwh, 1)))
    return pl.DataFrame(rows, schema={"enterprise_id": pl.Int64, "m": pl.Int64,
                                      "kwh": pl.Float64}, orient="row")


def timed(run: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = run()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=1500)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    data = readings(args.enterprises)
    firsts = data.group_by("enterprise_id").agg(first_m=pl.col("m").min())
    targets = list(range(FIRST + SPAN - args.months, FIRST + SPAN))
    rules = load_shipped_policy("zhejiang-template").policy.monitoring
    backend = backends.duckdb()
    month_signals.signals(data, firsts, targets[-1:], rules, backend)  # warm up both ways

    together, pass_wall, pass_cpu = timed(
        lambda: month_signals.signals(data, firsts, targets, rules, backend))

    def one_by_one() -> list[pl.DataFrame]:
        found = []
        for target in targets:
            upto = data.filter(pl.col("m") <= target)
            table = pa.table({"uscc": upto.get_column("enterprise_id").cast(pl.String).to_arrow(),
                              "month": upto.select(pl.date(pl.col("m") // 12,
                                                           pl.col("m") % 12 + 1, 1))
                              .to_series().to_arrow(),
                              "kwh": upto.get_column("kwh").to_arrow()})
            frame = pl.from_arrow(monitor(table, target, rules, backend=backend))
            assert isinstance(frame, pl.DataFrame)
            found.append(frame.select(pl.lit(target, pl.Int64).alias("month"),
                                      pl.col("uscc").cast(pl.Int64).alias("enterprise_id"),
                                      *month_signals.SIGNAL_COLUMNS))
        return found

    alone, loop_wall, loop_cpu = timed(one_by_one)
    expected = pl.concat(alone).sort("month", "enterprise_id")
    if together.to_dicts() != expected.to_dicts():
        sys.exit("the one pass and the month-by-month calls differ")
    load = os.getloadavg()
    print(f"{data.height:,} readings, {args.enterprises:,} enterprises, {args.months} months "
          f"monitored ({together.height:,} signal rows); load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"one pass:        {pass_cpu:6.2f} s CPU {pass_wall:6.2f} s wall")
    print(f"month by month:  {loop_cpu:6.2f} s CPU {loop_wall:6.2f} s wall")
    print(f"ratio:           {loop_cpu / pass_cpu:6.1f}× CPU {loop_wall / pass_wall:6.1f}× wall")


if __name__ == "__main__":
    main()
