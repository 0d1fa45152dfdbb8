"""Each enterprise's readings of M … M−14 side by side, on arrays, for the embedded engine.

This is ``signals.per_enterprise`` (one row per enterprise with a reading in or before M; its
readings of M … M−14 in ``k0`` … ``k14``, null where a month is missing; ``earlier``, how many of
its readings are before M−1) computed with numpy instead of a backend's ``GROUP BY``. DuckDB's
grouping of a province's readings costs several times the rules themselves
(docs/benchmarks.md, "Monitoring"), while here the credit codes are already whole numbers
0 … n−1 and the months 0 … 14, so the table is one scatter into an array of n × 15 cells. Spark
still groups in ``per_enterprise``; ``tests/engine/monitoring/test_monitoring_pivot.py`` checks
that the two give the same table. The signals and levels are computed from this table by the
same ibis expressions on every backend (``signals.signals``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from mujun.engine.monitoring.names import WINDOW

#: the keyed readings (``Keyed``) as a table, for a backend that groups them itself (Spark)
KEYED_SCHEMA = pa.schema([("uscc", pa.int32()), ("back", pa.int32()), ("kwh", pa.float64())])
#: the columns of the table, in order: the code's rank, ``earlier``, ``k0`` … ``k14``
PIVOT_SCHEMA = pa.schema([
    ("uscc", pa.int32()), ("earlier", pa.int64()),
    *((f"k{back}", pa.float64()) for back in range(WINDOW)),
])


@dataclass(frozen=True)
class Keyed:
    """The readings the rules look at, as arrays of equal length: the credit code's rank
    (``codes[key]`` is the code), how many months before M the reading is (below 0: after M),
    and the reading (NaN: none, as from an empty cell)."""

    keys: np.ndarray
    back: np.ndarray
    kwh: np.ndarray
    #: the distinct credit codes in order
    codes: pa.Array

    def table(self) -> pa.Table:
        """As an Arrow table (``KEYED_SCHEMA``; a NaN reading as null), for a backend that
        groups itself."""
        return pa.table([pa.array(self.keys, pa.int32()), pa.array(self.back, pa.int32()),
                         pa.array(self.kwh, pa.float64(), from_pandas=True)], schema=KEYED_SCHEMA)


def side_by_side(keyed: Keyed) -> dict[str, np.ndarray]:
    """The table of ``per_enterprise`` as columns (``PIVOT_SCHEMA``), ordered by the code's
    rank. A missing month is NaN, which DuckDB reads from numpy as null (the readings are
    finite, so no reading is lost that way). A month given twice keeps its largest reading, as
    ``per_enterprise``'s ``max`` does (the readers refuse a repeated month)."""
    n = len(keyed.codes)
    keys, back, kwh = keyed.keys, keyed.back, keyed.kwh
    given = back >= 0
    if not given.all():  # ``monitor`` passes only months up to M; other callers may not
        keys, back, kwh = keys[given], back[given], kwh[given]
    listed = np.flatnonzero(np.bincount(keys, minlength=n)).astype(np.int32)
    earlier = np.bincount(keys[back > 1], minlength=n).astype(np.int64)
    in_window = back < WINDOW
    # month-major, so that each month's column is one contiguous row of ``cells``
    slot = back[in_window].astype(np.int64) * n + keys[in_window]
    cells = np.full(WINDOW * n, np.nan)
    if np.bincount(slot, minlength=len(cells)).max(initial=0) <= 1:
        cells[slot] = kwh[in_window]
    else:  # some month given twice: the larger reading, as max() keeps
        np.fmax.at(cells, slot, kwh[in_window])
    months = cells.reshape(WINDOW, n)
    if len(listed) < n:
        months = months[:, listed]
        earlier = earlier[listed]
    columns: dict[str, np.ndarray] = {"uscc": listed, "earlier": earlier}
    columns.update((f"k{b}", np.ascontiguousarray(months[b])) for b in range(WINDOW))
    return columns
