"""``mujun serve``: the web application on the store, with the demo county when it is empty."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mujun.cli._store import console, err_console, store_session, store_text
from mujun.cli.main import app
from mujun.cli.progress import stages

if TYPE_CHECKING:
    from mujun.services.first_start import FirstStart


def _store_is_empty() -> bool:
    from sqlalchemy import func, select

    from mujun.store.models import Enterprise

    with store_session() as session:
        return not session.scalar(select(func.count(Enterprise.id)))


def _load_demo() -> None:
    from mujun.demo.county import DEFAULT_SEED
    from mujun.demo.generate import generate
    from mujun.services.demo import load_demo
    from mujun.services.users import ensure_admin

    err_console().print("the store is empty: loading the demo county 松阳县 (about a minute)…")
    with (store_session() as session, tempfile.TemporaryDirectory() as tmp,
          stages("demo county files") as step):
        generate(Path(tmp), DEFAULT_SEED)
        load_demo(session=session, actor=ensure_admin(session=session), folder=Path(tmp),
                  say=step)


def _install_echarts() -> None:
    """``npm ci`` for the front-end's packages (ECharts) when npm is at hand; a fresh clone
    then serves charts without a separate step. Failure is reported, not fatal."""
    import shutil
    import subprocess

    from mujun.web import assets

    npm = shutil.which("npm")
    if npm is None:
        err_console().print("npm is not installed (Node.js 20+), so ECharts cannot be fetched.")
        return
    if not (assets.FRONTEND / "package-lock.json").exists():
        return
    err_console().print("installing ECharts from the npm registry (npm ci)…")
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"],
                          cwd=assets.FRONTEND, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        err_console().print(f"[yellow]npm ci failed:[/yellow] {done.stderr.strip()[-500:]}")


def _announce(start: FirstStart) -> None:
    if start.demo_accounts:
        console().print("demo accounts (user name / password):")
        width = max(len(a.username) for a in start.demo_accounts)
        for a in start.demo_accounts:
            console().print(f"  {a.role:<10} {a.username:<{width}}  {a.password}   "
                            f"scope: {a.scope}")
    if start.admin_password:
        console().print("[bold]first start:[/bold] sign in as [bold]admin[/bold] with the one-time "
                      f"password  [bold]{start.admin_password}[/bold]\n"
                      "  it is shown only now; the web asks for a new one at the first sign-in "
                      "(lost: `mujun user set admin --password …`)", highlight=False)
    for a in start.exposed:
        err_console().print(f"[red]warning:[/red] {a.username} signs in with the published demo "
                          "password; change it (`mujun user set "
                          f"{a.username} --password …`) or deactivate it")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port to listen on")] = 8000,
    demo: Annotated[bool, typer.Option(
        "--demo/--no-demo", help="load the demo county when the store is empty")] = True,
) -> None:
    r"""Serve the web application on http://HOST:PORT (Ctrl+C stops it).

    Upgrades the store (MUJUN_DATABASE_URL, default the SQLite file mujun.db here) and, when it
    is empty, loads the demo county 松阳县 (about a minute, with progress). It then prints the
    store, one demo account per role (the demo county served on this machine only: 127.0.0.1,
    ::1, localhost) or the admin's one-time password (a new store), what the charts need if
    the front-end packages are missing (it runs `npm ci` first when npm is at hand), and the
    address.

    Examples:

        mujun serve
        mujun serve --no-demo --port 8080
        MUJUN_DATABASE_URL=postgresql+psycopg://mujun@db/mujun \
            mujun serve --host 0.0.0.0
    """
    import uvicorn

    from mujun.services.first_start import prepare_sign_in
    from mujun.store.db import get_engine
    from mujun.store.settings import get_settings
    from mujun.web.app import create_app
    from mujun.web.assets import echarts_path, missing_message

    engine = get_engine(upgrade=True)
    loaded = demo and _store_is_empty()
    if loaded:
        _load_demo()
    with store_session() as session:
        start = prepare_sign_in(session=session, host=host,
                                production=get_settings().environment == "production")
    _announce(start)
    if not echarts_path().exists():
        _install_echarts()
    if not echarts_path().exists():
        err_console().print(f"[yellow]warning:[/yellow] {missing_message()}", highlight=False,
                          soft_wrap=True)
    console().print(f"store: {store_text()}", markup=False, highlight=False, soft_wrap=True)
    console().print(f"serving on http://{host}:{port}", markup=False, highlight=False,
                    soft_wrap=True)
    web_app = create_app(engine=engine)
    # served beyond this machine, the sign-in page does not list the demo accounts either
    web_app.state.list_demo_accounts = bool(start.demo_accounts)
    uvicorn.run(web_app, host=host, port=port, log_level="warning")
