"""The canonical parcel record (地块, land.md §1) and the rounding the land rules share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from mujun.engine.fields import M2_PER_MU

#: 延迟动工原因 that excuse a late start (land.md §2): the government's doing, force majeure
DELAY_CAUSES = ("government", "force_majeure")


@dataclass(frozen=True)
class Parcel:
    """One parcel as land.md §1 defines it; an empty cell is ``None`` (``standard_land`` False)."""

    parcel_id: str
    area_m2: float
    owner_uscc: str | None = None
    zone: str | None = None
    town: str | None = None
    use: str | None = None
    acquired: date | None = None
    agreed_start: date | None = None
    construction_start: date | None = None
    standard_land: bool = False
    land_price_wan: float | None = None
    floor_area_m2: float | None = None
    #: ``government`` or ``force_majeure`` (:data:`DELAY_CAUSES`), or None
    delay_cause: str | None = None

    @property
    def area_mu(self) -> float:
        return area_mu(self.area_m2)


def area_mu(area_m2: float) -> float:
    """``area_m2 / (10000/15)`` at full precision."""
    return area_m2 / M2_PER_MU


def round4(value: float) -> float:
    """``round(value, 4)`` half away from zero, on the float's exact binary value (as every
    figure mujun rounds for people, docs/numbers.md)."""
    return float(Decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
