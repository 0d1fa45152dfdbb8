"""安全生产: the safety award (企业生产安全鼎) of year Y goes to enterprises with no
``safety_major`` or ``safety_general`` incident in Y−2 … Y (targets.md §3).

The candidates are the enterprises in year Y's tables (they have figures of Y). Incidents are the
store's (``services/incidents.py``); a withdrawn incident does not count.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.engine.programmes.registers import (
    SAFETY_INCIDENTS,
    IncidentSeen,
    blocking_incidents,
    safety_window,
)
from mujun.services.list_query import ListQuery, Option, Page, list_rows, options, page_fields
from mujun.services.programmes.scope import enterprises_in_scope, require_view
from mujun.store.models import Enterprise, Figure, Incident, User


class SafetyQuery(ListQuery):
    SORTS: ClassVar[tuple[str, ...]] = ("name", "town", "eligible")
    DEFAULT_SORT: ClassVar[str] = "name"

    year: int | None = Field(default=None, ge=1990, le=2100)
    town: str | None = Field(default=None, max_length=64)
    eligible: bool | None = None


class Blocking(BaseModel):
    """An incident that bars the award."""

    type: str
    year: int
    date: date | None


class SafetyRow(BaseModel):
    uscc: str
    name: str
    town: str | None
    eligible: bool
    #: the incidents of Y−2 … Y that bar it, newest first (empty when eligible)
    blocking: list[Blocking]


class SafetyTotals(BaseModel):
    candidates: int
    eligible: int


class SafetyPage(Page[SafetyRow]):
    year: int | None
    years: list[int]
    #: the first and last year of the window
    window: tuple[int, int] | None
    totals: SafetyTotals
    towns: list[Option]


def _years(session: Session) -> list[int]:
    return sorted(session.scalars(select(Figure.year).distinct()), reverse=True)


def _incidents(session: Session, enterprise_ids: list[int] | None,
               window: range) -> dict[int, list[tuple[IncidentSeen, date | None]]]:
    query = select(Incident.enterprise_id, Incident.year, Incident.type, Incident.date).where(
        Incident.type.in_(SAFETY_INCIDENTS), Incident.year >= window.start,
        Incident.year < window.stop, Incident.withdrawn_at.is_(None))
    if enterprise_ids is not None:
        query = query.where(Incident.enterprise_id.in_(enterprise_ids))
    found: dict[int, list[tuple[IncidentSeen, date | None]]] = {}
    for ent_id, year, type_, on in session.execute(query.order_by(Incident.id)):
        found.setdefault(ent_id, []).append((IncidentSeen(year, type_), on))
    return found


def _blocking(seen: list[tuple[IncidentSeen, date | None]], year: int) -> list[Blocking]:
    dates: dict[IncidentSeen, date | None] = {}
    for incident, on in seen:
        dates.setdefault(incident, on)
    return [Blocking(type=i.type, year=i.year, date=dates.get(i))
            for i in blocking_incidents([i for i, _on in seen], year)]


def safety_list(*, session: Session, actor: User, filters: SafetyQuery,
                paged: bool = True) -> SafetyPage:
    """Every candidate of year Y in the user's scope: eligible or not, with what bars it."""
    require_view(actor, "safety")
    years = _years(session)
    year = filters.year if filters.year is not None else (years[0] if years else None)
    if year is None:
        return SafetyPage(items=[], year=None, years=[], window=None,
                          totals=SafetyTotals(candidates=0, eligible=0), towns=[],
                          **page_fields(filters, 0, paged))
    window = safety_window(year)
    present = select(Figure.enterprise_id).where(Figure.year == year).distinct()
    query = select(Enterprise.id, Enterprise.uscc, Enterprise.name, Enterprise.town).where(
        Enterprise.id.in_(present), enterprises_in_scope(actor))
    candidates = list(session.execute(query.order_by(Enterprise.uscc)))
    towns = sorted({c.town for c in candidates if c.town})
    if filters.town:
        candidates = [c for c in candidates if c.town == filters.town]
    seen = _incidents(session, None, window)
    rows = []
    for c in candidates:
        blocking = _blocking(seen.get(c.id, []), year)
        rows.append(SafetyRow(uscc=c.uscc, name=c.name, town=c.town, eligible=not blocking,
                              blocking=blocking))
    totals = SafetyTotals(candidates=len(rows), eligible=sum(r.eligible for r in rows))
    if filters.eligible is not None:
        rows = [r for r in rows if r.eligible == filters.eligible]
    keys: dict[str, Any] = {"name": lambda r: r.name, "town": lambda r: r.town,
                            "eligible": lambda r: r.eligible}
    total, items = list_rows(rows, filters, keys, paged=paged)
    return SafetyPage(items=items, year=year, years=years, window=(window.start, window[-1]),
                      totals=totals, towns=options(towns), **page_fields(filters, total, paged))


def eligibility(*, session: Session, enterprise_id: int, year: int) -> list[Blocking]:
    """What bars one enterprise from the safety award of ``year`` (empty: eligible)."""
    seen = _incidents(session, [enterprise_id], safety_window(year))
    return _blocking(seen.get(enterprise_id, []), year)


def latest_year(session: Session) -> int | None:
    return session.scalar(select(func.max(Figure.year)))
