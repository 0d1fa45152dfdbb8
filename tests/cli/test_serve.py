"""``mujun serve`` says what it serves and what it needs: the address, the store (without its
password), the sign-in for a new store, and what the charts need when the front-end packages
are missing. Started for real on a free port, it answers /login."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mujun.cli._store import store_text
from mujun.store.settings import get_settings
from mujun.web.assets import echarts_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.takes(12)
def test_serve_starts_on_a_free_port_and_answers_login(tmp_path: Path) -> None:
    port = free_port()
    bin_dir = Path(sys.executable).parent
    # only the environment's own programs: no npm, so nothing is fetched and the line on the
    # front-end packages shows when they are not installed
    env = {**os.environ, "PATH": str(bin_dir), "PYTHONUNBUFFERED": "1", "COLUMNS": "200",
           "MUJUN_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    proc = subprocess.Popen(
        [str(bin_dir / "mujun"), "serve", "--no-demo", "--port", str(port)], cwd=tmp_path,
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines: list[str] = []
        assert proc.stdout is not None
        while not any(line.startswith("serving on") for line in lines):
            line = proc.stdout.readline()
            assert line, f"serve ended: {lines} {proc.stderr.read() if proc.stderr else ''}"
            lines.append(line.strip())
        url = f"http://127.0.0.1:{port}"
        assert lines[-1] == f"serving on {url}"
        assert f"store: sqlite:///{tmp_path / 'store.db'}" in lines
        assert any("one-time password" in line for line in lines)
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"{url}/login", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "no answer on /login"
                time.sleep(0.3)
        assert page.status_code == 200 and 'name="password"' in page.text
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    if not echarts_path().exists():  # the wording is tests/web/test_without_echarts.py's
        said = " ".join(err.split())
        assert "npm is not installed" in said and "the charts need ECharts" in said, err


def test_the_store_is_shown_without_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUJUN_DATABASE_URL",
                       "postgresql+psycopg://mujun:walnut-ferry-39@db.example:5432/mujun")
    get_settings.cache_clear()
    try:
        assert store_text() == "postgresql+psycopg://mujun:***@db.example:5432/mujun"
    finally:
        get_settings.cache_clear()


def test_the_demo_accounts_print_in_columns(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from mujun.cli.serve import _announce
    from mujun.services.demo_accounts import DemoAccount
    from mujun.services.first_start import FirstStart

    monkeypatch.setenv("COLUMNS", "200")
    accounts = [DemoAccount("admin", "admin", "—", "pw-1"),
                DemoAccount("clerk-devreform", "clerk", "发改/商务", "pw-1"),
                DemoAccount("leader", "leader", "—", "pw-1")]
    _announce(FirstStart(demo_accounts=accounts))
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [r.split()[1] for r in rows] == ["admin", "clerk-devreform", "leader"]
    # the password starts in the same column on every line, however long the user name
    assert len({r.index("pw-1") for r in rows}) == 1
