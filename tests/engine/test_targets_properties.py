"""Properties of the targets (targets.md §2): what counts from ``programme_from`` never decreases
from one year to the next, whatever the records."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from mujun.engine.policy import load_shipped_policy
from mujun.engine.targets import (
    LandPiece,
    Payment,
    ProgrammeInputs,
    ProjectInput,
    Recruit,
    YearTable,
    programme_targets,
)
from mujun.engine.targets.meta import PROJECT_STAGES, TALENT_ZH

POLICY = load_shipped_policy("zhejiang-template").policy.targets
YEARS = range(2018, 2028)
days = st.dates(date(2018, 1, 1), date(2027, 12, 31))
amounts = st.floats(0, 1e6, allow_nan=False)


@st.composite
def forward_project(draw: st.DrawFn) -> ProjectInput:
    """A project whose stages only move forward (a step back may lower 百亿: not drawn here)."""
    start = draw(days)
    steps = draw(st.lists(st.integers(0, 400), min_size=1, max_size=len(PROJECT_STAGES)))
    first = draw(st.integers(0, len(PROJECT_STAGES) - len(steps)))
    on, history = start, []
    for i, step in enumerate(steps):
        on += timedelta(days=step)
        history.append((on, PROJECT_STAGES[first + i]))
    return ProjectInput(draw(st.none() | amounts), draw(st.none() | days), tuple(history))


inputs = st.builds(
    ProgrammeInputs,
    tables=st.dictionaries(st.sampled_from(list(YEARS)),
                           amounts, max_size=6).map(
        lambda d: {y: YearTable(y, (), (), None, a) for y, a in d.items()}),
    projects=st.lists(forward_project(), max_size=8),
    talent=st.lists(st.builds(Recruit, st.sampled_from(sorted(TALENT_ZH)),
                              st.sampled_from(list(YEARS))), max_size=30),
    cases=st.lists(st.builds(LandPiece, days, amounts), max_size=10),
    parcels=st.lists(st.builds(LandPiece, days, amounts), max_size=10),
    payments=st.lists(st.builds(Payment, st.sampled_from(list(YEARS)), amounts), max_size=10),
)


@settings(max_examples=60, deadline=None)
@given(inputs)
def test_cumulative_targets_never_decrease(given_inputs: ProgrammeInputs) -> None:
    figures = programme_targets(given_inputs, year=2027, policy=POLICY)
    for t in figures:
        if not t.cumulative:
            continue
        values = [v for _, v in t.series]
        assert all(v is not None for v in values), t.key
        numbers = [float(v or 0.0) for v in values]
        assert all(a <= b + 1e-6 * max(1.0, abs(b)) for a, b in pairwise(numbers)), t.key


@settings(max_examples=60, deadline=None)
@given(inputs, st.sampled_from(list(YEARS)))
def test_a_year_s_value_is_the_last_point_of_its_series(given_inputs: ProgrammeInputs,
                                                        year: int) -> None:
    for t in programme_targets(given_inputs, year=max(year, POLICY.base_year), policy=POLICY):
        assert t.series[-1] == (t.year, t.value)
        assert t.series[0][0] == POLICY.base_year
