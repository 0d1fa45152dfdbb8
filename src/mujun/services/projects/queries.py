"""What the targets read from the projects (targets.md §2 百): the stage of a project on a day,
and the investment landed (落地) by the end of a year."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mujun.engine.projects.stages import is_landed
from mujun.store.models import Project


def stage_at(project: Project, day: date) -> str | None:
    """The stage the project was in at the end of ``day``: its latest dated entry on or before
    it (entries without a date are not placed in time); None before its first dated entry."""
    found = None
    for row in project.stages:  # recorded in time order (services/projects/stages.py)
        if row.entered_on is not None and row.entered_on <= day:
            found = row.stage
    return found


def signed_on(project: Project) -> date | None:
    """The day the project was first signed (签约)."""
    days = [r.entered_on for r in project.stages if r.stage == "signed" and r.entered_on]
    return min(days) if days else None


def landed_projects(session: Session, year: int, programme_from: int) -> list[Project]:
    """The projects signed on or after 1 January ``programme_from`` whose stage at the end of
    ``year`` is 开工 (under construction) or later."""
    start, end = date(programme_from, 1, 1), date(year, 12, 31)
    projects = session.scalars(select(Project).options(selectinload(Project.stages))
                               .order_by(Project.code))
    out = []
    for p in projects:
        signed = signed_on(p)
        stage = stage_at(p, end)
        if signed is not None and signed >= start and stage is not None and is_landed(stage):
            out.append(p)
    return out


def landed_investment(session: Session, year: int, programme_from: int) -> float:
    """百 ``investment_wan``: Σ ``actual_investment_wan`` (万元) of :func:`landed_projects` (a
    project without the figure counts 0)."""
    return sum(p.actual_investment_wan or 0.0
               for p in landed_projects(session, year, programme_from))
