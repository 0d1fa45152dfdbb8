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
from mujun.engine.monitoring.pivot import Keyed, side_by_side
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

__all__ = [
    "LEVELS",
    "OUTPUT_COLUMNS",
    "OUTPUT_SCHEMA",
    "READING_SCHEMA",
    "count_levels",
    "monitor",
    "months",
]


def _keyed(readings: pa.Table, as_of: int) -> Keyed:
    """The readings the rules need, as whole numbers where the backends compare them.

    Each credit code is replaced by its rank among the distinct codes (a key's code is
    ``codes[key]``) and each month by ``back``, how many months before ``as_of`` it is: the
    backends group and sort whole numbers instead of 18-character texts and compare whole
    numbers instead of taking dates apart. Only the readings the rules look at are passed on:
    those of M−14 … M, and of an enterprise with readings before M−14 one of those (it lists the
    enterprise and counts as a reading before M−1, ``signals.per_enterprise``) — the same
    result from fewer rows. A month after ``as_of`` (or none) is left out."""
    table = readings.select(READING_SCHEMA.names)
    back = np.subtract(np.int32(as_of), _month_indices(table["month"].cast(pa.date32())),
                       dtype=np.int32)
    indices, rank, codes = _ranks(table["uscc"])
    kwh = _numbers(table["kwh"].cast(pa.float64()))
    keep = (back >= 0) & (back < WINDOW)
    older = np.flatnonzero(back >= WINDOW)
    if len(older):  # one reading (any) before M−14 of each enterprise
        marker = np.full(len(codes), -1, dtype=np.int64)
        marker[indices[older]] = older
        keep[marker[marker >= 0]] = True
    if not keep.all():
        indices, back, kwh = indices[keep], back[keep], kwh[keep]
    return Keyed(rank[indices], back, kwh, codes)


def _numbers(column: pa.ChunkedArray) -> np.ndarray:
    """The readings as one numpy array, an empty cell as NaN: the month then stays missing in
    the pivot, as ``max`` leaves it in ``per_enterprise`` (the readers refuse empty and
    non-finite readings, so this is for other callers)."""
    parts = [c.fill_null(np.nan).to_numpy() for c in column.chunks]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float64)


def _ranks(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Each row's position in the column's dictionary, the rank (``int32``) among the distinct
    codes of each position, and the distinct codes in order."""
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column.cast(pa.string()))
    column = pa.chunked_array([column.combine_chunks()])  # one dictionary (unified)
    if column.num_chunks == 0:
        column = pa.chunked_array([pa.array([], pa.string()).dictionary_encode()])
    dictionary = column.chunk(0).dictionary.cast(pa.string())
    order = pc.sort_indices(dictionary)
    in_order = dictionary.take(order)
    if len(in_order) > 1 and pc.any(pc.equal(in_order[1:], in_order[:-1])).as_py():
        # a code listed twice in the dictionary: encoded again, one entry per code
        return _ranks(pa.chunked_array([pc.dictionary_encode(column.cast(pa.string()))
                                        .combine_chunks()]))
    rank = np.empty(len(order), dtype=np.int32)
    rank[order.to_numpy()] = np.arange(len(order), dtype=np.int32)
    indices = [c.indices.to_numpy(zero_copy_only=False) for c in column.chunks]
    positions = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32)
    return positions, rank, in_order


def _month_indices(days: pa.ChunkedArray) -> np.ndarray:
    """The month index of each date (``int32``; an empty cell gives a month after any ``as_of``,
    so it is left out): a table of the few days the readings span, then one look-up per row."""
    span = pc.min_max(days).as_py()
    if span["min"] is None:
        return np.full(len(days), np.iinfo(np.int32).max, dtype=np.int32)
    first = months.of_date(span["min"])
    last = months.of_date(span["max"])
    starts = np.array([months.first_day(m) for m in range(first, last + 2)], "datetime64[D]")
    offsets = np.arange(starts[0], starts[-1], dtype="datetime64[D]")
    # the month of each day from the first month's first day, by counting the month starts
    table = (np.searchsorted(starts, offsets, side="right") - 1 + first).astype(np.int32)
    table = np.append(table, np.int32(np.iinfo(np.int32).max))  # the last slot: no date
    empty = np.iinfo(np.int32).min  # days since 1970 of no date (one before 1970 is < 0)
    day = np.concatenate([c.cast(pa.int32()).fill_null(empty).to_numpy() for c in days.chunks]) \
        if days.num_chunks else np.zeros(0, dtype=np.int32)
    position = day - np.int32(starts[0].astype(np.int64))
    position[day == empty] = len(table) - 1
    return table[position]


def monitor(
    readings: pa.Table, as_of: int, rules: MonitoringRules, *,
    backend: BaseBackend | None = None,
) -> pa.Table:
    """The signals and level of every enterprise with a reading in or before ``as_of`` (a month
    index, ``months.index``), ordered by credit code; readings after ``as_of`` are ignored.

    ``readings``: ``uscc`` (text, or dictionary-encoded text), ``month`` (a date; its month
    counts), ``kwh``, one row per enterprise and month (``io/power.read_power`` gives such a
    table)."""
    keyed = _keyed(readings, as_of)
    if backend is None or backend.name == "duckdb":
        from mujun.engine.monitoring import plan

        result = plan.run(plan.plan_for(rules), side_by_side(keyed),
                          None if backend is None else backend.con)
    else:
        result = _through_ibis(keyed.table(), rules, backend)
    # the key is the code's rank: ordered by key is ordered by code
    result = result.set_column(0, "uscc", keyed.codes.take(result["uscc"]))
    return result.select(list(OUTPUT_COLUMNS)).cast(OUTPUT_SCHEMA)


def _through_ibis(keyed: pa.Table, rules: MonitoringRules, backend: BaseBackend) -> pa.Table:
    """The rules compiled by ibis for ``backend`` (Spark): its own grouping
    (``per_enterprise``), then the signals."""
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
