"""Properties of the monitoring rules on random small sets of readings (Hypothesis):

- shuffling the rows changes nothing;
- readings after the as-of month change nothing;
- scaling every reading by the same positive factor changes no level (the factor a power of two,
  so that floating-point rounding scales exactly too: with 3, a reading exactly on a boundary —
  10 against 0.1 × 100 — may round to either side);
- the engine gives the row-by-row reference's table (bench/monitor_rowwise.py) bit for bit.

Readings are drawn from a few values (0, small, equal ones, missing months) so that boundaries,
zero baselines, silences and gaps come up often.
"""

from __future__ import annotations

import math
import random
from typing import Any

from bench import monitor_rowwise
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from tests.engine.monitoring.support import code, readings_table

from mujun.engine.monitoring import monitor, months
from mujun.engine.policy import MonitoringRules
from mujun.io.policy_files import load_policy

AS_OF = months.index(2025, 12)
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
SETTINGS = settings(max_examples=15, deadline=None, phases=PHASES,
                    suppress_health_check=[HealthCheck.too_slow])
RULES = load_policy().policy.monitoring

KWH = st.sampled_from([0.0, 1.0, 5.0, 9.99, 10.0, 70.0, 71.0, 100.0, 100.0, 100.0, 150.0,
                       1234.5])


@st.composite
def readings(draw: st.DrawFn) -> list[tuple[str, int, float]]:
    """1–6 enterprises, each with readings on some of the months M−20 … M (the later months
    more often present)."""
    rows = []
    for i in range(draw(st.integers(1, 6))):
        first = draw(st.integers(AS_OF - 20, AS_OF))
        gaps = draw(st.sampled_from([0.0, 0.1, 0.4]))
        level = draw(KWH)
        for month in range(first, AS_OF + 1):
            if draw(st.floats(0, 1)) < gaps:
                continue
            rows.append((code(i + 1), month, draw(st.sampled_from([level, level, draw(KWH)]))))
    return rows


def run(rows: list[tuple[str, int, float]], rules: MonitoringRules = RULES) -> list[dict[str, Any]]:
    return monitor(readings_table(rows), AS_OF, rules).to_pylist()


@SETTINGS
@given(readings(), st.randoms(use_true_random=False))
def test_shuffling_rows_changes_nothing(rows: list[tuple[str, int, float]],
                                        rnd: random.Random) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert run(shuffled) == run(rows)


@SETTINGS
@given(readings(), st.lists(st.tuples(st.integers(1, 8), st.integers(1, 14), KWH), max_size=12))
def test_readings_after_the_month_change_nothing(
        rows: list[tuple[str, int, float]], later: list[tuple[int, int, float]]) -> None:
    # one reading per (enterprise, month): the later months are new pairs
    extra = list({(code(i), AS_OF + ahead): kwh for i, ahead, kwh in later}.items())
    added = rows + [(c, m, kwh) for (c, m), kwh in extra]
    before = run(rows)
    after = run(added)
    # an enterprise whose only readings are after M is not there at all
    assert after == before


@SETTINGS
@given(readings(), st.integers(-8, 8))
def test_scaling_every_reading_changes_no_level(rows: list[tuple[str, int, float]],
                                                power: int) -> None:
    factor = 2.0 ** power
    before = run(rows)
    after = run([(c, m, kwh * factor) for c, m, kwh in rows])
    assert [r["level"] for r in after] == [r["level"] for r in before]
    assert [r["yoy_3m"] for r in after] == [r["yoy_3m"] for r in before]
    for a, b in zip(after, before, strict=True):
        for key in ("kwh_3m", "kwh_3m_last_year", "baseline"):
            assert (a[key] is None) == (b[key] is None)
            if a[key] is not None:
                assert math.isclose(a[key], b[key] * factor, rel_tol=1e-12, abs_tol=0)


@SETTINGS
@given(readings(), st.sampled_from([RULES, MonitoringRules(
    min_baseline_months=12, stop_share=0.2, decline_share=0.05)]))
def test_the_engine_agrees_with_the_row_by_row_reference(
        rows: list[tuple[str, int, float]], rules: MonitoringRules) -> None:
    reference = monitor_rowwise.monitor(
        rows, AS_OF, min_baseline_months=rules.min_baseline_months,
        stop_share=rules.stop_share, decline_share=rules.decline_share)
    assert run(rows, rules) == reference
