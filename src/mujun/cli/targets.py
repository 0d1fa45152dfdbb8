"""``mujun targets``: the county's targets of a year (docs/targets.md), as the pages show them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from mujun.cli._store import AsUser, acting_user, console, store_session
from mujun.cli.main import app

if TYPE_CHECKING:
    from mujun.services.targets.report import TargetPublic, TargetsPublic


def _value(value: float | None, unit: str) -> str:
    from mujun.io.number_formats import number

    return number(value, 0 if unit == "人" else 2)


def _table(title: str, rows: list[TargetPublic]) -> Table:
    from mujun.io.number_formats import MISSING, percent

    table = Table(title=title)
    # the keys stay whole (scripts read them); the other columns give way on a narrow terminal
    table.add_column("key", no_wrap=True, min_width=max((len(t.key) for t in rows), default=3))
    for name in ("title", "unit", "value", "goal", "progress", "actual growth", "projection",
                 "on track"):
        table.add_column(name, justify="left" if name in ("title", "unit") else "right")
    for t in rows:
        on_track = MISSING if t.on_track is None else "yes" if t.on_track else "no"
        missing = f" (no data: {', '.join(t.missing)})" if t.missing else ""
        table.add_row(t.key, t.title + missing, t.unit, _value(t.value, t.unit),
                      _value(t.goal, t.unit), percent(t.progress, 1), percent(t.actual_growth),
                      _value(t.projection, t.unit), on_track)
    return table


def _series(data: TargetsPublic) -> Table:
    table = Table(title="yearly series")
    years = [p.year for p in data.doubling[0].series] if data.doubling else []
    keys = [t.key for t in [*data.doubling, *data.programme]]
    table.add_column("key", no_wrap=True, min_width=max(map(len, keys), default=3))
    for y in years:
        table.add_column(str(y), justify="right")
    for t in [*data.doubling, *data.programme]:
        table.add_row(t.key, *(_value(p.value, t.unit) for p in t.series))
    return table


@app.command("targets")
def targets_cmd(
    year: Annotated[int | None, typer.Option(
        "--year", help="the year (default: the latest year with a published run)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")] = False,
    as_user: AsUser = None,
) -> None:
    """The targets of a year: 五个翻番 and 个十百千万亿 with value, goal, progress and series.

    Every figure of a published year comes from that year's published run, so it never moves
    after a later import. 规上工业产值 is counted as revenue (the tables have no gross output).

    Examples:

        mujun targets --year 2025
        mujun targets --year 2025 --json
    """
    from mujun.io.number_formats import number
    from mujun.services.targets.report import targets

    with store_session() as session:
        data = targets(session=session, actor=acting_user(session, as_user), year=year)
    if as_json:
        typer.echo(data.model_dump_json(indent=2))
        return
    run = data.run.title if data.run else "no published run"
    console().print(f"targets {data.year} · {run} · policy {data.policy_name} · "
                  f"{data.base_year} → {data.target_year}, counted from {data.programme_from}")
    console().print(_table("五个翻番 (double the base year's value)", data.doubling))
    console().print(_table("个十百千万亿", data.programme))
    talent = next((t for t in data.programme if t.key == "talent"), None)
    if talent and talent.categories:
        six = Table(title="六百工程 (100 each)")
        for name in ("key", "title", "value", "goal"):
            six.add_column(name)
        for c in talent.categories:
            six.add_row(c.key, c.title, number(c.value, 0), str(c.goal))
        console().print(six)
    console().print(_series(data))
    console().print(f"note: {data.note}")
