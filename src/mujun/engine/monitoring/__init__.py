"""Monitoring between evaluations (docs/monitoring.md): each enterprise's monthly power readings
as of a month M give its signals (``kwh_3m``, ``kwh_3m_last_year``, ``yoy_3m``, ``baseline``) and
its level (``silent``, ``stopped``, ``declining``, ``normal``).

The rules are ibis expressions (``signals.py``), run on the embedded DuckDB by default — as SQL
compiled once and kept (``plan.py``) — or on Apache Spark (``engine/backends.py``), with the same
results. Plain Arrow tables in and out; the power file is read by ``io/power.py``.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mujun.engine.monitoring import months
from mujun.engine.monitoring.names import LEVELS, OUTPUT_COLUMNS, WINDOW
from mujun.engine.policy import MonitoringRules

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

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


def _keyed(readings: pa.Table, as_of: int) -> tuple[pa.Table, pa.Array]:
    """The readings the rules need (``plan.KEYED_SCHEMA``), and the distinct codes in order.

    Each credit code is replaced by its rank among the distinct codes (an ``int32``; a key's
    code is ``codes[key]``) and each month by ``back``, how many months before ``as_of`` it is:
    the backends group and sort whole numbers instead of 18-character texts and compare whole
    numbers instead of taking dates apart. Only the readings the rules look at are passed on:
    those of M−14 … M, and of an enterprise with readings before M−14 one of those (it lists the
    enterprise and counts as a reading before M−1, ``signals.per_enterprise``) — the same
    result from fewer rows. A month after ``as_of`` (or none) is left out."""
    from mujun.engine.monitoring.plan import KEYED_SCHEMA

    table = readings.select(READING_SCHEMA.names)
    keys, codes = _ranks(table["uscc"])
    month = _month_indices(table["month"].cast(pa.date32()))
    back = pc.subtract(pa.scalar(as_of, pa.int32()), month).fill_null(-1)
    back_np = np.concatenate([c.to_numpy() for c in back.chunks]) if back.num_chunks \
        else np.zeros(0, dtype=np.int32)
    kwh = table["kwh"].cast(pa.float64())
    window = (back_np >= 0) & (back_np < WINDOW)
    older = np.flatnonzero(back_np >= WINDOW)
    if len(older) or not window.all():
        marker = np.full(len(codes), -1, dtype=np.int64)
        marker[keys[older]] = older  # one reading (any) before M−14 of each enterprise
        rows = np.concatenate([np.flatnonzero(window), marker[marker >= 0]])
        keys, back_np, kwh = keys[rows], back_np[rows], kwh.take(pa.array(rows))
    keyed = pa.table([pa.array(keys, pa.int32()), pa.array(back_np, pa.int32()), kwh],
                     schema=KEYED_SCHEMA)
    # DuckDB scans an Arrow table one record batch per task: slices let every thread work
    keyed = pa.Table.from_batches(keyed.to_batches(max_chunksize=_BATCH_ROWS), keyed.schema)
    return keyed, codes


def _ranks(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Each row's rank among the distinct codes (``int32``) and the distinct codes in order."""
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
    return keys, dictionary.take(pa.array(order))


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
    keyed, codes = _keyed(readings, as_of)
    if backend is None or backend.name == "duckdb":
        from mujun.engine.monitoring import plan

        result = plan.run(plan.plan_for(rules), keyed,
                          None if backend is None else backend.con)
    else:
        result = _through_ibis(keyed, rules, backend)
    # the key is the code's rank: ordered by key is ordered by code
    result = result.set_column(0, "uscc", codes.take(result["uscc"]))
    return result.select(list(OUTPUT_COLUMNS)).cast(OUTPUT_SCHEMA)


def _through_ibis(keyed: pa.Table, rules: MonitoringRules, backend: BaseBackend) -> pa.Table:
    """The rules compiled by ibis for ``backend`` (Spark)."""
    from mujun.engine import backends
    from mujun.engine.monitoring.signals import per_enterprise, signals

    loader = backends.TableLoader(backend)
    try:
        t = loader.load(keyed, "power")
        return loader.fetch(signals(per_enterprise(t), rules).order_by("uscc"))
    finally:
        loader.close()


def count_levels(result: pa.Table) -> dict[str, int]:
    """How many enterprises are at each level, every level listed (in rule order)."""
    counts = pc.value_counts(result["level"]).to_pylist()
    found = Counter({c["values"]: c["counts"] for c in counts})
    return {level: found.get(level, 0) for level in LEVELS}
