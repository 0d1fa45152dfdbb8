"""Whether a parcel lies idle (闲置): its construction has not started a year after the agreed
start; after two years it may be taken back (可收回). The land page lists such parcels and the
cockpit map marks them (docs/demo-data.md, ``agreed_start``)."""

from __future__ import annotations

from datetime import date

IDLE, RECLAIMABLE = "idle", "reclaimable"


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def idle_status(*, agreed_start: date | None, started_on: date | None, today: date) -> str | None:
    """``idle``, ``reclaimable`` or None (built, not yet due, or no agreed start)."""
    if started_on is not None or agreed_start is None or add_years(agreed_start, 1) >= today:
        return None
    return RECLAIMABLE if add_years(agreed_start, 2) < today else IDLE
