"""The Spark backend gives the embedded engine's monitoring result, cell for cell, on a generated
county-sized power file (2,000 enterprises × 36 months, bench/monitor.py's generator: every level
planted). Slow: Spark starts in ~15 s."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.monitor import power_file

from mujun.engine.monitoring import count_levels, monitor, months
from mujun.io.policy_files import load_policy
from mujun.io.power import read_power

pytestmark = pytest.mark.spark


def test_spark_agrees_with_duckdb_on_a_county(spark_backend, tmp_path: Path) -> None:
    path = tmp_path / "power.parquet"
    power_file(2000, path, seed=3)
    read = read_power(path)
    assert not read.problems
    for as_of, policy in ((months.index(2025, 12), load_policy().policy.monitoring),
                          (months.index(2025, 3), load_policy().policy.monitoring.model_copy(
                              update={"stop_share": 0.3, "min_baseline_months": 12}))):
        on_duckdb = monitor(read.table, as_of, policy)
        on_spark = monitor(read.table, as_of, policy, backend=spark_backend)
        assert on_spark.schema == on_duckdb.schema
        assert on_spark.num_rows == on_duckdb.num_rows > 1900
        # every cell, numbers to the bit (the sums add the months in one fixed order)
        assert on_spark.equals(on_duckdb)
    counts = count_levels(monitor(read.table, months.index(2025, 12),
                                  load_policy().policy.monitoring))
    assert all(counts[level] > 0 for level in ("silent", "stopped", "declining", "normal"))
