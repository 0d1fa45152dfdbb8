"""The ``mujun`` command: a thin Typer app; each command family lives in its own module."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="mujun",
    help="亩均论英雄 — per-mu efficiency evaluation of industrial enterprises (mujun).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command families register themselves on `app` (one import line each).
import mujun.cli.backup  # noqa: E402
import mujun.cli.db  # noqa: E402
import mujun.cli.demo  # noqa: E402
import mujun.cli.demo_data  # noqa: E402
import mujun.cli.evaluate  # noqa: E402
import mujun.cli.imports  # noqa: E402
import mujun.cli.incidents  # noqa: E402
import mujun.cli.policy  # noqa: E402
import mujun.cli.runs  # noqa: E402
import mujun.cli.serve  # noqa: E402
import mujun.cli.template  # noqa: E402
import mujun.cli.users  # noqa: E402
import mujun.cli.values  # noqa: E402, F401
