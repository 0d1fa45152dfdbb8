"""The monitoring rules compiled once to DuckDB SQL and run on the embedded DuckDB.

Building and compiling the ibis expressions of ``signals.py`` (and importing ibis) costs more
than running them on a county's readings, so the SQL is kept in the evaluation's plan cache
(``engine/plan.py``: in memory, and under ``plans/`` in the cache folder) under the rules of the
policy's ``monitoring:`` section, the input schema and the engine's source. The SQL reads the
table of ``pivot.py`` (each enterprise's months side by side, ``signals.per_enterprise`` done on
arrays), so it does not depend on the month monitored. On a plan kept on disk, ibis is not
imported at all. Spark groups and compiles the same expressions through ibis (``backends.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from mujun.engine import plan as plans
from mujun.engine.monitoring.pivot import PIVOT_SCHEMA
from mujun.engine.policy import MonitoringRules

#: the name the SQL reads the pivoted readings by
POWER = "mujun_power"


@dataclass(frozen=True)
class MonitoringPlan:
    sql: str
    schema: pa.Schema


def plan_for(rules: MonitoringRules) -> MonitoringPlan:
    """The compiled rules: from memory, else from the cache folder, else compiled."""
    key = plans.cache_key("monitoring", json.dumps(rules.model_dump(mode="json"),
                                                   sort_keys=True),
                          plans.schema_text(PIVOT_SCHEMA))
    return plans.kept(key, lambda: compile_plan(rules), _to_json, _of_json)


def compile_plan(rules: MonitoringRules) -> MonitoringPlan:
    """The signals of ``signals.py`` on the pivoted table ``POWER``, compiled for DuckDB. No
    ``ORDER BY``: the pivoted rows come ordered by the code's rank, and DuckDB keeps the order of
    its input in a query without one (its default ``preserve_insertion_order``), so a sort of
    the result would only cost time."""
    import ibis

    from mujun.engine.monitoring.signals import signals

    table = ibis.table(ibis.Schema.from_pyarrow(PIVOT_SCHEMA), name=POWER)
    expr = signals(table, rules)
    return MonitoringPlan(str(ibis.to_sql(expr, dialect="duckdb")), expr.schema().to_pyarrow())


def run(plan: MonitoringPlan, pivoted: dict[str, np.ndarray], con: Any | None = None
        ) -> pa.Table:
    """The plan on ``pivoted`` (``pivot.side_by_side``'s columns), on ``con`` (a DuckDB connection;
    default: this thread's embedded database, ``engine/embedded.py``). DuckDB reads the numpy
    columns as they are (a NaN as null)."""
    from mujun.engine import embedded
    from mujun.engine.tables import as_fetched

    cursor = (con if con is not None else embedded.connection()).cursor()
    try:
        cursor.execute("SET enable_progress_bar = false")  # no bar on standard error
        cursor.register(POWER, pivoted)
        return as_fetched(cursor.sql(plan.sql).to_arrow_table(), plan.schema)
    finally:
        cursor.close()


def _to_json(plan: MonitoringPlan) -> dict[str, Any]:
    return {"sql": plan.sql, "schema": plans.schema_text(plan.schema)}


def _of_json(data: dict[str, Any]) -> MonitoringPlan:
    return MonitoringPlan(str(data["sql"]), plans.read_schema(data["schema"]))
