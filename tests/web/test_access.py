"""Every route × every role: the right status, and nothing of anyone else's in a refusal.

Roles of the fixture county: ``admin``; ``clerk`` (tax); ``officer`` (西屏街道, the town of the
odd-numbered enterprises 01, 03, …); ``ent`` (enterprise 01) and ``ent2`` (enterprise 02);
``leader``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web import county
from tests.web.conftest import Clock, SignIn, signing_in
from tests.web.county import CODES, NAMES

from mujun.store import db
from mujun.web.app import create_app

ROLES = ("admin", "clerk", "officer", "ent", "ent2", "leader")
OWN, OTHER = CODES[0], CODES[1]  # 01 is in 西屏街道 (the officer's town), 02 in 水南街道


def expect(**by_role: int) -> dict[str, int]:
    default = by_role.pop("others", 403)
    return {role: by_role.get(role, default) for role in ROLES}


GET_API = [
    ("/api/auth/me", expect(others=200)),
    ("/api/cockpit", expect(admin=200, leader=200)),
    ("/api/cockpit?year=2020", expect(admin=200, leader=200)),
    ("/api/cockpit/parcels", expect(admin=200, leader=200)),
    ("/api/enterprises", expect(admin=200, officer=200, ent=200, ent2=200)),
    ("/api/enterprises/export.xlsx", expect(admin=200, officer=200, ent=200, ent2=200)),
    (f"/api/enterprises/{OWN}", expect(admin=200, officer=200, ent=200, ent2=404)),
    (f"/api/enterprises/{OTHER}", expect(admin=200, officer=404, ent=404, ent2=200)),
    (f"/api/enterprises/{OTHER}?year=2020", expect(admin=200, officer=404, ent=404, ent2=200)),
    ("/api/enterprises/91331124NOTEXIST0", expect(admin=404, officer=404, ent=404, ent2=404)),
    # every value's history: the admin, and a department's clerk (its own fields)
    (f"/api/enterprises/{OWN}/history", expect(admin=200, clerk=200)),
    ("/api/enterprises/91331124NOTEXIST0/history", expect(admin=404, clerk=404)),
    ("/api/land/low-efficiency", expect(admin=200, officer=200)),
    ("/api/land/low-efficiency.xlsx", expect(admin=200, officer=200)),
    ("/api/land/idle", expect(admin=200, officer=200)),
    ("/api/land/idle.xlsx", expect(admin=200, officer=200)),
    # 腾笼换鸟 disposal (tests/web/test_disposal.py: each case by town and role)
    ("/api/disposal/candidates", expect(admin=200, officer=200, leader=200)),
    ("/api/disposal/candidates.xlsx", expect(admin=200, officer=200, leader=200)),
    ("/api/disposal/cases", expect(admin=200, officer=200, leader=200)),
    ("/api/disposal/cases.xlsx", expect(admin=200, officer=200, leader=200)),
    ("/api/disposal/cases/999", expect(admin=404, officer=404, leader=404)),
    # 用电预警 (tests/web/test_monitoring.py): alert 1 is of the officer's town, 2 of the other
    ("/api/alerts", expect(admin=200, officer=200)),
    ("/api/alerts?status=closed", expect(admin=200, officer=200)),
    ("/api/alerts.xlsx", expect(admin=200, officer=200)),
    ("/api/alerts/1", expect(admin=200, officer=200)),
    ("/api/alerts/2", expect(admin=200, officer=404)),
    ("/api/alerts/999", expect(admin=404, officer=404)),
    # an enterprise's monthly power use and alerts: whoever sees the enterprise
    (f"/api/enterprises/{OWN}/power", expect(admin=200, officer=200, ent=200, ent2=404)),
    (f"/api/enterprises/{OTHER}/power", expect(admin=200, officer=404, ent=404, ent2=200)),
    # 招商项目 (tests/web/test_projects.py: each project by role)
    ("/api/projects", expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/api/projects/pipeline", expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/api/projects/export.xlsx", expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/api/projects/999", expect(admin=404, officer=404, ent=404, ent2=404, leader=404)),
    # 达产复核: the test county has none stored (tests/web/test_land_reviews.py has some)
    ("/api/land/reviews", expect(others=200, clerk=403)),
    ("/api/land/reviews.xlsx", expect(others=200, clerk=403)),
    ("/api/land/reviews/1", expect(others=404, clerk=403)),
    ("/api/land/reviews/1/rows.xlsx", expect(others=404, clerk=403)),
    ("/api/land/reviews/1/verify", expect(admin=404)),
    ("/api/land/review-rows/1", expect(others=404, clerk=403)),
    ("/api/runs", expect(admin=200)),
    ("/api/runs/2", expect(admin=200)),
    ("/api/runs/2/diff?other=1", expect(admin=200)),
    ("/api/runs/2/diff.xlsx?other=1", expect(admin=200)),
    ("/api/runs/2/results.xlsx", expect(admin=200)),
    ("/api/runs/2/what-if.xlsx?policy_name=zhejiang-template", expect(admin=200)),
    ("/api/runs/2/notice.xlsx", expect(admin=200)),
    ("/api/imports", expect(admin=200, clerk=200)),
    ("/api/imports/departments", expect(admin=200, clerk=200)),
    ("/api/imports/templates/tax.xlsx", expect(admin=200, clerk=200)),
    ("/api/imports/templates/stats.xlsx", expect(admin=200, clerk=404)),
    ("/api/imports/templates/parcels.xlsx", expect(admin=200, clerk=404)),
    # the tax clerk imports no power readings (the power clerk's: tests/store/test_power_template)
    ("/api/imports/templates/power-monthly.xlsx", expect(admin=200, clerk=404)),
    # 地块档案: every role but another department's clerk; an officer its town, an enterprise its
    # own parcels (tests/web/test_parcels.py)
    ("/api/parcels", expect(others=200, clerk=403)),
    ("/api/parcels/export.xlsx", expect(others=200, clerk=403)),
    ("/api/parcels/331124-T-001", expect(admin=200, officer=200, ent=200, ent2=404, leader=200)),
    ("/api/parcels/331124-T-002", expect(admin=200, officer=404, ent=404, ent2=200, leader=200)),
    ("/api/policies", expect(others=200)),
    ("/api/policies/zhejiang-template", expect(others=200)),
    ("/api/policies/stored", expect(others=200)),
    ("/api/policies/stored/county-2021", expect(others=404)),
    ("/api/jobs", expect(others=200)),  # each its own (tests/security/test_jobs.py)
    ("/api/jobs/999", expect(others=404)),
    ("/api/jobs/999/report.xlsx", expect(others=404)),
    ("/api/users", expect(admin=200)),  # 用户管理: the admin's only (tests/web/test_users.py)
    ("/api/users/clerk", expect(admin=200)),
    # 三服务2.0 requests (tests/web/test_service_request_pages.py: with requests in the store)
    ("/api/requests", expect(admin=200, clerk=200, officer=200, ent=200, ent2=200)),
    ("/api/requests/export.xlsx", expect(admin=200, clerk=200, officer=200, ent=200, ent2=200)),
    ("/api/requests/statistics", expect(admin=200, clerk=200, leader=200)),
    ("/api/requests/999", expect(admin=404, clerk=404, officer=404, ent=404, ent2=404)),
    # programmes (services/programmes/scope.py): the talent register is the county's, the other
    # lists each role's own part; the tax clerk reaches none (the safety clerk: the safety award)
    ("/api/programmes", expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/api/programmes/talent", expect(admin=200, officer=200, leader=200)),
    ("/api/programmes/talent.xlsx", expect(admin=200, officer=200, leader=200)),
    ("/api/programmes/ipo", expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/api/programmes/ipo.xlsx", expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/api/programmes/payments", expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/api/programmes/payments.xlsx",
     expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/api/programmes/safety", expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/api/programmes/safety.xlsx",
     expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    # the county's targets: every role but the enterprise; the awards, a public honour: all
    ("/api/targets", expect(admin=200, clerk=200, officer=200, leader=200)),
    ("/api/targets?year=2020", expect(admin=200, clerk=200, officer=200, leader=200)),
    ("/api/targets/awards", expect(others=200)),
    ("/api/targets/awards?year=2020", expect(others=200)),
]

PAGES = [
    ("/cockpit", expect(admin=200, leader=200)),
    ("/enterprises", expect(admin=200, officer=200, ent=200, ent2=200)),
    (f"/enterprises/{OWN}", expect(admin=200, officer=200, ent=200, ent2=404)),
    (f"/enterprises/{OWN}/history", expect(admin=200, clerk=200)),
    (f"/enterprises/{OTHER}", expect(admin=200, officer=404, ent=404, ent2=200)),
    ("/land", expect(admin=200, officer=200)),
    ("/land/idle", expect(admin=200, officer=200)),
    ("/disposal", expect(admin=200, officer=200, leader=200)),
    ("/disposal/candidates", expect(admin=200, officer=200, leader=200)),
    ("/disposal/999", expect(admin=404, officer=404, leader=404)),
    (f"/disposal/new?year=2020&kind=enterprise&key={OWN}", expect(admin=200, officer=200)),
    (f"/disposal/new?year=2020&kind=enterprise&key={CODES[9]}", expect(admin=200, officer=404)),
    ("/alerts", expect(admin=200, officer=200)),
    ("/alerts?status=closed", expect(admin=200, officer=200)),
    ("/alerts/1", expect(admin=200, officer=200)),
    ("/alerts/2", expect(admin=200, officer=404)),
    ("/alerts/3", expect(admin=200, officer=200)),  # closed (recovered)
    ("/land/reviews", expect(others=200, clerk=403)),
    ("/parcels", expect(others=200, clerk=403)),
    ("/parcels/331124-T-002", expect(admin=200, officer=404, ent=404, ent2=200, leader=200)),
    ("/runs", expect(admin=200)),
    ("/runs/2", expect(admin=200)),
    ("/runs/2/compare?other=1", expect(admin=200)),
    ("/runs/2/what-if?policy_name=zhejiang-template", expect(admin=200)),
    ("/imports", expect(admin=200, clerk=200)),
    ("/policies", expect(others=200)),
    ("/jobs/999", expect(others=404)),
    ("/password", expect(others=200)),
    ("/users", expect(admin=200)),
    ("/users/clerk", expect(admin=200)),
    ("/requests", expect(admin=200, clerk=200, officer=200, ent=200, ent2=200)),
    ("/requests/statistics", expect(admin=200, clerk=200, leader=200)),
    ("/requests/999", expect(admin=404, clerk=404, officer=404, ent=404, ent2=404)),
    ("/programmes", expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/programmes/talent", expect(admin=200, officer=200, leader=200)),
    ("/programmes/ipo", expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/programmes/payments", expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/programmes/safety", expect(admin=200, officer=200, ent=200, ent2=200, leader=200)),
    ("/targets", expect(admin=200, clerk=200, officer=200, leader=200)),
    ("/targets?year=2020", expect(admin=200, clerk=200, officer=200, leader=200)),
    ("/targets/awards", expect(others=200)),
]

POSTS = [
    ("/api/runs", {"year": 2021}, expect(admin=202)),
    ("/api/runs/1/publish", None, expect(admin=409)),
    ("/api/runs/2/finalize", None, expect(admin=409)),  # notice not over
    ("/api/runs/2/what-if", {"policy_name": "zhejiang-template"}, expect(admin=200)),
    # the admin files first; the enterprise itself may file too, but one appeal is open already:
    # refused as a repeat (409), not for lack of access (403)
    ("/api/runs/2/appeals", {"uscc": OWN, "reason": "数据有误"}, expect(admin=201, ent=409)),
    ("/api/runs/2/appeals", {"uscc": OTHER, "reason": "数据有误"}, expect(admin=201, ent2=409)),
    ("/api/appeals/999/resolve", {"accept": False, "note": "x"}, expect(admin=404)),
    # accepting an import's changes: only one's own job (an admin: any), and this one is nobody's
    ("/api/imports/jobs/999/accept", {"reason": "复核"}, expect(others=404)),
    # every user may change their own password (a wrong current one is refused)
    ("/api/auth/password", {"current_password": "not-mine", "new_password": "x"},
     expect(others=422)),
    ("/api/users", {"username": "tax9", "role": "clerk", "department": "tax"}, expect(admin=201)),
    ("/api/users/clerk", {"display_name": "税务填报员"}, expect(admin=200)),
    ("/api/users/nobody/password-reset", None, expect(admin=404)),
    # 立案 on something that is no candidate; the life cycle of a case that does not exist
    ("/api/disposal/cases", {"year": 2020, "kind": "enterprise", "key": OTHER, "method": "upgrade",
                             "target_date": "2022-12-31", "area_mu": 5}, expect(admin=404,
                                                                              officer=404)),
    ("/api/disposal/cases/999/start", {}, expect(admin=404, officer=404)),
    ("/api/disposal/cases/999/notes", {"on": "2022-05-01", "text": "x"},
     expect(admin=404, officer=404)),
    ("/api/disposal/cases/999/complete", {"completed_on": "2022-05-01", "area_mu": 1},
     expect(admin=404, officer=404)),
    ("/api/disposal/cases/999/cancel", {"reason": "x"}, expect(admin=404, officer=404)),
    ("/api/disposal/cases/999/corrections", {"reason": "x"}, expect(admin=404, officer=404)),
    # closing an alert with a visit: its town's officer or the admin (an alert of the other town
    # is not even confirmed to the officer); the note is required
    ("/api/alerts/2/visit", {"visited_on": "2022-04-20", "note": "走访：订单减少"},
     expect(admin=200, officer=404)),
    ("/api/alerts/1/visit", {"visited_on": "2022-04-20", "note": " "},
     expect(admin=422, officer=422)),
    ("/api/alerts/999/visit", {"visited_on": "2022-04-20", "note": "x"},
     expect(admin=404, officer=404)),
    ("/api/requests", {"category": "finance", "summary": "续贷", "uscc": OWN},
     expect(admin=201, ent=201, ent2=404)),
    ("/api/requests/999/accept", None, expect(admin=404, clerk=404)),
    ("/api/requests/999/notes", {"text": "x"}, expect(admin=404, clerk=404)),
    ("/api/requests/999/close", {"text": "x"}, expect(admin=404, clerk=404)),
    ("/api/requests/999/rate", {"satisfaction": 9}, expect(admin=404, ent=404, ent2=404)),
    ("/api/projects/999/stage", {"stage": "signed", "on": "2022-05-01"}, expect(admin=404)),
    ("/api/programmes/talent", {"person_code": "RC9001", "pseudonym": "人才9001",
                                "category": "tea_master", "year": 2021}, expect(admin=201)),
    ("/api/programmes/ipo", {"uscc": OWN, "stage": "reform"}, expect(admin=200)),
    ("/api/programmes/payments", {"uscc": OWN, "year": 2021, "programme": "tech_upgrade",
                                  "amount_wan": 25.5}, expect(admin=200)),
]


def _leaks(role: str, body: str) -> list[str]:
    """Names of enterprises the role may not see that appear in a refused answer."""
    return [n for n in NAMES if n in body]


@pytest.fixture(scope="module")
def readers(county_file: Path, tmp_path_factory: pytest.TempPathFactory,
            ) -> Iterator[dict[str, TestClient]]:
    """One client per role, signed in once, over one copy of the county for every GET row:
    a GET changes nothing another row could see (the POST rows each have their own copy)."""
    path = tmp_path_factory.mktemp("access") / "store.db"
    shutil.copy(county_file, path)
    engine = db.make_engine(f"sqlite:///{path}")
    sign_in = next(signing_in(create_app(engine=engine, clock=Clock(county.T0))))
    clients = {role: sign_in(role) for role in ROLES}
    yield clients
    for c in clients.values():
        c.close()
    engine.dispose()


@pytest.mark.parametrize(("url", "expected"), GET_API + PAGES, ids=[u for u, _ in GET_API + PAGES])
def test_get_routes_by_role(readers: dict[str, TestClient], url: str,
                            expected: dict[str, int]) -> None:
    for role in ROLES:
        r = readers[role].get(url, follow_redirects=False)
        assert r.status_code == expected[role], (role, url, r.text[:200])
        if r.status_code >= 400:
            assert _leaks(role, r.text) == [], (role, url)
            if url.startswith("/api/"):
                assert list(r.json()) == ["detail"]


@pytest.mark.parametrize(("url", "body", "expected"), POSTS, ids=[u for u, _, _ in POSTS])
def test_post_routes_by_role(sign_in: SignIn, url: str, body: object,
                             expected: dict[str, int]) -> None:
    for role in ROLES:
        r = sign_in(role).post(url, json=body)
        assert r.status_code == expected[role], (role, url, r.text[:200])
        if r.status_code >= 400:
            assert _leaks(role, r.text) == []
            assert list(r.json()) == ["detail"]


def test_every_api_route_is_in_the_matrix(app) -> None:  # type: ignore[no-untyped-def]
    """A new route must be added to the tables above (so its access is tested)."""
    tested = {u.split("?")[0] for u, _ in GET_API} | {u for u, _, _ in POSTS}
    templates = set(app.openapi()["paths"])

    def covered(path: str) -> bool:
        import re

        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"
        return any(re.match(pattern, t) for t in tested)

    # the two uploads (multipart) are tested by role in test_policy_pages
    assert sorted(p for p in templates if not covered(p)) == ["/api/auth/login",
                                                             "/api/auth/logout",
                                                             "/api/policies/check"]


def test_signed_out_api_is_401_and_pages_redirect(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/cockpit").status_code == 401
    assert client.get("/api/cockpit").json() == {"detail": "请先登录"}
    assert client.get("/api/cockpit?lang=en").json() == {"detail": "please sign in"}
    r = client.get("/cockpit", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=/cockpit")


def test_enterprise_list_is_scoped(sign_in: SignIn) -> None:
    def codes(role: str) -> list[str]:
        return sorted(i["uscc"] for i in sign_in(role).get("/api/enterprises").json()["items"])

    assert codes("ent") == [OWN]
    assert codes("ent2") == [OTHER]
    assert codes("officer") == sorted(CODES[0::2])
    assert codes("admin") == sorted(CODES)


def test_officer_land_list_is_scoped(sign_in: SignIn) -> None:
    items = sign_in("officer").get("/api/land/low-efficiency").json()["items"]
    assert {i["town"] for i in items} <= {"西屏街道"}
    idle = sign_in("officer").get("/api/land/low-efficiency").json()["idle"]
    assert idle == []  # the idle parcel's owner is of the other town
