"""Disposal figures for the cockpit and the targets: cases by stage and method, overdue cases and
the area optimised per year (land.md §4: Σ ``area_mu`` of the cases completed in the year).

A case a correction replaces no longer counts anywhere here; its correction does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.services import access
from mujun.services.access import Action
from mujun.services.land.case_views import (
    CaseQuery,
    CaseRow,
    case_list,
    completed_in,
    not_corrected,
    overdue_clause,
)
from mujun.store.models import DisposalCase, User
from mujun.store.models.disposal import Method, Stage

#: the 万亩 goal's default (targets.md §2, *policy* ``targets.goals.land_mu``): 10000 亩 optimised
#: from 2021 to 2025; it counts new standard land too, the cockpit shows the disposal part of it
LAND_GOAL_MU = 10_000.0
PROGRAMME_YEARS = range(2021, 2026)
OVERDUE_SHOWN = 10


def area_optimised(*, session: Session, year: int) -> float:
    """Σ ``area_mu`` (亩) of the disposal cases completed in ``year`` (land.md §4), corrected
    cases counted by their correction. For the 万 target (targets.md §2, ``land_mu``)."""
    total = session.scalar(select(func.coalesce(func.sum(DisposalCase.area_mu), 0.0))
                           .where(completed_in(year), not_corrected()))
    return float(total or 0.0)


class Count(BaseModel):
    key: str
    count: int
    area_mu: float


class YearArea(BaseModel):
    year: int
    area_mu: float
    #: from the first year of the programme to this one
    cumulative_mu: float


class DisposalSummary(BaseModel):
    by_stage: list[Count]
    by_method: list[Count]
    overdue_count: int
    #: the most overdue open cases (earliest target date first)
    overdue: list[CaseRow]
    area_by_year: list[YearArea]
    goal_mu: float
    #: the cumulative area optimised of the programme's years ÷ the goal
    progress: float


def _counts(session: Session, column: Any, keys: list[str]) -> list[Count]:
    rows = session.execute(select(column, func.count(), func.coalesce(
        func.sum(DisposalCase.area_mu), 0.0)).where(not_corrected()).group_by(column))
    found = {str(k): (n, float(a)) for k, n, a in rows}
    return [Count(key=k, count=found.get(k, (0, 0.0))[0], area_mu=found.get(k, (0, 0.0))[1])
            for k in keys]


def disposal_summary(*, session: Session, actor: User, today: date) -> DisposalSummary:
    """The cockpit's disposal section (county-wide: the cockpit is the county's)."""
    access.require(actor, Action.COCKPIT)
    years = []
    cumulative = 0.0
    for year in PROGRAMME_YEARS:
        area = area_optimised(session=session, year=year)
        cumulative += area
        years.append(YearArea(year=year, area_mu=area, cumulative_mu=cumulative))
    overdue_count = session.scalar(select(func.count()).select_from(DisposalCase)
                                   .where(overdue_clause(today))) or 0
    overdue = case_list(session=session, actor=actor, today=today,
                        filters=CaseQuery(overdue=True, sort="target_date",
                                          per_page=OVERDUE_SHOWN)).items
    return DisposalSummary(
        by_stage=_counts(session, DisposalCase.stage, list(Stage)),
        by_method=_counts(session, DisposalCase.method, list(Method)),
        overdue_count=overdue_count, overdue=overdue, area_by_year=years,
        goal_mu=LAND_GOAL_MU, progress=cumulative / LAND_GOAL_MU)
