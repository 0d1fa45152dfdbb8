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
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
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


_local = threading.local()


def _connection() -> tuple[Any, dict[str, _Prepared]]:
    """This thread's connection to its own database (not the one of ``embedded``: the optimiser
    settings below are the whole database's), and the plans prepared on it by key."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect()
        _local.prepared = {}
        # a prepared plan must not depend on the data it was prepared (or bound again) with:
        # the statistics of the empty inputs would fold whole columns into constants
        con.execute(f"SET disabled_optimizers = '{_DATA_DEPENDENT}'")
        # one thread: at these sizes a second one cost CPU time and gained no wall time on the
        # shared 2-CPU machine (docs/benchmarks.md); it also reads the record batches in turn,
        # which keeps every sum in input order (``Step.in_order``) without switching
        con.execute("SET threads = 1")
    return con, _local.prepared


def _narrow_schema(plan: Plan) -> pa.Schema:
    fields = {f.name: f for f in (*plan.wide_schema, *plan.passed_schema)}
    return pa.schema([fields[name] for name in plan.inputs])


def _prepare(con: Any, plan: Plan, enterprises: pa.Schema, incidents: pa.Schema) -> _Prepared:
    """The plan's inputs (empty) and its views over them in a schema of its own, and its
    statements prepared on them."""
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
    _search(con, schema)
    con.execute(f'PREPARE "{schema}_wide" AS {plan.wide_sql}')
    con.execute(f'PREPARE "{schema}_classes" AS {plan.classes_sql}')
    return prepared


def _search(con: Any, schema: str) -> None:
    """Names resolved in ``schema`` (the connection is this module's alone: the setting stays
    until another plan's statements run; setting it costs about 0.2 ms)."""
    if getattr(_local, "search_path", None) != schema:
        con.execute(f"SET search_path = '{schema}'")
        _local.search_path = schema


def run(plan: Plan, canonical: pa.Table, incidents: pa.Table) -> tuple[pa.Table, pa.Table]:
    """As ``embedded.run``, on this thread's connection for prepared plans (a plan compiled with
    ``inline_stages``, see ``plan_for``)."""
    con, known = _connection()
    prepared = known.get(plan.key)
    if prepared is None:
        prepared = known[plan.key] = _prepare(con, plan, canonical.schema, incidents.schema)
    schema = prepared.schema
    inputs = (prepared.enterprises, prepared.incidents, prepared.scores)
    # a statement prepared before a later change of the catalog (another plan's views) is
    # bound again when it runs next: its views are found on the search path
    _search(con, schema)
    prepared.enterprises.table, prepared.incidents.table = canonical, incidents
    try:
        rows = canonical.num_rows
        computed = in_input_order(_fetch(con, f"{schema}_wide", plan.wide_schema, rows))
        result = with_inputs(computed, canonical, plan.passed_schema)
        prepared.scores.table = result.select(list(plan.inputs))
        classes = in_input_order(_fetch(con, f"{schema}_classes", plan.classes_schema, rows))
    finally:
        for given in inputs:
            given.table = given.empty
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
