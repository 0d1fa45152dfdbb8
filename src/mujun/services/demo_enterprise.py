"""Whom the demo's scoped accounts stand for: the demo's largest town and an enterprise of it
evaluated in the newest published run (services/demo_accounts.py), so the demo's own examples
(services/programmes/demo_requests.py) land where those accounts look."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.services.published import published_runs
from mujun.store.models import Enterprise, RunResult


def demo_town(session: Session) -> str | None:
    """The town with the most enterprises."""
    return session.scalar(select(Enterprise.town).where(Enterprise.town.is_not(None))
                          .group_by(Enterprise.town).order_by(func.count().desc()).limit(1))


def demo_uscc(session: Session, town: str | None) -> str | None:
    """The first 规上 enterprise of ``town`` in the newest published run (None before any)."""
    runs = published_runs(session)
    if not runs or not town:
        return None
    newest = runs[max(runs)]
    return session.scalar(select(RunResult.uscc).join(Enterprise, Enterprise.uscc == RunResult.uscc)
                          .where(RunResult.run_id == newest.id, RunResult.group == "above",
                                 Enterprise.town == town)
                          .order_by(RunResult.row_no).limit(1))
