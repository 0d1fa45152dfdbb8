"""Monitoring between evaluations (docs/monitoring.md): each enterprise's monthly power readings
as of a month M give its signals (``kwh_3m``, ``kwh_3m_last_year``, ``yoy_3m``, ``baseline``) and
its level (``silent``, ``stopped``, ``declining``, ``normal``).

The rules are ibis expressions (``signals.py``), run on the embedded DuckDB by default or on
Apache Spark (``engine/backends.py``), with the same results. Plain Arrow tables in and out; the
power file is read by ``io/power.py``.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
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


def _keyed(readings: pa.Table) -> tuple[pa.Table, pa.Array]:
    """The readings with each credit code replaced by its rank among the distinct codes (an
    ``int32``) and each month by its index (``months.index``), and the distinct codes in order:
    the backends group and sort whole numbers instead of 18-character texts, count months back
    by a subtraction instead of taking a date apart row by row, and a key's code is
    ``codes[key]``."""
    table = readings.select(READING_SCHEMA.names)
    column = table["uscc"]
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column.cast(pa.string()))
    column = pa.chunked_array([column.combine_chunks()])  # one dictionary (unified)
    if column.num_chunks == 0:
        column = pa.chunked_array([pa.array([], pa.string()).dictionary_encode()])
    dictionary = column.chunk(0).dictionary.cast(pa.string())
    if pc.count_distinct(dictionary).as_py() != len(dictionary):  # a code listed twice
        column = pc.dictionary_encode(column.cast(pa.string()))
        column = pa.chunked_array([column.combine_chunks()])  # one dictionary (unified)
        dictionary = column.chunk(0).dictionary
    order = pc.sort_indices(dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    indices = [c.indices.to_numpy(zero_copy_only=False) for c in column.chunks]
    keys = rank[np.concatenate(indices)] if indices else np.zeros(0, dtype=np.int32)
    keyed = pa.table({
        "uscc": pa.array(keys, pa.int32()),
        "month": _month_indices(table["month"].cast(pa.date32())),
        "kwh": table["kwh"].cast(pa.float64()),
    })
    # DuckDB scans an Arrow table one record batch per task: slices let every thread work
    keyed = pa.Table.from_batches(keyed.to_batches(max_chunksize=_BATCH_ROWS), keyed.schema)
    return keyed, dictionary.take(pa.array(order))


def _month_indices(days: pa.ChunkedArray) -> pa.ChunkedArray:
    """The month index of each date (null stays null): a table of the few days the readings
    span, then one look-up per row."""
    span = pc.min_max(days).as_py()
    if span["min"] is None:
        return pa.chunked_array([pa.array([], pa.int32())])
    first = months.of_date(span["min"])
    last = months.of_date(span["max"])
    starts = np.array([months.first_day(m) for m in range(first, last + 2)], "datetime64[D]")
    offsets = np.arange(starts[0], starts[-1], dtype="datetime64[D]")
    # the month of each day from the first month's first day, by counting the month starts
    table = (np.searchsorted(starts, offsets, side="right") - 1 + first).astype(np.int32)
    start = pa.scalar(int(starts[0].astype(np.int64)), pa.int32())
    return pa.array(table).take(pc.subtract(days.cast(pa.int32()), start))


def monitor(
    readings: pa.Table, as_of: int, rules: MonitoringRules, *,
    backend: BaseBackend | None = None,
) -> pa.Table:
    """The signals and level of every enterprise with a reading in or before ``as_of`` (a month
    index, ``months.index``), ordered by credit code; readings after ``as_of`` are ignored.

    ``readings``: ``uscc`` (text, or dictionary-encoded text), ``month`` (a date; its month
    counts), ``kwh``, one row per enterprise and month (``io/power.read_power`` gives such a
    table)."""
    backend = backend or backends.duckdb()
    if not backends.is_spark(backend):
        backend.con.execute("SET enable_progress_bar = false")  # no bar on standard error
    loader = backends.TableLoader(backend)
    keyed, codes = _keyed(readings)
    try:
        t = loader.load(keyed, "power")
        expr = signals(per_enterprise(t, as_of), rules).order_by("uscc")
        result = loader.fetch(expr)
    finally:
        loader.close()
    # the key is the code's rank: ordered by key is ordered by code
    result = result.set_column(0, "uscc", codes.take(result["uscc"]))
    return result.select(list(OUTPUT_COLUMNS)).cast(OUTPUT_SCHEMA)


def count_levels(result: pa.Table) -> dict[str, int]:
    """How many enterprises are at each level, every level listed (in rule order)."""
    counts = pc.value_counts(result["level"]).to_pylist()
    found = Counter({c["values"]: c["counts"] for c in counts})
    return {level: found.get(level, 0) for level in LEVELS}
