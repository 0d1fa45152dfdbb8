"""``mujun demo-data``: write the synthetic demo county 松阳县 (331124) to a directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mujun.cli.main import app
from mujun.cli.progress import bar
from mujun.demo.county import DEFAULT_SEED


@app.command("demo-data")
def run(
    out: Annotated[Path, typer.Option("--out", help="directory to write the files into (created)",
                                      file_okay=False)],
    seed: Annotated[int, typer.Option("--seed", help="random seed; same seed, same bytes")]
    = DEFAULT_SEED,
) -> None:
    """Write the demo county 松阳县 (331124), 2020–2025: enterprise tables, incidents, parcels…

    The county is synthetic (docs/demo-data.md); the same seed writes the same bytes.

    Examples:

        mujun demo-data --out demo
        mujun demo-data --out demo-7 --seed 7
    """
    from mujun.demo.generate import OUTPUT_FILES, generate

    console = Console()
    with bar() as progress:
        task = progress.add_task("demo county", total=len(OUTPUT_FILES) + 1)

        def step(name: str) -> None:
            progress.update(task, description=name, advance=1)
            progress.refresh()

        paths = generate(out, seed, progress=step)
    table = Table(title=f"demo county 松阳县, seed {seed}: {out}")
    table.add_column("file")
    table.add_column("bytes", justify="right")
    for path in paths:
        table.add_row(path.name, f"{path.stat().st_size:,}")
    console.print(table)
