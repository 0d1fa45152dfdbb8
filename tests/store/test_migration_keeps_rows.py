"""Migrating a store that holds data keeps every row: on SQLite a batch migration rebuilds a table,
which with foreign keys on deleted the children of the rebuilt table (docs/store.md)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select, text
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


def test_results_are_compressed_with_lz4_on_postgresql(engine: Engine) -> None:
    """Migration 0020: a run's rows and explanations (JSON, TOASTed) use lz4 on PostgreSQL, and
    going back restores the server's default compression; SQLite has nothing to change."""

    def methods() -> dict[str, str]:
        with engine.connect() as con:
            rows = con.execute(text(
                "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = "
                "'run_results'::regclass AND attname IN ('row', 'explanation')"))
            return {name: str(method) for name, method in rows}

    if engine.dialect.name != "postgresql":
        downgrade(engine, "0019_power_change_reason")  # no-op on SQLite: it must not fail
        upgrade_to_head(engine)
        assert current_revision(engine) is not None
        return
    assert methods() == {"row": "l", "explanation": "l"}  # 'l': lz4
    downgrade(engine, "0019_power_change_reason")
    assert methods() == {"row": "p", "explanation": "p"}  # 'p': pglz
    upgrade_to_head(engine)
    assert methods() == {"row": "l", "explanation": "l"}
