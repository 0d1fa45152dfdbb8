"""The store's parcels get the one idle rule of land.md §2 (engine/land): the map, the land list
and the portrait flag 闲置 and 可无偿收回 parcels from it."""

from __future__ import annotations

from datetime import date

import pytest

from mujun.services.land_status import flagged_status, parcel_status
from mujun.store.models import Parcel

TODAY = date(2022, 5, 1)
OWNER = "91331124MA2A00010Q"


def _parcel(agreed: date | None, started: date | None = None) -> Parcel:
    return Parcel(parcel_code="P-1", area_m2=2000.0, agreed_construction_start=agreed,
                  construction_started_on=started, standard_land=False)


@pytest.mark.parametrize(("owner", "agreed", "started", "status", "flagged"), [
    (None, date(2019, 1, 1), None, "reserve", None),             # no owner: reserve land
    (OWNER, None, None, "no_agreement", None),
    (OWNER, date(2019, 1, 1), date(2022, 5, 1), "started", None),  # started on the day
    (OWNER, date(2019, 1, 1), date(2022, 5, 2), "reclaimable", "reclaimable"),  # starts later
    (OWNER, date(2022, 5, 1), None, "on_schedule", None),         # the agreed day itself
    (OWNER, date(2021, 5, 2), None, "late", None),                # a day short of a year
    (OWNER, date(2021, 5, 1), None, "idle", "idle"),              # exactly a year
    (OWNER, date(2020, 5, 2), None, "idle", "idle"),              # a day short of two years
    (OWNER, date(2020, 5, 1), None, "reclaimable", "reclaimable"),  # exactly two years
])
def test_stored_parcels_follow_land_md_2(owner: str | None, agreed: date | None,
                                         started: date | None, status: str,
                                         flagged: str | None) -> None:
    parcel = _parcel(agreed, started)
    assert parcel_status(parcel, owner_uscc=owner, today=TODAY) == status
    assert flagged_status(parcel, owner_uscc=owner, today=TODAY) == flagged
