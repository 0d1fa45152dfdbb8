"""The Spark backend gives the DuckDB backend's result on the demo county (one evaluation each).

Classes, ranks, exempt reasons, vetoes and every text cell exactly; numbers within 1e-9 (relative
above 1). Slow: Spark starts in ~15 s and the evaluation takes a minute or two on two cores.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.reference.compare import differences

from mujun.demo.generate import generate
from mujun.engine.evaluate import evaluate
from mujun.io import read_enterprises, read_incidents
from mujun.io.policy_files import load_policy

pytestmark = pytest.mark.spark

YEAR = 2024


@pytest.fixture(scope="module")
def demo_inputs(tmp_path_factory: pytest.TempPathFactory):
    out: Path = tmp_path_factory.mktemp("demo-spark") / "songyang"
    generate(out)
    enterprises = read_enterprises(out / f"enterprises-{YEAR}.csv")
    incidents = read_incidents(out / "incidents.csv")
    assert not enterprises.errors and not incidents.errors
    return enterprises.table, incidents.table


@pytest.mark.takes(45)  # the JVM's start included
def test_spark_agrees_with_duckdb_on_the_demo_county(spark_backend, demo_inputs) -> None:
    enterprises, incidents = demo_inputs
    policy = load_policy()
    on_duckdb = evaluate(enterprises, incidents, policy, YEAR).table
    on_spark = evaluate(enterprises, incidents, policy, YEAR, backend=spark_backend).table

    assert on_spark.schema.names == on_duckdb.schema.names
    assert on_spark.num_rows == on_duckdb.num_rows == enterprises.num_rows
    for column in ("uscc", "group", "exempt_reason", "vetoed", "veto_reason", "rank", "class",
                   "low_efficiency", "next_class", "warnings"):
        assert on_spark[column].to_pylist() == on_duckdb[column].to_pylist(), column
    # the demo county exercises the branches compared here
    classes = set(on_duckdb["class"].to_pylist())
    assert {"A", "B", "C", "D"} <= classes
    assert any(on_duckdb["vetoed"].to_pylist())
    assert any(r is not None for r in on_duckdb["exempt_reason"].to_pylist())
    # every cell, numbers within 1e-9 (the word `unreachable` exactly)
    diffs = differences(on_duckdb, on_spark, tol=1e-9, limit=20)
    assert not diffs, "\n".join(diffs)
