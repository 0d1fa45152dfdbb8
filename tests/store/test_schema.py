"""Migrations create exactly the models' schema, on both databases, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from mujun.store import db
from mujun.store.migrate import current_revision, downgrade, head_revision, upgrade_to_head
from mujun.store.models import Base


def test_upgrade_creates_every_table(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_models_and_migrations_agree(engine: Engine) -> None:
    """A model change without a migration fails here."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_up_again(engine: Engine) -> None:
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade_to_head(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_store_is_upgraded_on_first_use(db_url: str) -> None:
    engine = db.get_engine(db_url, upgrade=True)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        db.dispose_engines()
