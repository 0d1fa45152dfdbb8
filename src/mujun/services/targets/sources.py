"""The programme records the targets count (targets.md §2), read from the store.

Each reader returns ``None`` while the store keeps no such records (the target then shows "no
data" and names the source); :func:`version` changes whenever any of them changes, so a cached
cockpit never shows stale targets.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.engine.targets import LandPiece, Payment, ProjectInput, Recruit
from mujun.io.number_formats import M2_PER_MU
from mujun.store.models import Parcel


def satisfaction(session: Session, years: range) -> dict[int, float | None] | None:
    """Year → mean rating of the 三服务 requests closed in it (service requests)."""
    return None


def projects(session: Session) -> list[ProjectInput] | None:
    """The investment projects with their stage history."""
    return None


def talent(session: Session) -> list[Recruit] | None:
    """The talent register: each person's category and year recruited."""
    return None


def disposal_cases(session: Session) -> list[LandPiece] | None:
    """Land disposal cases completed (land.md §4), with their area."""
    return None


def payments(session: Session) -> list[Payment] | None:
    """Incentive payments (奖补兑现) by year."""
    return None


def standard_land(session: Session) -> list[LandPiece]:
    """标准地 parcels acquired, on the day they were acquired."""
    query = select(Parcel.acquired_on, Parcel.area_m2) \
        .where(Parcel.standard_land.is_(True), Parcel.acquired_on.is_not(None))
    return [LandPiece(on, area / M2_PER_MU) for on, area in session.execute(query)
            if on is not None]


def version(session: Session) -> tuple[Any, ...]:
    """Changes whenever a record the sources read changes."""
    return tuple(session.execute(select(func.count(Parcel.id), func.max(Parcel.updated_at))).one())
