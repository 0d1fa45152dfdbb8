"""``mujun incident``: list a year's incidents and withdraw one (撤销), with a reason."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from mujun.cli._store import AsUser, acting_user, console, store_session
from mujun.cli.layout import add_code_column, add_fixed_column, add_text_column
from mujun.cli.main import app

incident_app = typer.Typer(help="""Incidents in the store: list, withdraw (imports only add).

A withdrawn incident (撤销) stays on record and no longer counts in new runs.

Examples:

    mujun incident list --year 2024 -d safety
    mujun incident withdraw 12 --reason "复议撤销"
""",
                           no_args_is_help=True)
app.add_typer(incident_app, name="incident")


@incident_app.command("list")
def list_cmd(
    year: Annotated[int, typer.Option("--year")],
    department: Annotated[str | None, typer.Option("--department", "-d")] = None,
    as_user: AsUser = None,
) -> None:
    """The year's incidents with their ids, withdrawn ones marked."""
    from mujun.services.incidents import list_incidents

    with store_session() as session:
        found = list_incidents(session=session, actor=acting_user(session, as_user), year=year,
                               department=department)
    table = Table(title=f"{len(found)} incident(s) of {year}")
    add_fixed_column(table, "id", right=True)
    add_code_column(table, "uscc")
    for name in ("type", "date"):
        add_fixed_column(table, name)
    for name in ("note", "dept", "withdrawn"):
        add_text_column(table, name)
    for i in found:
        table.add_row(str(i.id), i.uscc, i.type, str(i.date or ""), i.note or "", i.department,
                      f"{i.withdrawn_at:%Y-%m-%d}: {i.withdrawn_reason}" if i.withdrawn_at else "")
    console().print(table)


@incident_app.command("withdraw")
def withdraw_cmd(
    incident_id: Annotated[int, typer.Argument(help="the incident's id (mujun incident list)")],
    reason: Annotated[str, typer.Option("--reason", help="why it is withdrawn")],
    as_user: AsUser = None,
) -> None:
    """Withdraw an incident: it stays on record and no longer counts in runs created afterwards."""
    from mujun.services.incidents import withdraw_incident

    with store_session() as session:
        withdraw_incident(session=session, actor=acting_user(session, as_user),
                          incident_id=incident_id, reason=reason)
    console().print(f"withdrew incident #{incident_id}")
