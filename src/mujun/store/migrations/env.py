"""Alembic environment: uses the engine handed over by ``mujun.store.migrate`` when there is one."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from mujun.store.db import make_engine
from mujun.store.models import Base
from mujun.store.settings import get_settings

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
        engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        keys_were_on = sqlite and bool(connection.exec_driver_sql("PRAGMA foreign_keys").scalar())
        if sqlite:
            # A batch migration rebuilds a table (copy, DROP, rename); with foreign keys on, the
            # DROP would cascade and delete every child row (a run's results). The keys are checked
            # as a whole once the migrations ran instead (docs/store.md, Migrations).
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            _run(connection)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"after the migration {len(broken)} rows point at missing "
                                       f"rows, e.g. {broken[0]}; restore the backup taken before")
            connection.commit()
        finally:
            if keys_were_on:  # as the connection was (it goes back to the pool)
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url") or get_settings().database_url,
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
