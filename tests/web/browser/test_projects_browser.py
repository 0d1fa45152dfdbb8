"""招商项目 in a real browser: the admin moves a project through its stages with the form's
defaults (the next stage, today); the page shows the new stage and date and the pipeline count
moves; a step back asks for a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.web.county import CODES

from mujun.services.imports import import_file


@pytest.fixture
def seeded(live_store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "projects.csv"
    path.write_text("project_id,name,stage,planned_investment_wan,lead,uscc,signed\n"
                    f"XM1,甲项目,signed,8000,县长,{CODES[0]},2022-01-10\n", encoding="utf-8")
    with Session(live_store) as session:
        assert import_file(session=session, actor=None, path=path, department_code="devreform",
                           year=2022).applied
        session.commit()


def _count(page, stage: str) -> str:  # type: ignore[no-untyped-def]
    return page.locator(f"#pipeline-stages tr[data-stage={stage}] td.count").inner_text()


def test_admin_moves_a_project_through_its_stages(seeded, new_page, shot) -> None:  # type: ignore[no-untyped-def]
    page = new_page("admin")
    page.goto("/projects")
    assert (_count(page, "signed"), _count(page, "land_supplied")) == ("1", "0")
    page.click("#projects a:text('甲项目')")
    page.wait_for_selector("#move-stage")
    assert page.locator("#project-stage").inner_text() == "签约"
    for stage in ("供地", "开工"):
        page.click("#move-stage button[type=submit]")  # the defaults: the next stage, today
        page.wait_for_selector("#moved")
        assert page.locator("#project-stage").inner_text() == stage
        last = page.locator("#stage-history tbody tr").last
        assert last.locator("td").nth(0).inner_text() == stage
        assert last.locator("td.date").inner_text() == "2022-05-01"  # the clock's day
    shot(page, "project-moved")
    page.click("header nav a:text('招商项目')")
    page.wait_for_selector("#pipeline-stages")
    assert (_count(page, "signed"), _count(page, "land_supplied"),
            _count(page, "under_construction")) == ("0", "0", "1")

    page.click("#projects a:text('甲项目')")
    page.wait_for_selector("#move-stage")
    page.select_option("#move-stage select[name=stage]", "signed")
    page.click("#move-stage button[type=submit]")
    page.wait_for_selector("#move-error")
    assert "阶段倒退须填写原因" in page.locator("#move-error").inner_text()
    assert page.locator("#project-stage").inner_text() == "开工"
    page.select_option("#move-stage select[name=stage]", "signed")
    page.fill("#move-stage input[name=reason]", "用地规划调整")
    page.click("#move-stage button[type=submit]")
    page.wait_for_selector("#moved")
    assert page.locator("#project-stage").inner_text() == "签约"
    assert "倒退 用地规划调整" in page.locator("#stage-history tbody tr").last.inner_text()
    assert "用地规划调整" in page.locator("#project-audit").inner_text()
