"""``mujun backup`` / ``mujun restore``: the whole store as one portable file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mujun.cli._store import AsUser, acting_user, console, store_session
from mujun.cli.main import app
from mujun.cli.progress import stages


@app.command("backup")
def backup_cmd(
    file: Annotated[Path, typer.Argument(help="the backup file to write (.zip)")],
) -> None:
    """Write every table of the store to FILE (restorable on SQLite or PostgreSQL).

    The store is read in one snapshot, so imports may run meanwhile; the file is checked
    restorable (every foreign key, the row counts) before it is kept, else the command fails.

    Example:

        mujun backup mujun-2025-01-31.zip
    """
    from mujun.services import backup as backups

    with store_session() as session, stages(f"writing {file.name}, checking it restorable"):
        counts = backups.backup(session=session, path=file)
    console().print(f"wrote {file}: {sum(counts.values())} rows in {len(counts)} tables, "
                  "checked restorable")


@app.command("restore")
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="a file written by `mujun backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="replace a store that holds data")] = False,
    as_user: AsUser = None,
) -> None:
    """Replace the whole store with FILE's contents, in one transaction.

    A backup of an older schema is upgraded on the way. A store that holds data is replaced only
    with --yes.

    Example:

        MUJUN_DATABASE_URL=sqlite:///copy.db mujun restore mujun-2025-01-31.zip
    """
    from mujun.services import backup as backups

    with store_session() as session:
        has_data = any(n for name, n in backups.row_counts(session).items()
                       if name not in ("users", "audit"))
        if has_data and not yes:
            console().print("the store holds data; add --yes to replace all of it")
            raise typer.Exit(1)
        actor = acting_user(session, as_user)
        with stages(f"restoring {file.name}"):
            counts = backups.restore(session=session, actor=actor, path=file)
    console().print(f"restored {file}: {sum(counts.values())} rows in {len(counts)} tables")
