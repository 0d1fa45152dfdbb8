"""The compiled plan kept *prepared* on this thread's DuckDB connection, for small inputs.

DuckDB parses, binds and optimises a statement each time it runs it: for the evaluation's large
statements that costs more than running them on a county. A prepared statement skips it, but it
keeps reading the catalog entries and the objects it was bound to: an Arrow table registered
under the same name by the next evaluation would not be seen (the statement reads the old one).
So each input of a plan is an ``_Input``, an object of its own that DuckDB scans through the
Arrow stream interface: DuckDB asks it for a new stream at every execution, and each evaluation
puts its own table in it before executing. Nothing is copied into DuckDB (copying the inputs and
the narrow scores into tables cost more than the statements at 100,000 rows, docs/benchmarks.md,
"Evaluation: the goals of issue 12"). A plan's views over its inputs live in a schema of their
own (the narrow scores' columns depend on the policy). The plan's benchmark, incident and rank
tables are common table expressions of the statements that read them
(``plan.compile_plan``'s ``inline_stages``): writing a table costs more than its query on these
sizes. Above ``PREPARED_MAX_ROWS`` ``engine/embedded.py`` runs the staged plan on every thread.

The wide statement runs on one thread: its benchmark sums add the rows in input order
(``Step.in_order``). From ``CLASS_THREADS_MIN_ROWS`` rows the class statement runs on
``CLASS_THREADS`` threads, on a second database of this thread's (a thread count is a setting of
the whole database), where the plan is prepared too: nothing in it depends on the order the rows
are read in (ranks, counts, lowest scores; the penalties add the points per incident as DuckDB
decimals, which is exact, ``adjustments.incident_effects``).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from mujun.engine.embedded import KEEP_JOIN_SIDES
from mujun.engine.plan import ENTERPRISES, INCIDENTS, SCORES, Plan
from mujun.engine.plan import plan_for as compiled_plan
from mujun.engine.policy import Policy
from mujun.engine.tables import as_fetched, in_input_order, with_inputs

#: inputs up to this many rows run prepared
PREPARED_MAX_ROWS = 200_000
#: from this many rows the class statement runs on ``CLASS_THREADS`` threads: below it a second
#: thread costs more CPU time than it saves wall time (docs/benchmarks.md, "The class statement
#: on two threads")
CLASS_THREADS_MIN_ROWS = 50_000
CLASS_THREADS = min(2, os.cpu_count() or 1)
#: optimisers that rewrite a plan after the statistics of the tables it reads (and the join
#: sides: see ``embedded.KEEP_JOIN_SIDES``; prepared on empty inputs, they would be guesses)
_DATA_DEPENDENT = f"statistics_propagation,compressed_materialization,{KEEP_JOIN_SIDES}"


class _Input:
    """An Arrow table that prepared statements read, swapped by each evaluation: DuckDB takes a
    new stream of it (``__arrow_c_stream__``) whenever a statement that reads it runs. Empty
    between evaluations (an input is not kept alive), with the schema it was prepared with."""

    def __init__(self, schema: pa.Schema) -> None:
        self.empty = pa.Table.from_batches([], schema=schema)
        self.table = self.empty

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self.table.__arrow_c_stream__(requested_schema)


@dataclass(frozen=True)
class _Prepared:
    schema: str
    enterprises: _Input
    incidents: _Input
    scores: _Input


@dataclass
class _Database:
    """One of this thread's DuckDB databases, on ``threads`` threads, and the plans prepared on it
    by key."""

    con: Any
    threads: int
    plans: dict[str, _Prepared] = field(default_factory=dict)
    #: the schema its names are resolved in (``_search``)
    search_path: str = ""


_local = threading.local()


def _database(threads: int = 1) -> _Database:
    """This thread's database on ``threads`` threads, its own (not the one of ``embedded``: the
    optimiser settings and the thread count below are the whole database's)."""
    databases: dict[int, _Database] | None = getattr(_local, "databases", None)
    if databases is None:
        databases = _local.databases = {}
    db = databases.get(threads)
    if db is None:
        con = duckdb.connect()
        # a prepared plan must not depend on the data it was prepared (or bound again) with:
        # the statistics of the empty inputs would fold whole columns into constants
        con.execute(f"SET disabled_optimizers = '{_DATA_DEPENDENT}'")
        # one thread unless asked: at these sizes a second one cost CPU time and gained no wall
        # time on the shared 2-CPU machine (docs/benchmarks.md); one thread also reads the record
        # batches in turn, which keeps every sum in input order (``Step.in_order``)
        con.execute(f"SET threads = {int(threads)}")
        db = databases[threads] = _Database(con, threads)
    return db


