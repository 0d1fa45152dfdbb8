"""The embedded engine's pivot on arrays (engine/monitoring/pivot.py) gives the table that the
ibis grouping ``signals.per_enterprise`` gives on DuckDB — the grouping Spark runs — for random
readings: months after M, months before M−14, missing months, a month given twice (the larger
reading is kept, as ``max`` keeps it) and empty readings (NaN: the month stays missing)."""

from __future__ import annotations

import datetime
import math

import duckdb
import ibis
import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.hypothesis_profiles import examples

from mujun.engine.monitoring import READING_SCHEMA, monitor, months
from mujun.engine.monitoring.names import WINDOW
from mujun.engine.monitoring.pivot import PIVOT_SCHEMA, Keyed, side_by_side
from mujun.engine.monitoring.signals import per_enterprise
from mujun.io.policy_files import load_policy

READING = st.tuples(
    st.integers(0, 5),  # the code's rank
    st.integers(-3, WINDOW + 4),  # months before M: after M, the window, before M−14
    st.sampled_from([0.0, 1.0, 2.5, 100.0, 1e9, math.nan]),
)


def _through_ibis(keyed: Keyed) -> list[dict[str, object]]:
    con = ibis.duckdb.from_connection(duckdb.connect())
    table = con.create_table("power", keyed.table())
    result = per_enterprise(table).order_by("uscc").to_pyarrow()
    return result.select(PIVOT_SCHEMA.names).cast(PIVOT_SCHEMA).to_pylist()


def _on_arrays(keyed: Keyed) -> list[dict[str, object]]:
    columns = side_by_side(keyed)
    table = pa.table({name: columns[name] for name in PIVOT_SCHEMA.names})
    # NaN is how the arrays hold a missing month (DuckDB reads it as null)
    rows = table.cast(PIVOT_SCHEMA).to_pylist()
    return [{k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
            for row in rows]


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(READING, max_size=40))
def test_the_pivot_on_arrays_is_the_ibis_grouping(readings: list[tuple[int, int, float]]
                                                  ) -> None:
    keys = np.array([r[0] for r in readings], dtype=np.int32)
    back = np.array([r[1] for r in readings], dtype=np.int32)
    kwh = np.array([r[2] for r in readings], dtype=np.float64)
    keyed = Keyed(keys, back, kwh, pa.array([f"code{i}" for i in range(6)]))
    assert _on_arrays(keyed) == _through_ibis(keyed)


def test_a_month_given_twice_keeps_the_larger_reading() -> None:
    keyed = Keyed(np.array([1, 1, 1, 0], dtype=np.int32), np.array([0, 0, 3, 20], np.int32),
                  np.array([5.0, 7.0, 2.0, 1.0]), pa.array(["a", "b"]))
    columns = side_by_side(keyed)
    assert columns["uscc"].tolist() == [0, 1]
    assert columns["earlier"].tolist() == [1, 1]  # M−20 for a, M−3 for b
    assert columns["k0"].tolist()[1] == 7.0 and math.isnan(columns["k0"][0])
    assert columns["k3"].tolist()[1] == 2.0


def test_months_before_1970_count_and_an_empty_month_is_left_out() -> None:
    days = [datetime.date(1969, 12, 1), datetime.date(1970, 1, 1), datetime.date(1970, 2, 1),
            None]
    readings = pa.table({"uscc": ["A"] * 4, "month": days, "kwh": [1.0, 2.0, 4.0, 100.0]},
                        schema=READING_SCHEMA)
    (row,) = monitor(readings, months.index(1970, 2),
                     load_policy().policy.monitoring).to_pylist()
    assert row["kwh_3m"] == 7.0  # 1969-12 + 1970-01 + 1970-02; the row without a month ignored


def test_a_code_listed_twice_in_the_dictionary_is_one_enterprise() -> None:
    """A dictionary-encoded ``uscc`` whose dictionary holds a code twice (another program's
    file) gives the result of the same codes as plain texts: one row per enterprise."""
    days = [datetime.date(2025, m, 1) for m in (10, 11, 12)] * 2
    plain = pa.table({"uscc": ["B", "A", "B", "A", "B", "A"], "month": days,
                      "kwh": [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]}, schema=READING_SCHEMA)
    uscc = pa.DictionaryArray.from_arrays(pa.array([0, 1, 2, 1, 0, 3], pa.int32()),
                                          pa.array(["B", "A", "B", "A"]))
    encoded = plain.set_column(0, "uscc", uscc)
    rules = load_policy().policy.monitoring
    expected = monitor(plain, months.index(2025, 12), rules)
    assert expected.column("uscc").to_pylist() == ["A", "B"]
    assert monitor(encoded, months.index(2025, 12), rules).equals(expected)
