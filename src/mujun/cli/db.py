"""``mujun db``: the store's schema (migrations)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from mujun.cli.main import app

if TYPE_CHECKING:
    from sqlalchemy import Engine

db_app = typer.Typer(help="""The store's schema: migrations (the store also upgrades on first use).

The store is MUJUN_DATABASE_URL (default: the SQLite file mujun.db here).

Examples:

    mujun db current
    mujun db upgrade
""",
                     no_args_is_help=True)
app.add_typer(db_app, name="db")


def _engine() -> Engine:
    from mujun.store.db import make_engine
    from mujun.store.settings import get_settings

    return make_engine(get_settings().database_url)


@db_app.command("upgrade")
def upgrade_cmd() -> None:
    """Bring the store's schema to the newest migration."""
    from mujun.store.migrate import current_revision, upgrade_to_head

    engine = _engine()
    upgrade_to_head(engine)
    typer.echo(f"schema at {current_revision(engine)} ({engine.url.render_as_string()})")


@db_app.command("current")
def current_cmd() -> None:
    """Show the store's schema revision and the newest one."""
    from mujun.store.migrate import current_revision, head_revision

    engine = _engine()
    typer.echo(f"current: {current_revision(engine) or '(empty)'}  head: {head_revision()}")


@db_app.command("downgrade")
def downgrade_cmd(revision: str = typer.Argument(..., help="target revision, or 'base'")) -> None:
    """Undo migrations down to REVISION (``base`` removes every table)."""
    from mujun.store.migrate import current_revision, downgrade

    engine = _engine()
    downgrade(engine, revision)
    typer.echo(f"schema at {current_revision(engine) or '(empty)'}")
