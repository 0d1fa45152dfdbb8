"""Idle land (闲置土地) as of a day D, land.md §2.

After 《闲置土地处置办法》(2012): construction not started a year after the agreed start makes the
land idle (a fee of a share of its price); after two years it may be taken back without
compensation — unless the delay is the government's doing or force majeure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from mujun.engine.land.parcels import Parcel, round4
from mujun.engine.policy import LandRules

RESERVE, NO_AGREEMENT, STARTED, ON_SCHEDULE = "reserve", "no_agreement", "started", "on_schedule"
EXCUSED, RECLAIMABLE, IDLE, LATE = "excused", "reclaimable", "idle", "late"
#: every status, in the order the rule tries them (the first that matches is the parcel's)
IDLE_STATUSES = (RESERVE, NO_AGREEMENT, STARTED, ON_SCHEDULE, EXCUSED, RECLAIMABLE, IDLE, LATE)
#: the statuses whose parcels are past their agreed start and not built
_PAST_AGREED = frozenset({EXCUSED, RECLAIMABLE, IDLE, LATE})


def anniversary(d: date, n: int) -> date:
    """The same month and day ``n`` years after ``d``; 29 February becomes 1 March."""
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February in a year that has none
        return date(d.year + n, 3, 1)


def idle_status(parcel: Parcel, as_of: date) -> str:
    """The first status of land.md §2 that matches ``parcel`` on ``as_of``."""
    agreed = parcel.agreed_start
    if not parcel.owner_uscc:
        return RESERVE
    if agreed is None:
        return NO_AGREEMENT
    if parcel.construction_start is not None and parcel.construction_start <= as_of:
        return STARTED
    if as_of <= agreed:
        return ON_SCHEDULE
    if parcel.delay_cause:
        return EXCUSED
    if as_of >= anniversary(agreed, 2):
        return RECLAIMABLE
    if as_of >= anniversary(agreed, 1):
        return IDLE
    return LATE


def days_past_agreed(parcel: Parcel, status: str, as_of: date) -> int | None:
    """``D − agreed_start`` in days for excused, late, idle and reclaimable parcels."""
    if status not in _PAST_AGREED or parcel.agreed_start is None:
        return None
    return (as_of - parcel.agreed_start).days


@dataclass(frozen=True)
class IdleRow:
    """One parcel's line of ``mujun land idle``."""

    parcel: Parcel
    status: str
    days_past_agreed: int | None
    #: ``round(idle_fee_share × land_price_wan, 4)`` for idle parcels with a price
    idle_fee_wan: float | None


def idle_row(parcel: Parcel, as_of: date, *, rules: LandRules) -> IdleRow:
    status = idle_status(parcel, as_of)
    fee = None
    if status == IDLE and parcel.land_price_wan is not None:
        fee = round4(rules.idle_fee_share * parcel.land_price_wan)
    return IdleRow(parcel, status, days_past_agreed(parcel, status, as_of), fee)


def idle_rows(parcels: Iterable[Parcel], as_of: date, *, rules: LandRules) -> list[IdleRow]:
    """:func:`idle_row` for every parcel, in input order."""
    return [idle_row(p, as_of, rules=rules) for p in parcels]
