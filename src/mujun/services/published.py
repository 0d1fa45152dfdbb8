"""Which run speaks for a year: the newest published version (公示 or final) of that year.

Drafts are the bureau's work in progress; pages other than the runs pages show published results
only. A run's results never change once published, so what is derived from them may be cached
under ``(run.id, run.results_hash)``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.store.models import Run, RunStatus

PUBLISHED = (RunStatus.NOTICE, RunStatus.FINAL)


class RunRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    year: int
    run_version: int
    label: str
    status: str
    policy_name: str
    #: the frozen policy's title and the run's name for people (store.models.runs.run_title)
    policy_title: str
    title: str
    title_en: str


def published_runs(session: Session) -> dict[int, Run]:
    """Year → its newest published run, years ascending."""
    runs = session.scalars(
        select(Run).where(Run.status.in_(PUBLISHED)).order_by(Run.year, Run.run_version)
    )
    latest: dict[int, Run] = {}
    for run in runs:
        latest[run.year] = run  # the last one of a year is its newest version
    return dict(sorted(latest.items()))


def run_for_year(session: Session, year: int | None) -> tuple[Run | None, list[int]]:
    """The published run of ``year`` (default: the latest year that has one) and all such years."""
    runs = published_runs(session)
    years = list(runs)
    if not runs:
        return None, years
    if year is None:
        return runs[years[-1]], years
    return runs.get(year), years