def _narrow_schema(plan: Plan) -> pa.Schema:
    fields = {f.name: f for f in (*plan.wide_schema, *plan.passed_schema)}
    return pa.schema([fields[name] for name in plan.inputs])


def _prepare(db: _Database, plan: Plan, enterprises: pa.Schema,
             incidents: pa.Schema) -> _Prepared:
    """The plan's inputs (empty) and its views over them in a schema of its own, and its
    statements prepared on them."""
    con = db.con
    if plan.prelude or plan.middle:
        raise ValueError("a prepared plan inlines its stages (plan_for)")
    schema = f"mujun_plan_{plan.key[:16]}"
    prepared = _Prepared(schema, _Input(enterprises), _Input(incidents),
                         _Input(_narrow_schema(plan)))
    con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    con.execute(f'CREATE SCHEMA "{schema}"')
    for name, given in ((ENTERPRISES, prepared.enterprises), (INCIDENTS, prepared.incidents),
                        (SCORES, prepared.scores)):
        # registered under a name of the plan's own (a temporary view: DuckDB looks there first)
        con.register(f"{schema}_{name}", given)
        con.execute(f'CREATE VIEW "{schema}"."{name}" AS SELECT * FROM "{schema}_{name}"')
    _search(db, schema)
    con.execute(f'PREPARE "{schema}_wide" AS {plan.wide_sql}')
    con.execute(f'PREPARE "{schema}_classes" AS {plan.classes_sql}')
    return prepared


def _prepared(db: _Database, plan: Plan, enterprises: pa.Schema,
              incidents: pa.Schema) -> _Prepared:
    """The plan prepared on ``db`` (now, the first time), its names resolved there."""
    prepared = db.plans.get(plan.key)
    if prepared is None:
        prepared = db.plans[plan.key] = _prepare(db, plan, enterprises, incidents)
    # a statement prepared before a later change of the catalog (another plan's views) is
    # bound again when it runs next: its views are found on the search path
    _search(db, prepared.schema)
    return prepared


def _search(db: _Database, schema: str) -> None:
    """Names resolved in ``schema`` (the database is this module's alone: the setting stays
    until another plan's statements run; setting it costs about 0.2 ms)."""
    if db.search_path != schema:
        db.con.execute(f"SET search_path = '{schema}'")
        db.search_path = schema


def run(plan: Plan, canonical: pa.Table, incidents: pa.Table) -> tuple[pa.Table, pa.Table]:
    """As ``embedded.run``, on this thread's databases for prepared plans (a plan compiled with
    ``inline_stages``, see ``plan_for``)."""
    rows = canonical.num_rows
    wide_db = _database()
    class_db = _database(CLASS_THREADS) if rows >= CLASS_THREADS_MIN_ROWS else wide_db
    wide = classes_on = _prepared(wide_db, plan, canonical.schema, incidents.schema)
    wide.enterprises.table, wide.incidents.table = canonical, incidents
    try:
        computed = in_input_order(
            _fetch(wide_db.con, f"{wide.schema}_wide", plan.wide_schema, rows))
        result = with_inputs(computed, canonical, plan.passed_schema)
        classes_on = _prepared(class_db, plan, canonical.schema, incidents.schema)
        classes_on.incidents.table = incidents
        classes_on.scores.table = result.select(list(plan.inputs))
        classes = in_input_order(
            _fetch(class_db.con, f"{classes_on.schema}_classes", plan.classes_schema, rows))
    finally:
        for given in (wide, classes_on):
            for swapped in (given.enterprises, given.incidents, given.scores):
                swapped.table = swapped.empty
    return result, classes


def plan_for(
    policy: Policy, year: int, enterprises: pa.Schema, incidents: pa.Schema
) -> Plan:
    """The plan this module runs: its benchmark and incident tables inlined (one thread)."""
    return compiled_plan(policy, year, enterprises, incidents, inline_stages=True)


def _fetch(con: Any, statement: str, schema: pa.Schema, rows: int) -> pa.Table:
    """The statement's result (``rows`` rows: one per input row) as one record batch of that
    size: DuckDB's Arrow export sizes the buffers of every column for the batch size it is given
    (a million rows by default), which cost ≈ 0.5 ms per fetch at 200 rows (docs/benchmarks.md,
    "The class statement's fixed cost")."""
    result = con.execute(f'EXECUTE "{statement}"')
    return as_fetched(result.to_arrow_table(batch_size=max(rows, 1)), schema)
