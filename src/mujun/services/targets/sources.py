"""The programme registers the targets count (targets.md §2), year by year.

Each register's own service owns the rule that counts its records (a rated request, a completed
case, a payment's year); this module only asks it for each year. A reader returns ``None`` while
no service of mujun keeps such records (the target then shows "no data" and names the source);
:func:`version` changes whenever a record any reader counts changes, so a cached cockpit never
shows stale targets.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.io.number_formats import M2_PER_MU
from mujun.services.land.case_stats import area_optimised
from mujun.services.programmes.payments import incentive_payments
from mujun.services.programmes.service_requests import satisfaction as mean_satisfaction
from mujun.services.programmes.talent import talent_by_category
from mujun.services.projects.queries import landed_investment
from mujun.store.models import (
    DisposalCase,
    IncentivePayment,
    Parcel,
    Project,
    ServiceRequest,
    TalentPerson,
)


def satisfaction(session: Session, years: range) -> dict[int, float | None]:
    """Year → mean rating of the 三服务 requests closed in it (None: none rated)."""
    return {y: mean_satisfaction(session, y) for y in years}


def investment(session: Session, years: range, programme_from: int) -> dict[int, float] | None:
    """Year → the investment landed by its end (百), by the projects' own rule
    (``services.projects.queries``)."""
    return {y: landed_investment(session, y, programme_from) for y in years}


def talent(session: Session, years: range) -> dict[int, dict[str, int]]:
    """Year → category → people recruited in that year."""
    return {y: talent_by_category(session, y, y) for y in years}


def disposal_cases(session: Session, years: range) -> dict[int, float]:
    """Year → 亩 of the disposal cases completed in it (land.md §4)."""
    return {y: area_optimised(session=session, year=y) for y in years}


def payments(session: Session, years: range) -> dict[int, float]:
    """Year → 万元 of incentives paid for it."""
    return {y: incentive_payments(session, [y]) for y in years}


def standard_land(session: Session, years: range) -> dict[int, float]:
    """Year → 亩 of the 标准地 parcels acquired in it."""
    query = select(Parcel.acquired_on, Parcel.area_m2) \
        .where(Parcel.standard_land.is_(True), Parcel.acquired_on.is_not(None))
    out = dict.fromkeys(years, 0.0)
    for on, area in session.execute(query):
        if on is not None and on.year in out:
            out[on.year] += area / M2_PER_MU
    return out


def version(session: Session) -> tuple[Any, ...]:
    """Changes whenever a record the readers count is added, changed or removed."""
    parts: list[Any] = [func.count(Parcel.id), func.max(Parcel.updated_at),
                        select(func.count(TalentPerson.id)).scalar_subquery(),
                        select(func.max(TalentPerson.updated_at)).scalar_subquery()]
    for model in (IncentivePayment, ServiceRequest, DisposalCase, Project):
        parts += [select(func.count(model.id)).scalar_subquery(),
                  select(func.sum(model.version)).scalar_subquery()]
    return tuple(session.execute(select(*parts)).one())
