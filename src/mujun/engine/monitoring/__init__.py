"""Monitoring between evaluations (docs/monitoring.md): each enterprise's monthly power readings
as of a month M give its signals (``kwh_3m``, ``kwh_3m_last_year``, ``yoy_3m``, ``baseline``) and
its level (``silent``, ``stopped``, ``declining``, ``normal``).

The rules are ibis expressions (``signals.py``), run on the embedded DuckDB by default or on
Apache Spark (``engine/backends.py``), with the same results. Plain Arrow tables in and out; the
power file is read by ``io/power.py``.
"""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc
from ibis.backends import BaseBackend

from mujun.engine import backends
from mujun.engine.monitoring import months
from mujun.engine.monitoring.signals import LEVELS, OUTPUT_COLUMNS, per_enterprise, signals
from mujun.engine.policy import MonitoringRules

#: the readings the rules take: one row per enterprise and month (``month`` is the first day)
READING_SCHEMA = pa.schema([("uscc", pa.string()), ("month", pa.date32()), ("kwh", pa.float64())])
#: the §3 output
OUTPUT_SCHEMA = pa.schema([
    ("uscc", pa.string()), ("kwh_3m", pa.float64()), ("kwh_3m_last_year", pa.float64()),
    ("yoy_3m", pa.float64()), ("baseline", pa.float64()), ("level", pa.string()),
])
_BATCH_ROWS = 1 << 17

__all__ = [
    "LEVELS",
    "OUTPUT_COLUMNS",
    "OUTPUT_SCHEMA",
    "READING_SCHEMA",
    "count_levels",
    "monitor",
    "months",
]


def _canonical(readings: pa.Table) -> pa.Table:
    table = readings.select(READING_SCHEMA.names)
    schema = READING_SCHEMA
    code_type = table.schema.field("uscc").type
    if pa.types.is_dictionary(code_type) and pa.types.is_string(code_type.value_type):
        # dictionary-encoded codes (io/power.py) are text to every backend: kept so, not copied
        schema = schema.set(0, pa.field("uscc", code_type))
    if table.schema != schema:
        table = table.cast(schema)
    # DuckDB scans an Arrow table one record batch per task: slices let every thread work
    return pa.Table.from_batches(table.to_batches(max_chunksize=_BATCH_ROWS), table.schema)


def monitor(
    readings: pa.Table, as_of: int, rules: MonitoringRules, *,
    backend: BaseBackend | None = None,
) -> pa.Table:
    """The signals and level of every enterprise with a reading in or before ``as_of`` (a month
    index, ``months.index``), ordered by credit code; readings after ``as_of`` are ignored.

    ``readings``: ``uscc``, ``month`` (a date; its month counts), ``kwh``, one row per enterprise
    and month (``io/power.read_power`` gives such a table)."""
    backend = backend or backends.duckdb()
    loader = backends.TableLoader(backend)
    try:
        t = loader.load(_canonical(readings), "power")
        expr = signals(per_enterprise(t, as_of), rules).order_by("uscc")
        result = loader.fetch(expr)
    finally:
        loader.close()
    return result.select(list(OUTPUT_COLUMNS)).cast(OUTPUT_SCHEMA)


def count_levels(result: pa.Table) -> dict[str, int]:
    """How many enterprises are at each level, every level listed (in rule order)."""
    counts = pc.value_counts(result["level"]).to_pylist()
    found = Counter({c["values"]: c["counts"] for c in counts})
    return {level: found.get(level, 0) for level in LEVELS}
