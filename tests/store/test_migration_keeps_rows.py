"""Migrating a store that holds data keeps every row: on SQLite a batch migration rebuilds a table,
which with foreign keys on deleted the children of the rebuilt table (docs/store.md)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tests.web import county

from mujun.store.migrate import current_revision, downgrade, upgrade_to_head
from mujun.store.models import Run, RunResult


def _counts(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (session.scalar(select(func.count(Run.id))) or 0,
                session.scalar(select(func.count(RunResult.id))) or 0)


def test_down_and_up_through_table_rebuilds_keeps_results(engine: Engine, tmp_path: Path) -> None:
    with Session(engine, expire_on_commit=False) as session:
        county.load(session, tmp_path)
    before = _counts(engine)
    assert before[1] > 0
    downgrade(engine, "0002")  # through 0003, which rebuilds `runs` on SQLite
    assert current_revision(engine) == "0002"
    assert _counts(engine) == before
    upgrade_to_head(engine)
    assert _counts(engine) == before
