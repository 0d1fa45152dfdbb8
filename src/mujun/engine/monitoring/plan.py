"""The monitoring rules compiled once to DuckDB SQL and run on the embedded DuckDB.

Building and compiling the ibis expressions of ``signals.py`` (and importing ibis) costs more
than running them on a county's readings, so the SQL is kept in the evaluation's plan cache
(``engine/plan.py``: in memory, and under ``plans/`` in the cache folder) under the rules of the
policy's ``monitoring:`` section, the input schema and the engine's source. The SQL does not
depend on the month monitored: the readings come with ``back``, how many months before M each
one is (``engine/monitoring/__init__.py``). On a plan kept on disk, ibis is not imported at all.
Spark compiles the same expressions through ibis (``backends.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from mujun.engine import plan as plans
from mujun.engine.policy import MonitoringRules

#: the name the SQL reads the keyed readings by
POWER = "mujun_power"
#: the keyed readings: the credit code's rank, months before M, the reading
KEYED_SCHEMA = pa.schema([("uscc", pa.int32()), ("back", pa.int32()), ("kwh", pa.float64())])


@dataclass(frozen=True)
class MonitoringPlan:
    sql: str
    schema: pa.Schema


def plan_for(rules: MonitoringRules) -> MonitoringPlan:
    """The compiled rules: from memory, else from the cache folder, else compiled."""
    key = plans.cache_key("monitoring", json.dumps(rules.model_dump(mode="json"),
                                                   sort_keys=True),
                          plans.schema_text(KEYED_SCHEMA))
    return plans.kept(key, lambda: compile_plan(rules), _to_json, _of_json)


def compile_plan(rules: MonitoringRules) -> MonitoringPlan:
    """The rules of ``signals.py`` on the table ``POWER``, ordered by the credit code's rank,
    compiled for DuckDB."""
    import ibis

    from mujun.engine.monitoring.signals import per_enterprise, signals

    table = ibis.table(ibis.Schema.from_pyarrow(KEYED_SCHEMA), name=POWER)
    expr = signals(per_enterprise(table), rules).order_by("uscc")
    return MonitoringPlan(str(ibis.to_sql(expr, dialect="duckdb")), expr.schema().to_pyarrow())


def run(plan: MonitoringPlan, keyed: pa.Table, con: Any | None = None) -> pa.Table:
    """The plan on ``keyed`` (``KEYED_SCHEMA``), on ``con`` (a DuckDB connection; default: this
    thread's embedded database, ``engine/embedded.py``)."""
    from mujun.engine import embedded
    from mujun.engine.tables import as_fetched

    cursor = (con if con is not None else embedded.connection()).cursor()
    try:
        cursor.execute("SET enable_progress_bar = false")  # no bar on standard error
        cursor.register(POWER, keyed)
        return as_fetched(cursor.sql(plan.sql).to_arrow_table(), plan.schema)
    finally:
        cursor.close()


def _to_json(plan: MonitoringPlan) -> dict[str, Any]:
    return {"sql": plan.sql, "schema": plans.schema_text(plan.schema)}


def _of_json(data: dict[str, Any]) -> MonitoringPlan:
    return MonitoringPlan(str(data["sql"]), plans.read_schema(data["schema"]))
