"""闲置 and 可收回: a parcel not started a year after its agreed start, and two years after."""

from __future__ import annotations

from datetime import date

import pytest

from mujun.services.land_status import IDLE, RECLAIMABLE, idle_status

TODAY = date(2022, 5, 1)


@pytest.mark.parametrize(("agreed", "started", "expected"), [
    (None, None, None),                           # no agreed start: nothing is late
    (date(2021, 5, 1), None, None),               # exactly a year: not yet idle
    (date(2021, 4, 30), None, IDLE),              # a year and a day
    (date(2020, 5, 1), None, IDLE),               # exactly two years: still idle
    (date(2020, 4, 30), None, RECLAIMABLE),       # beyond two years
    (date(2019, 1, 1), date(2022, 1, 1), None),   # late, but building has started
    (date(2020, 2, 29), None, RECLAIMABLE),       # 29 February: two years on is 28 February
])
def test_idle_status(agreed: date | None, started: date | None, expected: str | None) -> None:
    assert idle_status(agreed_start=agreed, started_on=started, today=TODAY) == expected
