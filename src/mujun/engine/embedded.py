"""The compiled plan (``engine/plan.py``) run on an embedded DuckDB, directly over Arrow.

Each thread has its own in-memory database, reused from one evaluation to the next; an
evaluation runs on a cursor of it (its own connection: its registered tables and temporary
tables are its own and go with it). One database per thread, because the thread count that keeps
the benchmark sums in input order (``Step.in_order``) is a setting of the whole database.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa

from mujun.engine.plan import ENTERPRISES, INCIDENTS, SCORES, Plan, Step
from mujun.engine.tables import RANK_COLUMNS, as_fetched, in_input_order, placed, with_inputs

_local = threading.local()


#: DuckDB knows no row count for an Arrow scan and may build a join's hash table on a million
#: input rows rather than on the few thousand of the other side; every join of the plan is
#: written with the smaller table on the right, where it is built with this optimiser off
KEEP_JOIN_SIDES = "build_side_probe_side"


def connection() -> duckdb.DuckDBPyConnection:
    """This thread's connection to its own in-memory database."""
    db = getattr(_local, "db", None)
    if db is None:
        db = _local.db = duckdb.connect()
        db.execute(f"SET disabled_optimizers = '{KEEP_JOIN_SIDES}'")
    return db


def run(
    plan: Plan, canonical: pa.Table, incidents: pa.Table, con: Any | None = None
) -> tuple[pa.Table, pa.Table]:
    """The wide result (computed and passed-through columns) and the class columns, both in
    input order. ``con``: a DuckDB connection to run on (default: this thread's database)."""
    cursor = (con if con is not None else connection()).cursor()
    try:
        cursor.register(ENTERPRISES, canonical)
        cursor.register(INCIDENTS, incidents)
        for step in plan.prelude:
            _create(cursor, step)
        computed = in_input_order(_fetch(cursor, plan.wide_sql, plan.wide_schema))
        result = with_inputs(computed, canonical, plan.passed_schema)
        # the incident effects and then the ranks laid beside the rows by position rather than
        # joined by key: the class query keeps the input order (``query.class_query``)
        scores = result.select(list(plan.inputs))
        cursor.register(SCORES, scores)
        if plan.effects_sql:
            scores = placed(scores, cursor.sql(plan.effects_sql).to_arrow_table())
            cursor.register(SCORES, scores)
        for step in plan.middle:
            _create(cursor, step)
        if plan.ranks:
            columns = ", ".join(f'"{c}"' for c in ("_row", *RANK_COLUMNS))
            ranks = cursor.sql(f'SELECT {columns} FROM "{plan.ranks}"')
            cursor.register(SCORES, placed(scores, ranks.to_arrow_table()))
            cursor.execute(f'DROP TABLE "{plan.ranks}"')
        del scores
        classes = in_input_order(_fetch(cursor, plan.classes_sql, plan.classes_schema))
    finally:
        cursor.close()
    return result, classes


def _fetch(cursor: Any, sql: str, schema: pa.Schema) -> pa.Table:
    """A query's result, exported on one thread: DuckDB's parallel export in input order first
    holds the whole result in its own format, then converts it (the wide result of 1,000,000 rows
    held ≈ 300 MB twice, the command's peak; one thread also costs less CPU, a little more wall
    time: docs/benchmarks.md, "Under 1 GB at 1,000,000 rows")."""
    with one_thread(cursor):
        return as_fetched(cursor.sql(sql).to_arrow_table(), schema)


def _create(cursor: Any, step: Step) -> None:
    """Materialise a step (``in_order``: see ``one_thread``)."""
    statement = f'CREATE TEMPORARY TABLE "{step.name}" AS {step.sql}'
    with one_thread(cursor, step.in_order):
        cursor.execute(statement)


@contextlib.contextmanager
def one_thread(con: Any, needed: bool = True) -> Iterator[None]:
    """Run on one thread (when ``needed``), so that float sums add the rows in input order and
    give the same bits on every run (partial sums of parallel threads are combined in whatever
    order the threads finish)."""
    if not needed:
        yield
        return
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        con.execute(f"SET threads = {int(threads)}")
