"""Published results never move (issue 8): after a year's runs are published, new and changed
figures for that year, a new enterprise, changed county figures and a registry edit leave every
page, API and export of those runs exactly as they were.

On the old code this failed in several places at once: the cockpit divided live totals by the
run's land (亩均 targets moved) and read 工业投资 live, the enterprise lists and the low-efficiency
list took town and industry from the registry and listed enterprises the run never evaluated, the
portrait showed the figures as imported later, and the 公示名单 took its towns from the registry.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.security.conftest import SignIn
from tests.web import county
from tests.web.html import tables
from tests.web.jobs import submitted, wait_job

from mujun.services import registry
from mujun.services.county import set_county_figure
from mujun.services.imports import import_file
from mujun.services.schemas import EnterpriseUpdate
from mujun.store.models import Run, User
from mujun.store.models.county import INDUSTRIAL_INVESTMENT

NEW_CODE = county.uscc(99)


def _run_ids(engine: Engine) -> dict[int, int]:
    with Session(engine) as session:
        return {r.year: r.id for r in session.scalars(select(Run))}


def _api(runs: dict[int, int]) -> list[str]:
    paths = ["/api/cockpit"]
    for year, run_id in runs.items():
        paths += [
            f"/api/cockpit?year={year}", f"/api/cockpit/parcels?year={year}",
            f"/api/enterprises?year={year}", f"/api/enterprises?year={year}&sort=town",
            f"/api/enterprises?year={year}&town={county.TOWNS[1]}",
            f"/api/enterprises?year={year}&industry_code=33&sort=name",
            f"/api/enterprises?year={year}&q=松阳", f"/api/enterprises?year={year}&klass=D",
            f"/api/land/low-efficiency?year={year}",
            f"/api/land/low-efficiency?year={year}&town={county.TOWNS[0]}",
            f"/api/targets?year={year}", f"/api/targets/awards?year={year}",
            f"/api/runs/{run_id}",
            *(f"/api/enterprises/{code}?year={year}" for code in county.CODES[:2]),
        ]
    return paths


def _pages(runs: dict[int, int]) -> list[str]:
    paths = ["/cockpit", "/enterprises", "/land", "/targets"]
    for year, run_id in runs.items():
        paths += [f"/cockpit?year={year}", f"/enterprises?year={year}",
                  f"/enterprises?year={year}&sort=town&town={county.TOWNS[0]}",
                  f"/land?year={year}", f"/runs/{run_id}", f"/targets?year={year}",
                  f"/targets/awards?year={year}",
                  *(f"/enterprises/{code}?year={year}" for code in county.CODES[:2])]
    return paths


def _exports(runs: dict[int, int]) -> list[str]:
    paths = []
    for year, run_id in runs.items():
        paths += [f"/api/enterprises/export.xlsx?year={year}",
                  f"/api/land/low-efficiency.xlsx?year={year}", f"/api/runs/{run_id}/notice.xlsx"]
    return paths


_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?%?")


#: the value history (docs/store.md) is the store's live record of every change, not a figure of
#: the run: it must show the new imports
_LIVE = re.compile(r'<section[^>]*id="value-history".*?</section>', re.S)


def run_part(html: str) -> str:
    return _LIVE.sub(" ", html)


def page_numbers(html: str) -> list[str]:
    """Every number the page shows, in order (text only: no markup, scripts or attributes)."""
    return _NUMBER.findall(_TAG.sub(" ", _SCRIPT.sub(" ", html)))


def _cells(content: bytes) -> list[list[list[Any]]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def _get(client: TestClient, path: str) -> Any:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return r


def everything(clients: dict[str, TestClient], runs: dict[int, int]) -> dict[str, Any]:
    """What each user gets from every API, page and export of the published runs."""
    seen: dict[str, Any] = {}
    for who, client in clients.items():
        for path in _api(runs):
            if who != "admin" and path.startswith("/api/runs"):
                continue
            if who == "ent" and not path.startswith(("/api/enterprises", "/api/cockpit")):
                continue
            r = client.get(path)
            seen[f"{who} {path}"] = (r.status_code, r.json())
        for path in _pages(runs):
            if who != "admin" and path.startswith("/runs"):
                continue
            r = client.get(path)
            html = run_part(r.text)
            seen[f"{who} {path}"] = (r.status_code, tables(html), page_numbers(html))
    for path in _exports(runs):
        seen[f"admin {path}"] = _cells(_get(clients["admin"], path).content)
    return seen


def _change_the_published_years(engine: Engine, folder: Path) -> None:
    """Changed figures and a new enterprise for both published years, changed county figures, and
    a registry edit, each through the store's own services."""
    with Session(engine, expire_on_commit=False) as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        for year in county.YEARS:
            files = county.department_files(folder, year)
            for dept in ("stats", "tax", "land"):
                _rewrite(files[dept], dept)
                result = import_file(session=session, actor=admin, path=files[dept],
                                     department_code=dept, year=year,
                                     accept_changes=True, reason="更正（测试）",
                                     now=county.T0 + timedelta(days=1))
                assert result.ok and result.applied, (dept, result.errors)
            set_county_figure(session=session, actor=admin, year=year,
                              name=INDUSTRIAL_INVESTMENT, value=123_456.0 + year)
        registry.update_enterprise(
            session=session, actor=admin, uscc=county.CODES[2],
            enterprise_in=EnterpriseUpdate(name="改名后的企业", town=county.TOWNS[1],
                                           industry_code="13"))
        session.commit()


def _rewrite(path: Path, dept: str) -> None:
    """Double every number of the department's file, move every enterprise to the other town, and
    add an enterprise the published runs never saw."""
    with path.open(encoding="utf-8") as fh:
        header, *rows = list(csv.reader(fh))
    out = []
    for row in rows:
        new = []
        for head, cell in zip(header, row, strict=True):
            if head == "乡镇街道":
                cell = county.TOWNS[1] if cell == county.TOWNS[0] else county.TOWNS[0]
            elif "(" in head and head != "统一社会信用代码":
                cell = str(float(cell) * 2)
            new.append(cell)
        out.append(new)
    extra = dict(zip(header, out[0], strict=True))
    extra.update({"统一社会信用代码": NEW_CODE, "企业名称": "后来的企业"})
    out.append([extra[h] for h in header])
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *out])


def test_published_runs_show_the_same_after_new_data(
        county_engine: Engine, county_sign_in: SignIn, tmp_path: Path) -> None:
    runs = _run_ids(county_engine)
    assert sorted(runs) == list(county.YEARS)
    clients = {who: county_sign_in(who) for who in ("admin", "leader", "ent")}
    before = everything(clients, runs)
    # the payloads are real: the cockpit has its 亩均 targets, the lists their rows
    cockpit = before[f"admin /api/cockpit?year={county.YEARS[-1]}"][1]
    va = next(t for t in cockpit["targets"] if t["key"] == "va_per_mu")
    assert va["value"] and va["base"]
    assert before[f"admin /api/enterprises?year={county.YEARS[-1]}"][1]["total"] == county.N
    _change_the_published_years(county_engine, tmp_path)
    after = everything(clients, runs)
    assert after.keys() == before.keys()
    moved = [key for key in before if after[key] != before[key]]
    assert moved == [], moved
    # the new data are in the store: a new run of the year sees them
    admin = clients["admin"]
    job = wait_job(admin, submitted(admin.post("/api/runs", json={"year": county.YEARS[-1]})))
    assert job["status"] == "done" and job["result"]["results"] == county.N + 1
