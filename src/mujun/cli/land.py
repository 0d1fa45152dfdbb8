"""``mujun land``: the land rules of land.md on files — ``idle`` (§2) and ``review`` (§3).

Stateless like ``mujun evaluate``: files in, one result file out, a summary printed. The rules
are ``engine/land``'s; the files are read by ``io/land.py`` and ``io/projects.py``. Other land
commands (the store's reviews) register on :data:`land_app`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from mujun.cli import inputs
from mujun.cli.main import app

if TYPE_CHECKING:  # the rules and the readers are imported when a command runs
    import pyarrow as pa

    from mujun.io.land import ParcelInput
    from mujun.io.problems import HasProblems

land_app = typer.Typer(no_args_is_help=True, help=r"""Land rules on files (docs/land.md).

闲置土地 (idle land) on a day D and the yearly 标准地 达产复核 (review of commitments).

Examples:

    mujun land idle --as-of 2025-12-31 --parcels demo/parcels.geojson \
        --out idle.csv
    mujun land review --year 2025 --data demo/enterprises-2025.csv \
        --commitments demo/standard_land.csv --parcels demo/parcels.geojson \
        --projects demo/projects.csv --out review.csv
""")
app.add_typer(land_app, name="land")

R = TypeVar("R", bound="HasProblems")


def _out() -> Console:
    return Console(highlight=False)


ParcelsFile = Annotated[Path, typer.Option(
    "--parcels", help="parcels: .geojson, .csv or .xlsx (land.md §1 keys or Chinese headers)",
    dir_okay=False)]
PolicyRef = Annotated[str | None, typer.Option(
    "--policy", help="shipped policy name or YAML file; its land: section [zhejiang-template]")]
OutFile = Annotated[Path, typer.Option(
    "--out", help="result file: .csv, .xlsx or .parquet", dir_okay=False)]


def _day(text: str) -> date:
    import polars as pl

    from mujun.io.parsing import parse_date

    parsed = parse_date(pl.Series("as_of", [text], dtype=pl.String))
    value = parsed.values[0]
    if parsed.bad[0] or not isinstance(value, date):
        inputs.fail(f"--as-of {text!r} is not a date (write it as 2025-12-31)")
    return value


def _read(read: Callable[[Path], R], path: Path) -> R:
    """``read(path)``, its problems on standard error; a file that cannot be read ends here."""
    from mujun.io import InputError

    try:
        result = read(path)
    except InputError as exc:
        inputs.fail(str(exc))
    inputs.report_problems(result.problems)
    return result


def _parcels(path: Path) -> ParcelInput:
    from mujun.io.land import read_parcels

    return _read(read_parcels, path)


def _write(table: pa.Table, path: Path) -> None:
    from mujun.io import OutputError, write_results

    try:
        written = write_results(table, path)
    except OutputError as exc:
        inputs.fail(str(exc))
    _out().print(f"wrote {written}")


@land_app.command("idle")
def idle_command(
    as_of: Annotated[str, typer.Option("--as-of", help="the day D the status is for")],
    parcels: ParcelsFile,
    out_file: OutFile,
    policy: PolicyRef = None,
) -> None:
    r"""闲置土地: each parcel's status on day D (land.md §2) and the idle fee.

    Writes one row per parcel (row errors are reported on standard error and left out), in
    input order: parcel_id, owner_uscc, zone, area_mu, agreed_start, construction_start,
    status, days_past_agreed, idle_fee_wan. Prints the count and 亩 of each status and the
    total fee. Exit codes: 0 done; 2 bad input (date, policy, unreadable file, output).

    Examples:

        mujun land idle --as-of 2025-12-31 --parcels demo/parcels.geojson --out idle.csv
        mujun land idle --as-of 2025-12-31 --parcels 地块.xlsx \
            --policy my-county.yaml --out idle.xlsx
    """
    from mujun.engine.land import idle_rows
    from mujun.engine.land.labels import IDLE_STATUS_ZH
    from mujun.engine.land.tables import idle_summary, idle_table
    from mujun.io.number_formats import mu, number

    day = _day(as_of)
    rules = inputs.policy(policy).policy.land
    read = _parcels(parcels)
    rows = idle_rows(read.parcels, day, rules=rules)
    summary = idle_summary(rows)
    table = Table(title=f"闲置土地 idle land as of {day.isoformat()} · {len(rows)} parcels",
                  title_justify="left")
    table.add_column("状态 status")
    table.add_column("地块 parcels", justify="right")
    table.add_column("亩 mu", justify="right")
    for status, found in summary.statuses.items():
        table.add_row(f"{IDLE_STATUS_ZH[status]} {status}", str(found.count), mu(found.area_mu))
    _out().print(table)
    _out().print(f"土地闲置费 idle fees: {number(summary.total_fee_wan, 4)} 万元; "
                 f"row errors left out: {len(read.errors)}")
    _write(idle_table(rows), out_file)


@land_app.command("review")
def review_command(
    year: Annotated[int, typer.Option("--year", help="the review year Y")],
    data: Annotated[Path, typer.Option(
        "--data", help="year-Y enterprise table (.csv, .xlsx or .parquet)", dir_okay=False)],
    commitments: Annotated[Path, typer.Option(
        "--commitments", help="标准地 commitments (standard_land.csv)", dir_okay=False)],
    parcels: ParcelsFile,
    projects: Annotated[Path, typer.Option(
        "--projects", help="projects (projects.csv): actual investment per parcel",
        dir_okay=False)],
    out_file: OutFile,
    policy: PolicyRef = None,
) -> None:
    r"""标准地 达产复核: review each commitment for year Y (land.md §3).

    Writes one row per commitment, in input order: parcel_id, owner_uscc, review_year,
    review_status, committed/actual/status of each measure (investment_intensity, plot_ratio,
    tax_per_mu, energy_per_va), the penalties, total_penalty_wan and breaches. Prints the
    reviews due, the breaches and the penalties. Row errors of any file are reported on
    standard error and left out. Exit codes: 0 done; 2 bad input.

    Example:

        mujun land review --year 2025 --data demo/enterprises-2025.csv \
            --commitments demo/standard_land.csv --parcels demo/parcels.geojson \
            --projects demo/projects.csv --out review.csv
    """
    from mujun.engine.land import review
    from mujun.engine.land.enterprises import enterprise_years
    from mujun.engine.land.labels import MEASURE_ZH, REVIEW_STATUS_ZH
    from mujun.engine.land.tables import review_summary, review_table
    from mujun.io import read_enterprises
    from mujun.io.land import read_standard_land
    from mujun.io.number_formats import number
    from mujun.io.projects import read_projects

    rules = inputs.policy(policy).policy.land
    read = _parcels(parcels)
    promised = _read(
        lambda p: read_standard_land(p, parcels={r.parcel_id for r in read.parcels}),
        commitments)
    enterprises = _read(read_enterprises, data)
    invested = _read(read_projects, projects)
    rows = review(
        [r.commitment for r in promised.records], read.parcels,
        enterprise_years(enterprises.table),
        [(p.parcel_id, p.actual_investment_wan) for p in invested.records if p.parcel_id],
        year=year, rules=rules)
    s = review_summary(rows)
    table = Table(title=f"{year} 年标准地达产复核 review", title_justify="left")
    table.add_column("复核 review")
    table.add_column("承诺 commitments", justify="right")
    for status, n in s.statuses.items():
        table.add_row(f"{REVIEW_STATUS_ZH[status]} {status}", str(n))
    table.add_row("合计 total", str(len(rows)))
    _out().print(table)
    breaches = ", ".join(f"{MEASURE_ZH[m]} {m} {n}" for m, n in s.breaches.items())
    _out().print(f"due reviews with a breach: {s.breached}; breaches: {breaches}")
    penalties = ", ".join(f"{m} {number(v, 4)}" for m, v in s.penalties.items())
    _out().print(f"违约金 penalties: {number(s.total_penalty_wan, 4)} 万元 ({penalties})")
    errors = sum(len(f.errors) for f in (read, promised, enterprises, invested))
    _out().print(f"row errors left out: {errors}")
    _write(review_table(rows), out_file)
