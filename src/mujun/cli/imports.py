"""``mujun import``: a department's file into the store, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from mujun.cli._store import AsUser, acting_user, console, err_console, store_session
from mujun.cli.layout import WIDE, add_code_column, add_fixed_column, add_text_column
from mujun.cli.main import app
from mujun.cli.progress import bar
from mujun.services.departments import DEPARTMENTS

if TYPE_CHECKING:
    from mujun.io.problems import Problem
    from mujun.services.imports import ImportResult, ValueChange

SHOWN = 30
PHASES = {"validate": "校验 validating", "apply": "写入 applying"}


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="the department's .xlsx or .csv")],
    year: Annotated[int, typer.Option("--year", help="the year the figures are for")],
    department: Annotated[str, typer.Option("--department", "-d",
                                            help=f"one of {', '.join(DEPARTMENTS)}")],
    report: Annotated[Path | None, typer.Option(
        "--report", help="error report path (default: <file>.errors.xlsx when rejected)")] = None,
    accept_changes: Annotated[bool, typer.Option(
        "--accept-changes", help="apply values that differ from the stored ones (needs --reason)")
    ] = False,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="why the stored values change (kept with each change)")] = None,
    as_user: AsUser = None,
) -> None:
    r"""Import a department's file (部门数据导入): check it all, then apply all or nothing.

    An empty cell leaves the stored value alone; incidents are only added. A value that differs
    from the stored one refuses the whole file until --accept-changes --reason TEXT is given.
    A rejected file gets an error report (.errors.xlsx) naming each row and column.

    Examples:

        mujun template -d tax --year 2024
        mujun import tax-2024.xlsx --year 2024 -d tax
        mujun import tax-2024.xlsx --year 2024 -d tax \
            --accept-changes --reason "税务局更正"
    """
    from mujun.io.error_report import write_error_report
    from mujun.services.imports import import_file

    if accept_changes and not (reason or "").strip():
        err_console().print("error: --accept-changes needs --reason TEXT")
        raise typer.Exit(2)
    with store_session() as session:
        actor = acting_user(session, as_user)
        with bar() as progress:
            task = progress.add_task(PHASES["validate"], total=None)

            def show(phase: str, done: int, total: int) -> None:
                progress.update(task, description=PHASES.get(phase, phase), completed=done,
                                total=total or None)

            result = import_file(session=session, actor=actor, path=file,
                                 department_code=department, year=year, progress=show,
                                 accept_changes=accept_changes, reason=reason)
    _print(result)
    if result.problems and (report is not None or not result.ok):
        path = report or file.with_name(f"{file.name}.errors.xlsx")
        write_error_report(path, result.problems,
                           title=f"{file.name} · {department} · {year} 导入校验结果")
        err_console().print(f"error report: {path}")
    if not result.ok or result.waiting:
        raise typer.Exit(1)


def _print(result: ImportResult) -> None:
    if result.problems:
        _problem_table(result.errors or result.warnings)
    if result.changes and (result.waiting or result.applied):
        change_table(result.changes, accepted=result.applied)
    if not result.ok:
        err_console().print(f"[red]rejected[/red]: {len(result.errors)} error(s) in {result.file}; "
                          "nothing was imported")
    elif result.waiting:
        err_console().print(
            f"[yellow]refused[/yellow]: {len(result.changes)} value(s) differ from the stored "
            "ones; nothing was imported. Check them, then import again with "
            "--accept-changes --reason TEXT")
    elif result.applied and result.kind == "parcels":
        console().print(
            f"imported {result.file} (land parcels, import #{result.batch_id}): "
            f"{result.inserted} parcels added, {result.updated} values changed, "
            f"{result.unchanged} unchanged values"
        )
    elif result.applied:
        console().print(
            f"imported {result.file} ({result.department} {result.year}, import "
            f"#{result.batch_id}): {result.inserted} new, {result.updated} changed, "
            f"{result.unchanged} unchanged values; {result.enterprises_created} enterprises "
            f"added; incidents +{result.incidents_added}"
        )
    else:
        console().print(f"no change: {result.file} matches the store ({result.unchanged} values)")


def _shown(value: object) -> str:
    return "(empty)" if value is None else str(value)


def change_table(changes: list[ValueChange], *, accepted: bool) -> None:
    out = console() if accepted else err_console()
    title = f"{len(changes)} changed value(s)" + (" — accepted" if accepted else "")
    table = Table(title=title, show_lines=False)
    add_fixed_column(table, "行 line", right=True)
    add_code_column(table)
    named = out.width >= WIDE  # the code identifies the enterprise; its name where there is room
    if named:
        add_text_column(table, "企业 enterprise")
    for name in ("字段 field", "库中 stored → 新 new", "来自 set by"):
        add_text_column(table, name)
    for c in changes[:SHOWN]:
        by = f"import #{c.import_id} {c.import_file or ''}" if c.import_id else "edit"
        table.add_row(str(c.line), c.uscc, *([c.name or ""] if named else []),
                      f"{c.header} ({c.field}{f' {c.month:%Y-%m}' if c.month else ''})",
                      f"{_shown(c.old)} → {_shown(c.new)}", by)
    out.print(table)
    if len(changes) > SHOWN:
        err_console().print(f"… and {len(changes) - SHOWN} more")


def _problem_table(problems: list[Problem]) -> None:
    table = Table(title=f"{len(problems)} problem(s)", show_lines=False)
    for name in ("行 line", "列 column", "值 value", "原因 reason"):
        table.add_column(name)
    for p in problems[:SHOWN]:
        table.add_row("" if p.line is None else str(p.line), p.column or "",
                      "" if p.value is None else str(p.value)[:40], p.reason)
    err_console().print(table)
    if len(problems) > SHOWN:
        err_console().print(f"… and {len(problems) - SHOWN} more (see the error report)")
