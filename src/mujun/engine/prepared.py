"""The compiled plan kept *prepared* on this thread's DuckDB connection, for small inputs.

DuckDB parses, binds and optimises a statement each time it runs it: for the evaluation's large
statements that costs more than running them on a county. A prepared statement skips it, but only
while the tables it reads stay the same catalog entries, so the inputs and stages of a plan live
in tables of their own (a schema per plan) that each evaluation fills, never creates. An
evaluation is one transaction, rolled back at the end: its rows never leave the transaction's own
storage, and the rollback empties every table at once (a ``TRUNCATE`` per table and a commit per
statement cost more). The plan's benchmark, incident and rank tables are subqueries of the
statements that read them (``plan.compile_plan``'s ``inline_stages``): writing a table costs more
than its query on these sizes. For large inputs the copy into the input tables costs more than the
planning saves: there ``engine/embedded.py`` scans the Arrow memory in place.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
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
_INPUT_VIEW = "mujun_input"
#: optimisers that rewrite a plan after the statistics of the tables it reads (and the join
#: sides: see ``embedded.KEEP_JOIN_SIDES``; prepared on empty tables, they would be guesses)
_DATA_DEPENDENT = f"statistics_propagation,compressed_materialization,{KEEP_JOIN_SIDES}"


@dataclass(frozen=True)
class _Prepared:
    schema: str
    #: the enterprise columns the statements read; the others stay empty (null) in its table
    reads: tuple[str, ...]


_local = threading.local()


def _connection() -> tuple[Any, dict[str, _Prepared]]:
    """This thread's connection to its own database (not the one of ``embedded``: the optimiser
    settings below are the whole database's), and the plans prepared on it by key."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect()
        _local.prepared = {}
        # a prepared plan must not depend on the data it was prepared (or bound again) with:
        # the statistics of the empty tables would fold whole columns into constants
        con.execute(f"SET disabled_optimizers = '{_DATA_DEPENDENT}'")
        # one thread: at these sizes a second one about doubled the CPU time and gained no wall
        # time on the shared 2-CPU machine (docs/benchmarks.md); it also keeps every sum in
        # input order (``Step.in_order``) without switching
        con.execute("SET threads = 1")
    return con, _local.prepared


def _quoted(schema: str, name: str) -> str:
    return f'"{schema}"."{name}"'


def _create_like(con: Any, target: str, schema: pa.Schema) -> None:
    con.register(_INPUT_VIEW, pa.Table.from_batches([], schema=schema))
    try:
        con.execute(f"CREATE TABLE {target} AS SELECT * FROM {_INPUT_VIEW} LIMIT 0")
    finally:
        con.unregister(_INPUT_VIEW)


def _narrow_schema(plan: Plan) -> pa.Schema:
    fields = {f.name: f for f in (*plan.wide_schema, *plan.passed_schema)}
    return pa.schema([fields[name] for name in plan.inputs])


def _columns_read(
    con: Any, statements: Iterable[str], table: str, every: Sequence[str]
) -> tuple[str, ...]:
    """The columns of ``table`` that DuckDB's plans of ``statements`` scan (after its projection
    pushdown), in table order; every column when a plan does not say which plainly."""
    read: set[str] = set()
    for sql in statements:
        try:
            nodes = json.loads(con.execute(f"EXPLAIN (FORMAT json) {sql}").fetchall()[0][1])
        except (duckdb.Error, ValueError, IndexError, TypeError):
            return tuple(every)
        stack = list(nodes)
        while stack:
            node = stack.pop()
            stack.extend(node.get("children", []))
            info = node.get("extra_info")
            if not isinstance(info, dict) or str(info.get("Table", "")).split(".")[-1] != table:
                continue
            columns = info.get("Projections")
            columns = [columns] if isinstance(columns, str) else columns
            # a filter pushed into the scan may read columns it does not list
            if "Filters" in info or not isinstance(columns, list):
                return tuple(every)
            read.update(columns)
    return tuple(c for c in every if c in read) if read <= set(every) else tuple(every)


