"""``mujun import``: a department's file into the store, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from mujun.cli._store import AsUser, acting_user, console, err_console, store_session
from mujun.cli.main import app
from mujun.io.error_report import write_error_report
from mujun.io.problems import Problem
from mujun.services.departments import DEPARTMENTS
from mujun.services.imports import ImportResult, import_file

SHOWN = 30
_PHASES = {"validate": "校验 validating", "apply": "写入 applying"}


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="the department's .xlsx or .csv")],
    year: Annotated[int, typer.Option("--year", help="the year the figures are for")],
    department: Annotated[str, typer.Option("--department", "-d",
                                            help=f"one of {', '.join(DEPARTMENTS)}")],
    report: Annotated[Path | None, typer.Option(
        "--report", help="error report path (default: <file>.errors.xlsx when rejected)")] = None,
    as_user: AsUser = None,
) -> None:
    """Validate the whole file, then apply it in one transaction or not at all."""
    with store_session() as session:
        actor = acting_user(session, as_user)
        with _progress() as progress:
            task = progress.add_task(_PHASES["validate"], total=None)

            def show(phase: str, done: int, total: int) -> None:
                progress.update(task, description=_PHASES.get(phase, phase), completed=done,
                                total=total or None)

            result = import_file(session=session, actor=actor, path=file,
                                 department_code=department, year=year, progress=show)
    _print(result)
    if result.problems and (report is not None or not result.ok):
        path = report or file.with_name(f"{file.name}.errors.xlsx")
        write_error_report(path, result.problems,
                           title=f"{file.name} · {department} · {year} 导入校验结果")
        err_console.print(f"error report: {path}")
    if not result.ok:
        raise typer.Exit(1)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                    TimeElapsedColumn(), console=err_console, transient=True)


def _print(result: ImportResult) -> None:
    if result.problems:
        _problem_table(result.errors or result.warnings)
    if not result.ok:
        err_console.print(f"[red]rejected[/red]: {len(result.errors)} error(s) in {result.file}; "
                          "nothing was imported")
    elif result.applied:
        console.print(
            f"imported {result.file} ({result.department} {result.year}, import "
            f"#{result.batch_id}): {result.inserted} new, {result.updated} changed, "
            f"{result.unchanged} unchanged values; {result.enterprises_created} enterprises "
            f"added; incidents +{result.incidents_added} −{result.incidents_removed}"
        )
    else:
        console.print(f"no change: {result.file} matches the store ({result.unchanged} values)")


def _problem_table(problems: list[Problem]) -> None:
    table = Table(title=f"{len(problems)} problem(s)", show_lines=False)
    for name in ("行 line", "列 column", "值 value", "原因 reason"):
        table.add_column(name)
    for p in problems[:SHOWN]:
        table.add_row("" if p.line is None else str(p.line), p.column or "",
                      "" if p.value is None else str(p.value)[:40], p.reason)
    err_console.print(table)
    if len(problems) > SHOWN:
        err_console.print(f"… and {len(problems) - SHOWN} more (see the error report)")
