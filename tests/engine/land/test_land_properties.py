"""Properties of the land rules on random parcels and commitments (Hypothesis):

- a later day never moves a parcel from ``idle`` back to ``late``;
- more tax never adds a breach to a review;
- shuffling the parcels, commitments or projects changes no row.

Values come from small sets so that boundaries (29 February, anniversaries, ties at the
commitment, missing values) come up often.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.hypothesis_profiles import examples

from mujun.engine.land import (
    Commitment,
    EnterpriseYear,
    Parcel,
    idle_row,
    idle_rows,
    idle_status,
    review,
)
from mujun.engine.policy import DEFAULT_POLICY
from mujun.io.policy_files import load_policy

RULES = load_policy(DEFAULT_POLICY).policy.land
#: the rules are plain Python on a few values: many examples stay fast
SETTINGS = settings(max_examples=examples(200), deadline=None)

DAYS = st.one_of(
    st.sampled_from([dt.date(2024, 2, 29), dt.date(2025, 2, 28), dt.date(2025, 3, 1),
                     dt.date(2026, 2, 28), dt.date(2026, 3, 1)]),
    st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2027, 12, 31)),
)
MAYBE_DAY = st.one_of(st.none(), DAYS)
PRICE = st.one_of(st.none(), st.sampled_from([0.0, 50.0, 123.4567, 300.0]))
PARCEL_IDS = [f"P{i}" for i in range(6)]


@st.composite
def parcels(draw: st.DrawFn, parcel_id: str = "P0") -> Parcel:
    return Parcel(
        parcel_id=parcel_id, area_m2=draw(st.sampled_from([1000.0, 1234.0, 2000.0, 10000.0])),
        owner_uscc=draw(st.sampled_from([None, "A", "B"])),
        agreed_start=draw(MAYBE_DAY), construction_start=draw(MAYBE_DAY),
        land_price_wan=draw(PRICE),
        floor_area_m2=draw(st.one_of(st.none(), st.sampled_from([0.0, 1800.0, 3000.0]))),
        delay_cause=draw(st.sampled_from([None, None, "government", "force_majeure"])),
    )


@SETTINGS
@given(parcels(), DAYS, DAYS)
def test_a_later_day_never_moves_idle_back_to_late(parcel: Parcel, d1: dt.date,
                                                   d2: dt.date) -> None:
    early, late = min(d1, d2), max(d1, d2)
    if idle_status(parcel, early) == "idle":
        assert idle_status(parcel, late) != "late"


@SETTINGS
@given(parcels(), DAYS)
def test_fee_only_for_idle_parcels_with_a_price(parcel: Parcel, day: dt.date) -> None:
    row = idle_row(parcel, day, rules=RULES)
    assert (row.idle_fee_wan is not None) == (row.status == "idle"
                                              and parcel.land_price_wan is not None)


COMMITTED = st.one_of(st.none(), st.sampled_from([0.25, 1.2, 6.6667, 18.0, 20.0, 400.0]))
AMOUNT = st.one_of(st.none(), st.sampled_from([-3.0, 0.0, 20.0, 54.0, 60.0, 120.0, 500.0]))


@st.composite
def commitments(draw: st.DrawFn, parcel_id: str = "P0") -> Commitment:
    return Commitment(
        parcel_id=parcel_id, owner_uscc=draw(st.sampled_from([None, "A", "B"])),
        investment_intensity_wan_per_mu=draw(COMMITTED), plot_ratio=draw(COMMITTED),
        tax_per_mu_wan=draw(COMMITTED), energy_per_va_tce=draw(COMMITTED),
        years_to_attainment=draw(st.one_of(st.none(), st.integers(0, 4))),
    )


@st.composite
def enterprise_rows(draw: st.DrawFn) -> EnterpriseYear:
    return EnterpriseYear(
        production_start=draw(st.one_of(st.none(), st.sampled_from(
            [dt.date(2021, 6, 1), dt.date(2022, 1, 1), dt.date(2023, 12, 31)]))),
        tax_paid=draw(AMOUNT), land_mu=draw(st.one_of(st.none(), st.sampled_from([0.0, 3.0, 6.0]))),
        energy_tce=draw(AMOUNT), value_added=draw(AMOUNT),
    )


PROJECTS = st.lists(st.tuples(st.sampled_from(PARCEL_IDS),
                              st.one_of(st.none(), st.sampled_from([0.0, 300.0, 900.0]))),
                    max_size=6)


@SETTINGS
@given(parcels(), commitments(), enterprise_rows(), st.sampled_from([5.0, 30.0, 200.0]),
       PROJECTS, st.integers(2023, 2027))
def test_more_tax_never_adds_a_breach(parcel: Parcel, c: Commitment, row: EnterpriseYear,
                                      more: float, projects: list[tuple[str, float | None]],
                                      year: int) -> None:
    richer = EnterpriseYear(row.production_start,
                            None if row.tax_paid is None else row.tax_paid + more,
                            row.land_mu, row.energy_tce, row.value_added)
    for owner in ("A", "B"):
        before = review([c], [parcel], {owner: row}, projects, year=year, rules=RULES)[0]
        after = review([c], [parcel], {owner: richer}, projects, year=year, rules=RULES)[0]
        assert set(after.breaches) <= set(before.breaches)
        if before.total_penalty_wan is not None and after.total_penalty_wan is not None:
            assert after.total_penalty_wan <= before.total_penalty_wan + 1e-9


@st.composite
def counties(draw: st.DrawFn) -> tuple[list[Parcel], list[Commitment]]:
    n = draw(st.integers(1, len(PARCEL_IDS)))
    ps = [draw(parcels(PARCEL_IDS[i])) for i in range(n)]
    cs = [draw(commitments(p.parcel_id)) for p in ps if draw(st.booleans())]
    return ps, cs


@SETTINGS
@given(counties(), st.dictionaries(st.sampled_from(["A", "B"]), enterprise_rows()), PROJECTS,
       DAYS, st.randoms(use_true_random=False))
def test_shuffling_rows_changes_nothing(county: tuple[list[Parcel], list[Commitment]],
                                        enterprises: dict[str, EnterpriseYear],
                                        projects: list[tuple[str, float | None]], day: dt.date,
                                        rnd: object) -> None:
    ps, cs = county
    shuffled_ps, shuffled_cs, shuffled_projects = list(ps), list(cs), list(projects)
    for items in (shuffled_ps, shuffled_cs, shuffled_projects):
        rnd.shuffle(items)  # type: ignore[attr-defined]
    idle = {r.parcel.parcel_id: r for r in idle_rows(ps, day, rules=RULES)}
    assert {r.parcel.parcel_id: r for r in idle_rows(shuffled_ps, day, rules=RULES)} == idle
    reviewed = {r.parcel_id: r for r in review(cs, ps, enterprises, projects, year=day.year,
                                               rules=RULES)}
    again = review(shuffled_cs, shuffled_ps, enterprises, shuffled_projects, year=day.year,
                   rules=RULES)
    assert [r.parcel_id for r in again] == [c.parcel_id for c in shuffled_cs]
    assert {r.parcel_id: r for r in again} == reviewed
