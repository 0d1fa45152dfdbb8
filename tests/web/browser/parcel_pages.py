"""What the parcels list (地块档案) must show a user, read from the store through the service the
page uses; formatted here, not by the app's filters (``pages.num``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from tests.web import county
from tests.web.browser.pages import cells, num, submit

from mujun.services.labels import LABELS
from mujun.services.land.parcels import parcel_list
from mujun.store.models import User


def parcel_rows(session: Session, who: User) -> list[list[str]]:
    data = parcel_list(session=session, actor=who, today=county.T0.date())
    return [[p.parcel_code, f"{num(p.area_mu)} {num(p.area_m2, 0)} m²",
             LABELS["parcel"][p.status]] for p in data.items]


def check_parcels(page: Any, session: Session, who: User) -> None:
    expected = parcel_rows(session, who)
    assert expected, who.username

    def shown() -> list[list[str]]:
        return [[row[0], row[4], row[8]] for row in cells(page, "#parcels")[:-1]]

    assert shown() == expected
    submit(page, "form.filters button[type=submit]")
    assert shown() == expected
