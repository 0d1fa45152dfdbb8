"""The idle-land status (land.md §2) of stored parcels: the one rule of ``engine/land`` applied
to the store's parcels, for the cockpit map, the land list and the portrait (docs/land.md)."""

from __future__ import annotations

from datetime import date

from mujun.engine.land import Parcel as LandParcel
from mujun.engine.land import idle_status
from mujun.engine.land.idle import IDLE, RECLAIMABLE
from mujun.store.models import Parcel

__all__ = ["IDLE", "RECLAIMABLE", "flagged_status", "land_parcel", "parcel_status"]

#: the statuses the map, the land list and the portrait flag (闲置 and 可无偿收回)
FLAGGED = (IDLE, RECLAIMABLE)


def land_parcel(parcel: Parcel, *, owner_uscc: str | None) -> LandParcel:
    """The engine's parcel record of a stored parcel; ``owner_uscc`` None is reserve land."""
    return LandParcel(
        parcel_id=parcel.parcel_code, area_m2=parcel.area_m2, owner_uscc=owner_uscc,
        zone=parcel.zone, town=parcel.town, use=parcel.use, acquired=parcel.acquired_on,
        agreed_start=parcel.agreed_construction_start,
        construction_start=parcel.construction_started_on, standard_land=parcel.standard_land,
        land_price_wan=parcel.land_price_wan, floor_area_m2=parcel.floor_area_m2,
        delay_cause=parcel.delay_cause,
    )


def parcel_status(parcel: Parcel, *, owner_uscc: str | None, today: date) -> str:
    """The parcel's status on ``today``: reserve, no_agreement, started, … (land.md §2)."""
    return idle_status(land_parcel(parcel, owner_uscc=owner_uscc), today)


def flagged_status(parcel: Parcel, *, owner_uscc: str | None, today: date) -> str | None:
    """``idle`` or ``reclaimable`` when the parcel is so on ``today``, else None."""
    status = parcel_status(parcel, owner_uscc=owner_uscc, today=today)
    return status if status in FLAGGED else None
