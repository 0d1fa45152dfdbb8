"""Properties of the targets (targets.md §2): what adds up from ``programme_from`` never decreases
from one year to the next, whatever the registers give."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.hypothesis_profiles import examples

from mujun.engine.policy import load_shipped_policy
from mujun.engine.programmes.registers import TALENT_ZH
from mujun.engine.targets import ProgrammeInputs, YearTable, programme_targets

POLICY = load_shipped_policy("zhejiang-template").policy.targets
YEARS = list(range(2018, 2028))
amounts = st.floats(0, 1e6, allow_nan=False)
by_year = st.dictionaries(st.sampled_from(YEARS), amounts, max_size=8)

inputs = st.builds(
    ProgrammeInputs,
    tables=st.dictionaries(st.sampled_from(YEARS), amounts, max_size=6).map(
        lambda d: {y: YearTable(y, (), (), None, a) for y, a in d.items()}),
    talent=st.dictionaries(st.sampled_from(YEARS), st.dictionaries(
        st.sampled_from(sorted(TALENT_ZH)), st.integers(0, 50), max_size=7), max_size=8),
    cases=by_year, parcels=by_year, payments=by_year,
)


@settings(max_examples=examples(60), deadline=None)
@given(inputs)
def test_cumulative_targets_never_decrease(given_inputs: ProgrammeInputs) -> None:
    for t in programme_targets(given_inputs, year=2027, policy=POLICY):
        if not t.cumulative or t.key == "investment_wan":  # 百 is the projects' stock
            continue
        values = [v for _, v in t.series]
        assert all(v is not None for v in values), t.key
        numbers = [float(v or 0.0) for v in values]
        assert all(a <= b + 1e-6 * max(1.0, abs(b)) for a, b in pairwise(numbers)), t.key
        for category in t.categories:
            assert category.value is not None and category.value >= 0


@settings(max_examples=examples(60), deadline=None)
@given(inputs, st.sampled_from(YEARS))
def test_a_year_s_value_is_the_last_point_of_its_series(given_inputs: ProgrammeInputs,
                                                        year: int) -> None:
    for t in programme_targets(given_inputs, year=max(year, POLICY.base_year), policy=POLICY):
        assert t.series[-1] == (t.year, t.value)
        assert t.series[0][0] == POLICY.base_year
