"""``mujun value``: a value's history, and removing one explicitly (an import never does)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from mujun.cli._store import AsUser, acting_user, console, store_session
from mujun.cli.main import app

value_app = typer.Typer(help="""Stored values: their history; remove one, with a reason (audited).

A value is one figure of one enterprise and year; an import never removes one.

Examples:

    mujun value history --uscc 91331124754157362A --year 2024
    mujun value remove --year 2024 --uscc 91331124754157362A \\
        --field land_use_tax_due --reason "重复申报"
""",
                        no_args_is_help=True)
app.add_typer(value_app, name="value")


@value_app.command("remove")
def remove_cmd(
    year: Annotated[int, typer.Option("--year")],
    uscc: Annotated[str, typer.Option("--uscc", help="the enterprise's credit code")],
    field: Annotated[str, typer.Option("--field", help="the field key, e.g. land_use_tax_due")],
    reason: Annotated[str, typer.Option("--reason", help="why the value is removed")],
    as_user: AsUser = None,
) -> None:
    """Remove a stored value; the removal is kept in the value's history with the reason."""
    from mujun.services.figures import remove_figure

    with store_session() as session:
        remove_figure(session=session, actor=acting_user(session, as_user), uscc=uscc,
                      year=year, field=field, reason=reason)
    console().print(f"removed {uscc} {year} {field}")


@value_app.command("history")
def history_cmd(
    uscc: Annotated[str, typer.Option("--uscc", help="the enterprise's credit code")],
    year: Annotated[int | None, typer.Option("--year")] = None,
    as_user: AsUser = None,
) -> None:
    """Every value's history: who, when, which file, old → new, reason (newest first)."""
    from mujun.services.value_history import value_history

    with store_session() as session:
        events = value_history(session=session, actor=acting_user(session, as_user), uscc=uscc)
    table = Table(title=f"{uscc} value history")
    for name in ("year", "field", "at", "by", "file", "old", "new", "reason", "how"):
        table.add_column(name)
    for e in events:
        if year is not None and e.year != year:
            continue
        table.add_row(str(e.year), e.field, f"{e.at:%Y-%m-%d %H:%M}", e.who or "",
                      f"#{e.import_id} {e.file or ''}" if e.import_id else "",
                      "" if e.source == "current" else str(e.old), str(e.new), e.reason or "",
                      e.source)
    console().print(table)
