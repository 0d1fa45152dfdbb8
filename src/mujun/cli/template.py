"""``mujun template``: the .xlsx a department's clerk fills in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mujun.cli.main import app
from mujun.services.departments import DEPARTMENTS, write_department_template


@app.command("template")
def template_cmd(
    department: Annotated[str, typer.Option("--department", "-d",
                                            help=f"one of {', '.join(DEPARTMENTS)}")],
    year: Annotated[int | None, typer.Option("--year", help="the year the figures are for")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="where to write (default: <department>[-<year>].xlsx)")] = None,
    parcels: Annotated[bool, typer.Option(
        "--parcels", help="the land department's parcels template (地块; -d land)")] = False,
) -> None:
    """Write the import template (导入模板) of a department: columns, checks, instructions.

    The clerk fills in the first sheet and gives the file to `mujun import` (or the web).

    Examples:

        mujun template -d tax --year 2024
        mujun template -d safety -o safety.xlsx
        mujun template -d land --parcels
    """
    dept = DEPARTMENTS.get(department)
    if dept is None:
        typer.echo(f"error: unknown department {department!r} (known: {', '.join(DEPARTMENTS)})",
                   err=True)
        raise typer.Exit(2)
    if parcels:
        if dept.code != "land":
            typer.echo("error: --parcels is the land department's template (-d land)", err=True)
            raise typer.Exit(2)
        from mujun.io.parcel_template import write_parcel_template

        typer.echo(f"wrote {write_parcel_template(out or Path('land-parcels.xlsx'))}")
        return
    path = out or Path(f"{dept.code}{f'-{year}' if year else ''}.xlsx")
    write_department_template(path, dept, year)
    typer.echo(f"wrote {path}")
