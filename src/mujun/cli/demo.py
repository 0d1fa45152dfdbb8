"""``mujun demo``: a store holding the demo county 松阳县, ready to explore."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from mujun.cli._store import console, err_console, store_session, store_text
from mujun.cli.main import app
from mujun.cli.progress import stages
from mujun.demo.county import DEFAULT_SEED

#: what a store has before any data: users, the audit trail, sign-in state
SIGN_IN_TABLES = ("users", "audit", "web_sessions", "sign_in_throttles")


@app.command("demo")
def demo_cmd(
    data: Annotated[Path | None, typer.Option(
        "--data", help="use demo files already written by `mujun demo-data` (default: generate)",
        file_okay=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="seed of the generated county")]
    = DEFAULT_SEED,
) -> None:
    """Create the store and load the demo county 松阳县 into it (about a minute).

    2020–2025 figures go through the department imports; runs 2020–2024 are final, the 2025 run
    is in public notice (公示) with appeals. The store must be empty.

    Examples:

        mujun demo
        MUJUN_DATABASE_URL=sqlite:///demo.db mujun demo --data demo
    """
    started = time.perf_counter()
    from mujun.demo.generate import generate
    from mujun.services.backup import row_counts
    from mujun.services.demo import load_demo
    from mujun.services.users import ensure_admin

    with store_session() as session:
        if any(n for name, n in row_counts(session).items() if name not in SIGN_IN_TABLES):
            err_console().print(f"the store ({store_text()}) already holds data; "
                              "point MUJUN_DATABASE_URL at a new one")
            raise typer.Exit(1)
        admin = ensure_admin(session=session)
        with tempfile.TemporaryDirectory() as tmp, stages("demo county files") as step:
            folder = data or Path(tmp)
            if data is None:
                generate(folder, seed)
            load_demo(session=session, actor=admin, folder=folder, say=step)
    console().print(f"demo county loaded into {store_text()} in "
                  f"{time.perf_counter() - started:.1f}s — try `mujun run list`")
