"""``mujun serve``: the web application on the store, with the demo county when it is empty."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from mujun.cli._store import console, err_console, store_session
from mujun.cli.main import app
from mujun.store.settings import get_settings


def _store_is_empty() -> bool:
    from sqlalchemy import func, select

    from mujun.store.models import Enterprise

    with store_session() as session:
        return not session.scalar(select(func.count(Enterprise.id)))


def _admin_has_password(session: Session) -> bool:
    from mujun.services.users import ensure_admin

    return bool(ensure_admin(session=session).password_hash)


def _load_demo() -> None:
    from mujun.demo.county import DEFAULT_SEED
    from mujun.demo.generate import generate
    from mujun.services.demo import load_demo
    from mujun.services.users import ensure_admin

    started = time.perf_counter()
    err_console.print("the store is empty: loading the demo county 松阳县 (about a minute)…")
    with store_session() as session, tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), DEFAULT_SEED)
        load_demo(session=session, actor=ensure_admin(session=session), folder=Path(tmp),
                  say=lambda step: err_console.print(
                      f"[dim]{time.perf_counter() - started:6.1f}s[/dim] {step}"))


def _install_echarts() -> None:
    """``npm ci`` for the front-end's packages (ECharts) when npm is at hand; a fresh clone
    then serves charts without a separate step. Failure is reported, not fatal."""
    import shutil
    import subprocess

    from mujun.web.assets import FRONTEND

    npm = shutil.which("npm")
    if npm is None or not (FRONTEND / "package-lock.json").exists():
        return
    err_console.print("installing ECharts from the npm registry (npm ci)…")
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=FRONTEND,
                          check=False, capture_output=True, text=True)
    if done.returncode != 0:
        err_console.print(f"[yellow]npm ci failed:[/yellow] {done.stderr.strip()[-500:]}")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port to listen on")] = 8000,
    demo: Annotated[bool, typer.Option(
        "--demo/--no-demo", help="load the demo county when the store is empty")] = True,
) -> None:
    """Serve the web application: upgrade the store, load the demo county if it is empty, print
    one demo account per role, and listen on http://HOST:PORT."""
    import uvicorn

    from mujun.services.demo_accounts import ensure_demo_accounts, existing_demo_accounts
    from mujun.store.db import get_engine
    from mujun.web.app import create_app
    from mujun.web.assets import MISSING_MESSAGE, echarts_path

    engine = get_engine(upgrade=True)
    loaded = demo and _store_is_empty()
    if loaded:
        _load_demo()
    # Demo accounts are made on a store this command filled with the demo county, or one where
    # nobody can sign in on the web yet (e.g. filled by `mujun demo`), never in production; on
    # any other store only accounts still holding the demo password are listed, as a warning.
    with store_session() as session:
        fresh = loaded or not _admin_has_password(session)
        if fresh and get_settings().environment != "production":
            accounts = ensure_demo_accounts(session=session)
        else:
            accounts = existing_demo_accounts(session=session)
    if accounts:
        console.print("demo accounts (user name / password):")
        for a in accounts:
            console.print(f"  {a.role:<10} {a.username:<12} {a.password}   scope: {a.scope}")
    if not echarts_path().exists():
        _install_echarts()
    if not echarts_path().exists():
        err_console.print(f"[yellow]warning:[/yellow] {MISSING_MESSAGE}")
    console.print(f"store: {get_settings().database_url}")
    console.print(f"serving on http://{host}:{port}")
    uvicorn.run(create_app(engine=engine), host=host, port=port, log_level="warning")
