"""The ``mujun`` command: a thin Typer app; each command family lives in its own module."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from mujun.cli import progress

# Polars' allocator (jemalloc) keeps the pages a command frees for seconds, so the text cells of a
# province's file, read and dropped, would still count while the engine runs: give them back at
# once (docs/benchmarks.md, memory). Read when Polars loads, which no command does before this.
# (The evaluation commands do the same for DuckDB's and Arrow's allocators: cli/evaluate.py.)
GIVE_BACK = "dirty_decay_ms:0,muzzy_decay_ms:0"
os.environ.setdefault("_RJEM_MALLOC_CONF", GIVE_BACK)
# numpy's OpenBLAS starts a thread per CPU when numpy is imported (pyarrow imports it), and they
# spin a while: ≈ 0.1 s of CPU per command on 2 CPUs for nothing, as mujun does no linear
# algebra (docs/benchmarks.md, "Start-up"). Read when numpy loads, which no command does before.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

app = typer.Typer(
    name="mujun",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


@app.callback()
def main(
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="no progress display (also MUJUN_PROGRESS=never)")] = False,
    show_progress: Annotated[bool, typer.Option(
        "--progress", help="draw progress even when standard error is not a terminal "
        "(also MUJUN_PROGRESS=always)")] = False,
) -> None:
    """亩均论英雄 — per-mu efficiency evaluation of industrial enterprises (mujun).

    Without a store: demo-data, evaluate, explain, whatif, policy. With the store (SQLite file
    mujun.db here, or MUJUN_DATABASE_URL): serve, demo, import, power, run, targets, backup,
    restore, user.
    Long commands draw progress on standard error when it is a terminal.

    Examples:

        mujun demo-data --out demo
        mujun evaluate --year 2024 --data demo/enterprises-2024.csv --out r.xlsx
        mujun serve --port 8000
        mujun COMMAND --help
    """
    progress.set_mode("never" if quiet else "always" if show_progress else None)


# Command families register themselves on `app` (one import line each).
import mujun.cli.backup  # noqa: E402
import mujun.cli.db  # noqa: E402
import mujun.cli.demo  # noqa: E402
import mujun.cli.demo_data  # noqa: E402
import mujun.cli.evaluate  # noqa: E402
import mujun.cli.imports  # noqa: E402
import mujun.cli.incidents  # noqa: E402
import mujun.cli.land  # noqa: E402
import mujun.cli.land_store  # noqa: E402
import mujun.cli.monitor  # noqa: E402
import mujun.cli.policy  # noqa: E402
import mujun.cli.power  # noqa: E402
import mujun.cli.runs  # noqa: E402
import mujun.cli.serve  # noqa: E402
import mujun.cli.targets  # noqa: E402
import mujun.cli.template  # noqa: E402
import mujun.cli.users  # noqa: E402
import mujun.cli.values  # noqa: E402, F401
