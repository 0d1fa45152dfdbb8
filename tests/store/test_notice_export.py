"""The 公示名单 exists once: the command line and the web give the same file, byte for byte."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from store_helpers import load_county
from typer.testing import CliRunner

from mujun.cli.main import app as cli
from mujun.services import runs, users
from mujun.services.schemas import UserUpdate
from mujun.store.models import User
from mujun.web.app import create_app

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)


def test_cli_and_web_give_the_same_notice_list(cli_env: str, engine: Engine, session: Session,
                                               admin: User, tmp_path: Path) -> None:
    load_county(session, admin, tmp_path, n=12)
    run = runs.create_run(session=session, actor=admin, year=2024, now=T0)
    runs.publish_run(session=session, actor=admin, run_id=run.id, now=T0)
    users.update_user(session=session, actor=None, username="admin",
                      user_in=UserUpdate(password="export-pass-123"))
    session.commit()
    out = tmp_path / "cli.xlsx"
    done = CliRunner().invoke(cli, ["run", "export", "2024-v1", "-o", str(out)])
    assert done.exit_code == 0, done.output
    with TestClient(create_app(engine=engine)) as web:
        token = web.post("/api/auth/login", json={"username": "admin",
                                                   "password": "export-pass-123"}).json()
        web.headers["X-CSRF-Token"] = token["csrf_token"]
        r = web.get(f"/api/runs/{run.id}/notice.xlsx")
    assert r.status_code == 200
    assert "filename*=UTF-8''%E5%85%AC%E7%A4%BA%E5%90%8D%E5%8D%95-2024-v1.xlsx" in r.headers[
        "content-disposition"]
    assert r.content == out.read_bytes()
    # and it is the run's list: every evaluated enterprise once, the frozen towns beside them
    sheets = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets
    listed = [row for ws in sheets for row in ws.iter_rows(min_row=4, max_col=4,
                                                            values_only=True)
              if isinstance(row[0], int)]
    evaluated = {r["uscc"] for r in runs.stored_rows(session, run) if r["group"]}
    assert sorted(row[1] for row in listed) == sorted(evaluated)
    assert all(row[3] for row in listed)
    assert sheets[0].cell(1, 1).value == "2024年度工业企业亩均效益综合评价结果公示名单"
