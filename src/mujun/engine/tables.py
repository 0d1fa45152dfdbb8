"""The Arrow tables around the queries: the inputs as the queries read them, and the results put
back in input order and side by side (no join: every result has one row per input row)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mujun.engine.fields import FIELDS

UNREACHABLE = "unreachable"
INCIDENT_SCHEMA = pa.schema([("uscc", pa.string()), ("year", pa.int64()), ("type", pa.string())])
_BATCH_ROWS = 1 << 16
#: the rank table's columns laid beside the class query's rows (``placed``)
RANK_COLUMNS = ("_rank", "_n")


class EvaluationError(Exception):
    """The evaluation cannot run as asked (e.g. the policy does not cover the year)."""


def _int64(values: np.ndarray) -> pa.Array:
    """An int64 numpy array as Arrow, without a copy (``pa.array`` would first import pandas,
    a quarter of a second, to ask whether the array is a pandas one)."""
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def positions(n: int) -> pa.Array:
    """0, 1, …, n − 1 as int64."""
    return _int64(np.arange(n, dtype=np.int64))


def canonical(enterprises: pa.Table) -> pa.Table:
    """The contract's columns in order, and ``_row``: each row's position in the input."""
    missing = [f.key for f in FIELDS if f.key not in enterprises.column_names]
    if missing:
        raise EvaluationError(f"the enterprise table lacks column(s): {', '.join(missing)}")
    table = enterprises.select([f.key for f in FIELDS])
    table = table.append_column("_row", positions(table.num_rows))
    # DuckDB scans an Arrow table one record batch per task: slices (no copy) let both threads work
    return pa.Table.from_batches(table.to_batches(max_chunksize=_BATCH_ROWS), table.schema)


def incidents_table(incidents: pa.Table | None) -> pa.Table:
    """The incident columns, and ``_pos``: each incident's position in the file."""
    if incidents is None:
        incidents = pa.Table.from_batches([], schema=INCIDENT_SCHEMA)  # no pandas import
    table = incidents.select(INCIDENT_SCHEMA.names).cast(INCIDENT_SCHEMA)
    return table.append_column("_pos", positions(table.num_rows))


def in_input_order(table: pa.Table) -> pa.Table:
    """Sorted by ``_row`` here rather than in a query, where the sort would carry every column;
    DuckDB usually returns the scan order already, which costs only the check. ``_row`` holds
    each of 0..n-1 once, so the order is its inverse permutation (no sort)."""
    rows = table["_row"]
    if table.num_rows <= 1 or pc.all(pc.greater_equal(rows[1:], rows[:-1])).as_py():
        return table
    n = table.num_rows
    positions = rows.to_numpy()
    order = np.full(n, -1, dtype=np.int64)
    if positions.min() >= 0 and positions.max() < n:
        order[positions] = np.arange(n, dtype=np.int64)
    if (order < 0).any():  # not a permutation of 0..n-1 (cannot happen): sort
        return table.take(pc.sort_indices(rows))
    return table.take(_int64(order))


def with_inputs(computed: pa.Table, canonical: pa.Table, types: pa.Schema) -> pa.Table:
    """The query result with the pass-through input columns (``types``) laid beside it (both in
    input order: the result is one row per input row, sorted by ``_row``)."""
    if computed.num_rows != canonical.num_rows:
        raise EvaluationError("the wide query lost or duplicated rows")
    for field in types:
        column = canonical[field.name]
        computed = computed.append_column(
            field.name, column if column.type == field.type else column.cast(field.type)
        )
    return computed


def placed(table: pa.Table, found: pa.Table) -> pa.Table:
    """``table`` with the columns of ``found`` but ``_row`` beside it, each value on the row its
    ``_row`` names (the row's position; each row named once at most), null on the rows that
    ``found`` does not name."""
    n = table.num_rows
    rows = found["_row"].to_numpy()
    named = np.zeros(n, dtype=bool)
    named[rows] = True
    at = np.zeros(n, dtype=np.int64)
    at[rows] = np.arange(len(rows), dtype=np.int64)
    # the position in ``found`` of each row's value, null where it has none
    indices = pa.Array.from_buffers(
        pa.int64(), n, [pa.py_buffer(np.packbits(named, bitorder="little")), pa.py_buffer(at)],
        null_count=n - len(rows))
    for name in found.column_names:
        if name != "_row":
            table = table.append_column(found.schema.field(name), found[name].take(indices))
    return table


def extra_tax_text(table: pa.Table) -> pa.Array:
    """The §5 column: a number at full precision, the word ``unreachable``, or empty.

    Numbers read as Python writes a float (shortest round-trip text, ``3.0`` for a whole number),
    so this text column looks like the number columns beside it in a CSV. Made ``_BATCH_ROWS``
    rows at a time and then joined: its four passes each write a text column, which for the whole
    table at once were the evaluation's peak (docs/benchmarks.md, "Under 1 GB at 1,000,000
    rows").
    """
    chunks = []
    for batch in table.select(["_extra_tax", "_unreachable"]).to_batches():
        # each chunk of the column whole, as the one pass gave it: the Parquet file is the same
        parts = [_extra_tax_text(batch.slice(at, _BATCH_ROWS))
                 for at in range(0, batch.num_rows, _BATCH_ROWS)]
        chunks.append(pa.concat_arrays(parts))
    return pa.chunked_array(chunks, pa.string())


def _extra_tax_text(part: pa.RecordBatch) -> pa.Array:
    numbers = part["_extra_tax"]
    as_text = pc.cast(numbers, pa.string())
    # a text of digits alone is a whole number's: where no number is whole (the usual case) the
    # texts are left as they are, without the regex and the join (≈ 5 ms at 100,000 rows)
    if pc.any(pc.equal(pc.floor(numbers), numbers)).as_py():
        whole = pc.match_substring_regex(as_text, r"^-?[0-9]+$")
        as_text = pc.if_else(whole, pc.binary_join_element_wise(as_text, ".0", ""), as_text)
    return pc.if_else(part["_unreachable"], pa.scalar(UNREACHABLE), as_text)


def as_fetched(result: pa.Table, expected: pa.Schema) -> pa.Table:
    """A query's result in the types its expression promised."""
    return result if result.schema == expected else result.cast(expected)
