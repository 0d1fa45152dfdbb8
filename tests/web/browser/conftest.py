"""Real chromium (Debian's, driven by Playwright) against the app served on loopback.

The server runs in a thread over a private copy of the test county, with a clock the tests can
move; the tests read the same store (``live_store``) to know what each page must show.
``MUJUN_CHROMIUM`` overrides the browser path. Without chromium the tests are skipped
(``.ci/run`` installs it, so there they run). Screenshots go to a temporary folder (only
scripts/demo_screenshots.py writes docs/screenshots).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine
from tests.web import county
from tests.web.browser import chromium
from tests.web.browser.pages import settle
from tests.web.conftest import Clock

from mujun.store import db
from mujun.web.app import create_app

CHROMIUM = os.environ.get("MUJUN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_store(county_file: Path, tmp_path: Path) -> Iterator[Engine]:
    """The private copy of the county that the live server serves."""
    path = tmp_path / "store.db"
    shutil.copy(county_file, path)
    engine = db.make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def live(live_store: Engine) -> Iterator[tuple[str, Clock]]:
    engine = live_store
    clock = Clock(county.T0)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(engine=engine, clock=clock),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", clock
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    with chromium.shared(CHROMIUM, ARGS) as b:
        yield b


@pytest.fixture
def new_page(browser, live):  # type: ignore[no-untyped-def]
    base, _ = live
    contexts = []

    def make(username: str | None = None, width: int = 1440, height: int = 900):  # type: ignore[no-untyped-def]
        ctx = browser.new_context(base_url=base, viewport={"width": width, "height": height},
                                  locale="zh-CN")
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        if username:
            page.goto("/login")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", county.PASSWORD)
            with page.expect_navigation():
                page.click("form button[type=submit]")
            settle(page)
        return page

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def shot(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Take a full-page screenshot into the test's temporary folder; returns its path."""
    def take(page, name: str) -> Path:  # type: ignore[no-untyped-def]
        path = tmp_path / "screenshots" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0
        return path
    return take
