"""Issue 8 on the pages: every appeal ends (the issue's own story), the enterprise sees its filing
confirmed and each appeal's state, finalising is offered only after the notice and refused in
Chinese before; the routes and commands reach the store through services only."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from tests.web.conftest import Clock, SignIn
from tests.web.county import CODES
from tests.web.jobs import submitted, wait_job

RUN_2021 = 2  # the county's 2021 run, in notice at the fixture's clock
SRC = Path(__file__).parents[2] / "src/mujun"


def _row(page: str, appeal_id: int) -> str:
    found = re.search(rf'<tr data-appeal="{appeal_id}"[^>]*>.*?</tr>', page, re.S)
    assert found, f"appeal {appeal_id} is not listed"
    return found.group(0)


def test_every_appeal_ends(sign_in: SignIn, clock: Clock) -> None:
    """#1 waits while #2 is accepted and its corrected version published: #1 goes on against the
    new version, is decided there, and the year closes with no appeal left pending."""
    admin, ent, ent2 = sign_in("admin"), sign_in("ent"), sign_in("ent2")
    first = ent2.post(f"/api/runs/{RUN_2021}/appeals",
                      json={"uscc": CODES[1], "reason": "用地面积有误"}).json()["id"]
    second = ent.post(f"/api/runs/{RUN_2021}/appeals",
                      json={"uscc": CODES[0], "reason": "税收漏报"}).json()["id"]
    accepted = wait_job(admin, submitted(admin.post(f"/api/appeals/{second}/resolve", json={
        "accept": True, "note": "核实后更正", "corrections": {"tax_paid": 400}})))
    new_id = accepted["result"]["new_run_id"]
    assert admin.post(f"/api/runs/{new_id}/publish").json()["status"] == "notice"
    # the waiting appeal is on the new version, with the form to decide it there
    assert [a["id"] for a in admin.get(f"/api/runs/{new_id}").json()["appeals"]] == [first]
    assert 'class="filters resolve"' in _row(admin.get(f"/runs/{new_id}").text, first)
    mine = ent2.get(f"/enterprises/{CODES[1]}").text
    assert "2021-v2" in _row(mine, first) and "待处理" in _row(mine, first)
    token = admin.headers["X-CSRF-Token"]
    r = admin.post(f"/appeals/{first}/resolve", follow_redirects=False,
                   data={"decision": "reject", "note": "经核实面积无误", "csrf_token": token})
    assert r.status_code == 303
    clock.now += timedelta(days=30)  # the notice ends, and with it the sessions of before
    admin, ent2 = sign_in("admin"), sign_in("ent2")
    assert admin.post(f"/api/runs/{new_id}/finalize").json()["status"] == "final"
    states = {a["id"]: a["status"] for a in ent2.get(f"/api/enterprises/{CODES[1]}")
              .json()["appeals"]}
    assert states == {first: "rejected"}
    assert "已驳回" in _row(ent2.get(f"/enterprises/{CODES[1]}").text, first)


def test_the_enterprise_sees_its_filing_confirmed_and_its_appeals(sign_in: SignIn) -> None:
    ent, admin = sign_in("ent"), sign_in("admin")
    token = ent.headers["X-CSRF-Token"]
    filed = ent.post(f"/runs/{RUN_2021}/appeals", data={
        "uscc": CODES[0], "reason": "税收漏报", "csrf_token": token})
    assert filed.status_code == 200 and "?filed=" in str(filed.url)
    page = filed.text
    appeal_id = int(re.search(r'id="appeal-filed"[^>]*><p>申诉已提交 #<b id="appeal-number">(\d+)<',
                              page).group(1))
    assert "2021-v1" in _row(page, appeal_id) and "待处理" in _row(page, appeal_id)
    # no second form while this one is open; a repeat is refused in Chinese
    assert 'id="appeal-form"' not in page and 'id="appeal-open"' in page
    again = ent.post(f"/runs/{RUN_2021}/appeals", data={
        "uscc": CODES[0], "reason": "再次申诉", "csrf_token": token})
    assert again.status_code == 409 and "已有一件待处理的申诉" in again.text
    admin.post(f"/api/appeals/{appeal_id}/resolve", json={"accept": False, "note": "数据无误"})
    page = ent.get(f"/enterprises/{CODES[0]}").text
    assert "已驳回" in _row(page, appeal_id) and "数据无误" in _row(page, appeal_id)
    assert 'id="appeal-form"' in page and 'id="appeal-filed"' not in page


def test_finalise_is_offered_after_the_notice_only(sign_in: SignIn, clock: Clock) -> None:
    admin = sign_in("admin")
    page = admin.get(f"/runs/{RUN_2021}").text
    assert 'id="finalize"' not in page and "公示期结束后方可定稿" in page
    refused = admin.post(f"/runs/{RUN_2021}/finalize",
                         data={"csrf_token": admin.headers["X-CSRF-Token"]})
    assert refused.status_code == 409 and "公示期结束后方可定稿" in refused.text
    assert "公示期结束后方可定稿" in admin.post(f"/api/runs/{RUN_2021}/finalize").json()["detail"]
    clock.now += timedelta(days=11)  # the notice ends, and with it the sessions of before
    admin = sign_in("admin")
    detail = admin.get(f"/api/runs/{RUN_2021}").json()
    assert (detail["can_finalize"], detail["finalize_blocked"]) == (True, None)
    assert 'id="finalize"' in admin.get(f"/runs/{RUN_2021}").text


def test_runs_routes_and_commands_reach_the_store_through_services() -> None:
    for path in (SRC / "web/routes/runs.py", SRC / "cli/runs.py"):
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"session\.(get|scalars?|execute|query)\(|\bselect\(", code), path
