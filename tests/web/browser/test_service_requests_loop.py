"""三服务2.0 in chromium, the whole loop: an enterprise submits a request, the department's clerk
closes it with a reply, the enterprise rates it, and the satisfaction figure of the statistics
(十分满意, targets.md §2 十) moves from none to the rating, on the statistics and on the targets
page."""

from __future__ import annotations

import re

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.web import county

from mujun.services import users
from mujun.services.schemas import UserCreate
from mujun.store.models import User


def _finance_clerk(engine: Engine) -> None:
    with Session(engine) as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        users.create_user(session=session, actor=admin, user_in=UserCreate(
            username="finance", display_name="金融服务中心", role="clerk", department="finance",
            password=county.PASSWORD))
        session.commit()


def _figure(page) -> str:  # type: ignore[no-untyped-def]
    page.goto("/requests/statistics")
    return str(page.locator("#stats-satisfaction").inner_text()).strip()


def _target(page) -> str:  # type: ignore[no-untyped-def]
    """十分满意 on the targets page (the same figure, services.targets)."""
    page.goto("/targets?year=2022")
    return str(page.locator("#programme .tile[data-key=satisfaction] .value").inner_text()).strip()


def test_submit_close_rate_moves_the_satisfaction(new_page, live_store) -> None:  # type: ignore[no-untyped-def]
    _finance_clerk(live_store)
    leader = new_page("leader")
    assert _figure(leader) == "—"  # nothing rated in 2022 yet
    assert _target(leader) == "—"

    ent = new_page("ent")
    ent.goto("/requests")
    ent.select_option("#submit-request select[name=category]", "finance")
    ent.fill("#submit-request textarea[name=summary]", "流动资金贷款续贷困难，请求协调银行")
    with ent.expect_navigation():
        ent.click("#submit-request button[type=submit]")
    assert "SF2022-0001" in ent.locator("#request-submitted").inner_text()
    first = ent.locator("#requests tbody tr").first.locator("td")
    assert [first.nth(i).inner_text().strip() for i in (0, 1, 3, 4)] == [
        "SF2022-0001", "融资", "金融服务中心", "诉求"]

    clerk = new_page("finance")
    clerk.goto("/requests")
    with clerk.expect_navigation():
        clerk.click("#requests tbody tr a:has-text('SF2022-0001')")
    clerk.fill("#close-form textarea[name=reply]", "已协调县农商行续贷 800 万元")
    with clerk.expect_navigation():
        clerk.click("#close-form button[type=submit]")
    assert clerk.locator("#request-status").inner_text().startswith("办结")
    assert clerk.locator("#request-reply").inner_text() == "已协调县农商行续贷 800 万元"
    assert _figure(leader) == "—"  # closed, not rated

    ent.goto("/requests")
    with ent.expect_navigation():
        ent.click("#requests tbody tr a:has-text('去评价')")
    # the form's default is the top mark
    with ent.expect_navigation():
        ent.click("#rate-form button[type=submit]")
    assert ent.locator("#request-satisfaction").inner_text() == "10 / 10"
    assert ent.locator("#rate-form").count() == 0  # rated once
    assert _figure(leader) == "10.00"
    row = leader.locator("#request-stats tr[data-department=finance] td")
    assert [row.nth(i).inner_text() for i in range(1, 8)] == ["1", "1", "1", "100.0%", "0", "1",
                                                              "10.00"]
    assert re.fullmatch(r"10(\.0+)?", _target(leader)), _target(leader)
