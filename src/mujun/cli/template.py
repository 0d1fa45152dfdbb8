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
    monthly: Annotated[bool, typer.Option(
        "--monthly", help="the power department's monthly readings (月度用电量; -d power)")
    ] = False,
) -> None:
    """Write the import template (导入模板) of a department: columns, checks, instructions.

    The clerk fills in the first sheet and gives the file to `mujun import` (or the web).

    Examples:

        mujun template -d tax --year 2024
        mujun template -d safety -o safety.xlsx
        mujun template -d land --parcels
        mujun template -d power --monthly
    """
    dept = DEPARTMENTS.get(department)
    if dept is None:
        typer.echo(f"error: unknown department {department!r} (known: {', '.join(DEPARTMENTS)})",
                   err=True)
        raise typer.Exit(2)
    for flag, wanted, owner, default in (("--parcels", parcels, "land", "land-parcels.xlsx"),
                                         ("--monthly", monthly, "power", "power-monthly.xlsx")):
        if not wanted:
            continue
        if dept.code != owner:
            typer.echo(f"error: {flag} is the {owner} department's template (-d {owner})",
                       err=True)
            raise typer.Exit(2)
        if owner == "land":
            from mujun.io.parcel_template import write_parcel_template as write
        else:
            from mujun.io.power_template import write_power_template as write
        typer.echo(f"wrote {write(out or Path(default))}")
        return
    path = out or Path(f"{dept.code}{f'-{year}' if year else ''}.xlsx")
    write_department_template(path, dept, year)
    typer.echo(f"wrote {path}")
