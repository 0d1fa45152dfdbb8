"""Which run speaks for a year: the newest published version (公示 or final) of that year.

Drafts are the bureau's work in progress; pages other than the runs pages show published results
only. A run's results never change once published, so what is derived from them may be cached
under ``(run.id, run.results_hash)``.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.engine.policy import load_policy_text
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


@lru_cache(maxsize=64)
def policy_title(policy_hash: str, policy_text: str) -> str:
    """The title a run's frozen policy gives itself (its name when it has none); runs are shown
    by it, not by the policy's file name."""
    loaded = load_policy_text(policy_text, "run")
    return loaded.policy.title or loaded.policy.name
