"""Without the front-end's npm packages (no ECharts) the server starts, says in the terminal what
is missing and how to install it, and every page renders with a note in place of each chart."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.web.conftest import Clock, SignIn, signing_in
from tests.web.county import CODES
from tests.web.html import element_ids, tables
from typer.testing import CliRunner

from mujun.web import assets
from mujun.web.app import create_app

COCKPIT_CHARTS = ["chart-groups", "chart-trend", "chart-targets", "chart-map", "chart-towns",
                  "chart-industries", "chart-county-kwh"]
PORTRAIT_CHARTS = ["chart-indicators", "chart-history", "chart-power"]
NOTE_ZH = ("图表未显示：服务器未安装 ECharts 图表库。请管理员在 src/mujun/web/frontend 目录运行 "
           "npm ci 后重启服务。")
NOTE_EN = ("Chart not shown: the server has no ECharts chart library. An administrator runs npm ci "
           "in src/mujun/web/frontend and restarts the server.")


class _Notes(HTMLParser):
    """The chart notes (``data-chart`` → text) and the scripts' sources of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: dict[str, str] = {}
        self.scripts: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("class") == "chart-missing":
            self._open = a.get("data-chart") or ""
            self.notes[self._open] = ""
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.notes[self._open] += data


def _page(html: str) -> _Notes:
    parser = _Notes()
    parser.feed(html)
    return parser


@pytest.fixture
def app(engine: Engine, clock: Clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The app with its asset lookup pointed at an empty front-end folder (npm ci never ran)."""
    empty = tmp_path / "frontend"
    empty.mkdir()
    return create_app(engine=engine, clock=clock, frontend=empty)


def test_pages_show_a_note_in_place_of_each_chart(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    cockpit = admin.get("/cockpit")
    assert cockpit.status_code == 200
    page = _page(cockpit.text)
    assert page.notes == {chart: NOTE_ZH for chart in COCKPIT_CHARTS}
    assert "/assets/echarts.min.js" not in page.scripts
    ids = element_ids(cockpit.text)
    assert not ids & set(COCKPIT_CHARTS) and "map-legend" not in ids and "map-zone" not in ids
    # the figures are all there, as tables
    assert tables(cockpit.text)["mix-groups"][1] == ["规上工业企业", "8", "1", "4", "2", "1"]

    portrait = admin.get(f"/enterprises/{CODES[0]}")
    assert portrait.status_code == 200
    assert _page(portrait.text).notes == {chart: NOTE_ZH for chart in PORTRAIT_CHARTS}
    assert "indicators" in element_ids(portrait.text)

    english = _page(admin.get("/cockpit?lang=en").text)
    assert english.notes == {chart: NOTE_EN for chart in COCKPIT_CHARTS}


def test_the_script_url_explains_what_is_missing(sign_in: SignIn, tmp_path: Path) -> None:
    r = sign_in("leader").get("/assets/echarts.min.js")
    assert r.status_code == 404
    assert f"cd {tmp_path / 'frontend'} && npm ci" in r.text


def test_with_echarts_the_pages_have_charts_and_no_note(engine: Engine, clock: Clock,
                                                        tmp_path: Path) -> None:
    folder = tmp_path / "installed"
    script = assets.echarts_path(folder)
    script.parent.mkdir(parents=True)
    script.write_text("/* echarts */", encoding="utf-8")
    clients = signing_in(create_app(engine=engine, clock=clock, frontend=folder))
    leader = next(clients)("leader")
    html = leader.get("/cockpit").text
    assert leader.get("/assets/echarts.min.js").text == "/* echarts */"
    page = _page(html)
    assert page.notes == {} and "/assets/echarts.min.js" in page.scripts
    assert set(COCKPIT_CHARTS) | {"map-legend", "map-zone"} <= element_ids(html)
    clients.close()


@pytest.fixture
def serve_without_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """``mujun serve`` on an empty SQLite store, with no npm on the PATH and an empty front-end
    folder, without listening (the calls of ``uvicorn.run`` are recorded)."""
    import shutil

    import uvicorn

    from mujun.store import db
    from mujun.store.settings import get_settings

    calls: list[Any] = []
    monkeypatch.setenv("MUJUN_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(app))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(assets, "FRONTEND", tmp_path / "frontend")
    (tmp_path / "frontend").mkdir()
    get_settings.cache_clear()
    db.dispose_engines()
    yield calls
    db.dispose_engines()
    get_settings.cache_clear()


def test_serve_says_what_is_missing_and_how_to_install_it(serve_without_npm: list[Any],
                                                          tmp_path: Path) -> None:
    from mujun.cli.main import app as cli

    result = CliRunner().invoke(cli, ["serve", "--no-demo"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "npm is not installed (Node.js 20+), so ECharts cannot be fetched." in said
    assert "the charts need ECharts, which is not installed" in said
    assert "The pages work and show a note in place of each chart." in said
    assert f"cd {tmp_path / 'frontend'} && npm ci" in said
    assert len(serve_without_npm) == 1  # and it serves
    assert serve_without_npm[0].state.frontend == tmp_path / "frontend"