def _prepare(con: Any, plan: Plan, enterprises: pa.Schema, incidents: pa.Schema) -> _Prepared:
    """The plan's tables (empty) in a schema of its own, and its statements prepared on them."""
    schema = f"mujun_plan_{plan.key[:16]}"
    con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    con.execute(f'CREATE SCHEMA "{schema}"')
    con.execute(f"SET search_path = '{schema}'")
    try:
        _create_like(con, _quoted(schema, ENTERPRISES), enterprises)
        _create_like(con, _quoted(schema, INCIDENTS), incidents)
        _create_like(con, _quoted(schema, SCORES), _narrow_schema(plan))
        for step in (*plan.prelude, *plan.middle):
            con.execute(f"CREATE TABLE {_quoted(schema, step.name)} AS "
                        f"SELECT * FROM ({step.sql}) LIMIT 0")
            con.execute(f'PREPARE "{schema}_{step.name}" AS '
                        f"INSERT INTO {_quoted(schema, step.name)} {step.sql}")
        con.execute(f'PREPARE "{schema}_wide" AS {plan.wide_sql}')
        con.execute(f'PREPARE "{schema}_classes" AS {plan.classes_sql}')
        # copying a column the statements never read (the name, the town, …) is wasted work
        steps = (*plan.prelude, *plan.middle)
        statements = (plan.wide_sql, plan.classes_sql, *(step.sql for step in steps))
        reads = _columns_read(con, statements, ENTERPRISES, enterprises.names)
    finally:
        con.execute("RESET search_path")
    return _Prepared(schema, reads)


def run(plan: Plan, canonical: pa.Table, incidents: pa.Table) -> tuple[pa.Table, pa.Table]:
    """As ``embedded.run``, on this thread's connection for prepared plans (a plan compiled with
    ``inline_stages``, see ``plan_for``)."""
    con, known = _connection()
    statements = known.get(plan.key)
    if statements is None:
        statements = known[plan.key] = _prepare(con, plan, canonical.schema, incidents.schema)
    schema = statements.schema
    # a statement prepared before a later change of the catalog (another plan's tables) is
    # bound again when it runs next: its tables are found on the search path
    con.execute(f"SET search_path = '{schema}'")
    con.execute("BEGIN TRANSACTION")
    try:
        _fill(con, _quoted(schema, ENTERPRISES), canonical.select(list(statements.reads)))
        _fill(con, _quoted(schema, INCIDENTS), incidents)
        for step in plan.prelude:
            _execute(con, f"{schema}_{step.name}")
        computed = in_input_order(_fetch(con, f"{schema}_wide", plan.wide_schema))
        result = with_inputs(computed, canonical, plan.passed_schema)
        _fill(con, _quoted(schema, SCORES), result.select(list(plan.inputs)))
        for step in plan.middle:
            _execute(con, f"{schema}_{step.name}")
        classes = in_input_order(_fetch(con, f"{schema}_classes", plan.classes_schema))
    finally:
        # the rows go with the transaction; the catalog stays as it is
        con.execute("ROLLBACK")
        con.execute("RESET search_path")
    return result, classes


def plan_for(
    policy: Policy, year: int, enterprises: pa.Schema, incidents: pa.Schema
) -> Plan:
    """The plan this module runs: its benchmark and incident tables inlined (one thread)."""
    return compiled_plan(policy, year, enterprises, incidents, inline_stages=True)


def _fill(con: Any, target: str, table: pa.Table) -> None:
    """Insert ``table`` into ``target`` by column name (columns it lacks stay null)."""
    con.register(_INPUT_VIEW, table)
    try:
        columns = ", ".join(f'"{name}"' for name in table.column_names)
        con.execute(f"INSERT INTO {target} ({columns}) SELECT * FROM {_INPUT_VIEW}")
    finally:
        con.unregister(_INPUT_VIEW)


def _fetch(con: Any, statement: str, schema: pa.Schema) -> pa.Table:
    return as_fetched(con.execute(f'EXECUTE "{statement}"').to_arrow_table(), schema)


def _execute(con: Any, statement: str) -> None:
    con.execute(f'EXECUTE "{statement}"')
