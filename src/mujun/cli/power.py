"""``mujun power``: the power department's monthly readings in the store, and the months they
monitor (docs/monitoring.md, "In the store"). The stateless rules on a file are ``mujun monitor``
(``cli/monitor.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from mujun.cli import inputs
from mujun.cli._store import AsUser, acting_user, console, err_console, store_session
from mujun.cli.imports import PHASES, change_table
from mujun.cli.main import app
from mujun.cli.progress import bar

if TYPE_CHECKING:
    from mujun.services.monitoring.alerts import MonthApplied
    from mujun.services.monitoring.readings import ReadingsImport

SHOWN = 30
#: what the progress display names each phase of an import (``import_readings``)
_PHASES = {**PHASES, "monitor": "监测 monitoring the new months"}

power_app = typer.Typer(no_args_is_help=True, help=r"""The power department's monthly readings
in the store (供电 月度用电量, docs/monitoring.md).

Examples:

    mujun power import 用电量-2025-12.xlsx --as power1
""")
app.add_typer(power_app, name="power")


@power_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(
        help="monthly readings: uscc, month, kwh (统一社会信用代码, 月份, 用电量(千瓦时)); "
        ".csv, .xlsx or .parquet", dir_okay=False)],
    first_month: Annotated[str | None, typer.Option(
        "--first-month", help="where monitoring starts in a store that has monitored no "
        "month yet: YYYY-MM [the newest month minus 11]")] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", help="error report path (default: <file>.errors.xlsx when rejected)")] = None,
    accept_changes: Annotated[bool, typer.Option(
        "--accept-changes", help="apply readings that differ from the stored ones "
        "(needs --reason)")] = False,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="why the stored readings change (kept with each change)")] = None,
    as_user: AsUser = None,
) -> None:
    r"""Import monthly power readings (月度用电量导入), then monitor the new months.

    All or nothing: any row error (with its line) refuses the file. New readings are added,
    months not in the file stay. A kWh that differs from the stored one refuses the whole file
    (the changes are listed) until --accept-changes --reason TEXT is given; the old value and the
    reason are kept. Then every month after the last monitored one, up to the newest with
    readings, gets its signals and opens or closes alerts (预警); the count per level of each is
    printed. A corrected month monitored already is not monitored again.
    Exit codes: 0 done (or nothing new); 1 refused (errors, or changes not accepted).

    Examples:

        mujun power import 用电量-2025-12.csv --as power1
        mujun power import 用电量-2024-2025.xlsx --first-month 2025-01
        mujun power import 用电量-2025-12.csv --accept-changes --reason "供电公司更正抄表"
    """
    from mujun.engine.monitoring import months
    from mujun.io.error_report import write_error_report
    from mujun.services.monitoring.readings import import_readings

    if accept_changes and not (reason or "").strip():
        inputs.fail("--accept-changes needs --reason TEXT")
    first = None
    if first_month is not None:
        index = months.parse(first_month)
        if index is None:
            inputs.fail(f"--first-month {first_month!r} is not a month (write it as 2025-01)")
        first = months.first_day(index)
    with store_session() as session:
        actor = acting_user(session, as_user)  # its error printed before the display starts
        with bar() as progress:
            task = progress.add_task(_PHASES["validate"], total=None)

            def show(phase: str, done: int, total: int) -> None:
                progress.update(task, description=_PHASES.get(phase, phase))
                progress.refresh()  # drawn even when the phase ends before the next refresh

            result = import_readings(session, file, actor=actor, first_month=first,
                                     accept_changes=accept_changes, reason=reason,
                                     progress=show)
    _print(result)
    if result.problems and (report is not None or not result.ok):
        path = report or file.with_name(f"{file.name}.errors.xlsx")
        write_error_report(path, result.problems, title=f"{file.name} · 月度用电量 导入校验结果")
        err_console().print(f"error report: {path}")
    if not result.ok or result.waiting:
        raise typer.Exit(1)


def _print(result: ReadingsImport) -> None:
    if result.problems:
        table = Table(title=f"{len(result.problems)} problem(s)", show_lines=False)
        for name in ("行 line", "列 column", "值 value", "原因 reason"):
            table.add_column(name)
        for p in result.problems[:SHOWN]:
            table.add_row("" if p.line is None else str(p.line), p.column or "",
                          "" if p.value is None else str(p.value)[:40], p.reason)
        err_console().print(table)
        if len(result.problems) > SHOWN:
            err_console().print(f"… and {len(result.problems) - SHOWN} more (see the error report)")
    if result.changes and (result.waiting or result.applied):
        change_table(result.changes, accepted=result.applied)
    if not result.ok:
        err_console().print(f"[red]rejected[/red]: {len(result.errors)} error(s) in "
                          f"{escape(result.file)}; nothing was imported")
        return
    if result.waiting:
        monitored = (f" ({result.changes_monitored} of months monitored already: they count "
                     "for later months only)" if result.changes_monitored else "")
        err_console().print(
            f"[yellow]refused[/yellow]: {len(result.changes)} reading(s) differ from the stored "
            f"ones{monitored}; nothing was imported. Check them, then import again with "
            '--accept-changes --reason "…"')
        return
    if not result.applied:
        console().print(f"no change: {escape(result.file)} matches the store "
                      f"({result.unchanged} readings)")
        return
    console().print(
        f"imported {escape(result.file)} (power readings, import #{result.batch_id}): "
        f"{result.inserted} new, {result.updated} changed, {result.unchanged} unchanged; "
        f"months {result.months[0]:%Y-%m} … {result.months[-1]:%Y-%m}")
    if result.monitored:
        console().print(_months_table(result.monitored))
    else:
        console().print("no new month to monitor")


def _months_table(done: list[MonthApplied]) -> Table:
    from mujun.engine.monitoring import LEVELS
    from mujun.engine.monitoring.labels import LEVEL_ZH

    table = Table(title=f"电力监测 {len(done)} month(s) monitored", title_justify="left")
    table.add_column("月份 month")
    for level in LEVELS:
        table.add_column(f"{LEVEL_ZH[level]}", justify="right")
    table.add_column("预警 opened", justify="right")
    table.add_column("解除 closed", justify="right")
    for m in done:
        table.add_row(f"{m.month:%Y-%m}", *(str(m.counts[level]) for level in LEVELS),
                      str(m.opened), str(m.closed))
    return table
