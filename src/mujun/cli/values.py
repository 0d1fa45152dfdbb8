"""``mujun value``: explicit acts on one stored value (an import never removes one)."""

from __future__ import annotations

from typing import Annotated

import typer

from mujun.cli._store import AsUser, acting_user, console, store_session
from mujun.cli.main import app
from mujun.services.figures import remove_figure

value_app = typer.Typer(help="Stored values: remove one, with a reason (audited).",
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
    with store_session() as session:
        remove_figure(session=session, actor=acting_user(session, as_user), uscc=uscc,
                      year=year, field=field, reason=reason)
    console.print(f"removed {uscc} {year} {field}")
