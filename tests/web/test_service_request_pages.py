"""三服务2.0 pages and API over the test county, with requests in it: who sees and does what
(route × role), the pages' content, the list's filters and export, the statistics and English."""

from __future__ import annotations

import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.web.conftest import SignIn
from tests.web.county import CODES, NAMES, PASSWORD
from tests.web.html import tables

from mujun.services import users
from mujun.services.programmes import service_requests as sr
from mujun.services.schemas import UserCreate
from mujun.store.models import User

OWN, OTHER = CODES[0], CODES[1]  # 01 in 西屏街道 (the officer's town), 02 in 水南街道
ROLES = ("admin", "clerk", "finance", "land", "officer", "ent", "ent2", "leader")


@pytest.fixture
def requests(engine: Engine) -> dict[str, int]:
    """Two clerks of handling departments and three requests: 01's 融资 request closed on time
    (unrated), 01's 用地 request open and overdue at the test clock (2022-05-01), 02's 融资
    request waiting."""
    with Session(engine) as s:
        admin = s.query(User).filter_by(username="admin").one()
        for name, dept in (("finance", "finance"), ("land", "land")):
            users.create_user(session=s, actor=admin, user_in=UserCreate(
                username=name, display_name=name, role="clerk", department=dept,
                password=PASSWORD))
        ent = s.query(User).filter_by(username="ent").one()
        ent2 = s.query(User).filter_by(username="ent2").one()
        closed = sr.submit_request(session=s, actor=ent, category="finance", summary="续贷困难",
                                   today=date(2022, 3, 1))
        finance = s.query(User).filter_by(username="finance").one()
        sr.close_request(session=s, actor=finance, request_id=closed.id, reply="已协调续贷",
                         today=date(2022, 3, 10))
        overdue = sr.submit_request(session=s, actor=ent, category="land", summary="新增用地",
                                    today=date(2022, 3, 1))
        waiting = sr.submit_request(session=s, actor=ent2, category="finance",
                                    summary="转贷资金", today=date(2022, 4, 28))
        s.commit()
        return {"closed": closed.id, "overdue": overdue.id, "waiting": waiting.id}


def expect(**by_role: int) -> dict[str, int]:
    default = by_role.pop("others", 403)
    return {role: by_role.get(role, default) for role in ROLES}


VIEWERS = {"admin": 200, "clerk": 200, "finance": 200, "land": 200, "officer": 200, "ent": 200,
           "ent2": 200}


def test_routes_by_role(sign_in: SignIn, requests: dict[str, int]) -> None:
    closed, overdue, waiting = requests["closed"], requests["overdue"], requests["waiting"]
    gets = [
        ("/requests", expect(**VIEWERS)),
        ("/api/requests/export.xlsx", expect(**VIEWERS)),
        ("/requests/statistics", expect(admin=200, clerk=200, finance=200, land=200,
                                         leader=200)),
        # a request: its enterprise, its department, its town's officer and the admin
        (f"/requests/{closed}", expect(admin=200, finance=200, officer=200, ent=200,
                                       others=404, leader=403)),
        (f"/api/requests/{overdue}", expect(admin=200, land=200, officer=200, ent=200,
                                            others=404, leader=403)),
        (f"/api/requests/{waiting}", expect(admin=200, finance=200, ent2=200, others=404,
                                            leader=403)),
    ]
    clients = {role: sign_in(role) for role in ROLES}
    for url, expected in gets:
        for role in ROLES:
            r = clients[role].get(url, follow_redirects=False)
            assert r.status_code == expected[role], (role, url, r.text[:200])
            if r.status_code >= 400:
                assert not [n for n in NAMES if n in r.text], (role, url)


@pytest.mark.parametrize(("path", "body", "handlers"), [
    ("accept", None, {"admin", "finance"}),
    ("notes", {"text": "已联系"}, {"admin", "finance"}),
    ("close", {"text": "已办结"}, {"admin", "finance"}),
])
def test_handling_is_the_department_s(sign_in: SignIn, requests: dict[str, int], path: str,
                                      body: object, handlers: set[str]) -> None:
    url = f"/api/requests/{requests['waiting']}/{path}"
    expected = {"clerk": 404, "land": 404, "officer": 403, "ent": 403, "ent2": 403,
                "leader": 403}
    for role in ("clerk", "land", "officer", "ent", "leader"):
        r = sign_in(role).post(url, json=body)
        assert r.status_code == expected[role], (role, r.text)
    r = sign_in("finance").post(url, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == ("closed" if path == "close" else "in_progress")


def test_rating_by_role_once_after_closing(sign_in: SignIn, requests: dict[str, int]) -> None:
    url = f"/api/requests/{requests['closed']}/rate"
    for role, status in (("ent2", 404), ("finance", 403), ("admin", 403)):
        assert sign_in(role).post(url, json={"satisfaction": 9}).status_code == status, role
    ent = sign_in("ent")
    assert ent.post(url, json={"satisfaction": 11}).status_code == 422
    r = ent.post(url, json={"satisfaction": 9})
    assert (r.status_code, r.json()["satisfaction"]) == (200, 9)
    again = ent.post(url, json={"satisfaction": 3})
    assert again.status_code == 409
    no = r.json()["request_no"]
    assert again.json() == {"detail": f"诉求 {no} 已评价过（9 分），每件只能评价一次"}
    open_ = ent.post(f"/api/requests/{requests['overdue']}/rate", json={"satisfaction": 9})
    assert open_.status_code == 409 and "尚未办结" in open_.json()["detail"]


def test_enterprise_page_lists_its_own_and_submits(sign_in: SignIn,
                                                   requests: dict[str, int]) -> None:
    ent = sign_in("ent")
    page = ent.get("/requests").text
    rows = tables(page)["requests"]
    assert [h.rstrip(" ▼") for h in rows[0]] == ["编号", "类别", "诉求内容", "部门", "状态",
                                                 "提交日期", "办理期限", "办结日期", "逾期",
                                                 "满意度"]
    # the same day: the later number first
    assert [r[1:6] for r in rows[1:]] == [
        ["用地", "新增用地", "自然资源", "诉求", "2022-03-01"],
        ["融资", "续贷困难", "金融服务中心", "办结", "2022-03-01"]]
    assert [r[-1] for r in rows[1:]] == ["—", "去评价"]
    assert 'id="submit-request"' in page
    r = ent.post("/requests", data={"category": "approval", "summary": "消防验收协调"},
                 follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/requests?submitted=SF2022-0004"
    shown = ent.get(r.headers["location"]).text
    assert "诉求 SF2022-0004 已提交" in shown
    new = tables(shown)["requests"][1]
    assert new[:6] == ["SF2022-0004", "审批", "消防验收协调", "行政服务中心", "诉求",
                       "2022-05-01"]
    assert new[6] == "2022-05-08"  # 审批: 7 days
    # a blank summary is refused with the field named
    bad = ent.post("/requests", data={"category": "approval", "summary": ""})
    assert bad.status_code == 422 and "诉求内容" in bad.text


def test_clerk_worklist_filters_sorts_and_exports(sign_in: SignIn,
                                                  requests: dict[str, int]) -> None:
    finance = sign_in("finance")
    rows = tables(finance.get("/requests").text)["requests"]
    assert [r[0] for r in rows[1:]] == ["SF2022-0003", "SF2022-0001"]  # newest first
    assert [r[0] for r in tables(finance.get("/requests?status=closed").text)["requests"][1:]] \
        == ["SF2022-0001"]
    assert [r[0] for r in tables(finance.get("/requests?sort=submitted").text)["requests"][1:]] \
        == ["SF2022-0001", "SF2022-0003"]
    land = sign_in("land")
    overdue = tables(land.get("/requests?overdue=true&year=&category=").text)["requests"]
    assert [r[0] for r in overdue[1:]] == ["SF2022-0002"]
    assert tables(land.get("/requests?overdue=false").text)["requests"][1][0] == "暂无"
    sheet = load_workbook(io.BytesIO(finance.get("/api/requests/export.xlsx?status=closed")
                                     .content)).worksheets[0]
    data = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert data[0][:8] == ["诉求编号", "统一社会信用代码", "企业名称", "乡镇街道", "类别",
                           "诉求内容", "责任部门", "状态"]
    assert data[1][:8] == ["SF2022-0001", OWN, NAMES[0], "西屏街道", "融资", "续贷困难",
                           "金融服务中心", "办结"]
    assert data[0][13] == "逾期" and data[1][12:] == ["是", None, None]
    assert len(data) == 2


def test_the_request_page_closes_and_rates(sign_in: SignIn, requests: dict[str, int]) -> None:
    finance = sign_in("finance")
    url = f"/requests/{requests['waiting']}"
    page = finance.get(url).text
    assert 'id="accept-form"' in page and 'id="close-form"' in page
    finance.post(f"{url}/notes", data={"text": "已联系银行"})
    r = finance.post(f"{url}/close", data={"reply": "已安排转贷资金"}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, url)
    page = finance.get(url).text
    facts = dict((row[0], row[1]) for row in tables(page)["request-facts"] if len(row) == 2)
    assert (facts["办结日期"], facts["办结答复"], facts["受理日期"]) == (
        "2022-05-01", "已安排转贷资金", "2022-05-01")
    assert tables(page)["request-notes"][1] == ["2022-05-01", "finance", "已联系银行"]
    assert 'id="close-form"' not in page
    ent2 = sign_in("ent2")
    assert 'id="rate-form"' in ent2.get(url).text
    r = ent2.post(f"{url}/rate", data={"satisfaction": "8"}, follow_redirects=False)
    assert r.status_code == 303
    page = ent2.get(url).text
    assert 'id="rate-form"' not in page and "8 / 10" in page


def test_statistics_page_and_the_satisfaction_figure(sign_in: SignIn, engine: Engine,
                                                     requests: dict[str, int]) -> None:
    sign_in("ent").post(f"/api/requests/{requests['closed']}/rate", json={"satisfaction": 7})
    page = sign_in("leader").get("/requests/statistics?year=2022").text
    rows = {r[0]: r[1:] for r in tables(page)["request-stats"][1:]}
    assert rows["金融服务中心"] == ["2", "1", "1", "100.0%", "0", "1", "7.00"]
    assert rows["自然资源"] == ["1", "0", "0", "—", "1", "0", "—"]
    assert rows["合计"] == ["3", "1", "1", "100.0%", "1", "1", "7.00"]
    with Session(engine) as s:
        assert sr.satisfaction(s, 2022) == 7.0
    api = sign_in("admin").get("/api/requests/statistics?year=2022").json()
    assert api["total"]["satisfaction"] == 7.0 and api["year"] == 2022


def test_pages_in_english(sign_in: SignIn, requests: dict[str, int]) -> None:
    finance = sign_in("finance")
    page = finance.get("/requests?lang=en").text
    assert "Request handling" in page and "Financial Service Center" in page
    stats = finance.get("/requests/statistics?lang=en&year=2022").text
    assert tables(stats)["request-stats"][0][:3] == ["Department", "Requests received", "Closed"]
    assert "Mean satisfaction" in stats


def test_nav_entries_by_role(sign_in: SignIn, requests: dict[str, int]) -> None:
    def nav(role: str) -> list[str]:
        html = sign_in(role).get("/policies").text
        return [h for h in ("/requests", "/requests/statistics", "/imports")
                if f'href="{h}"' in html.split("</nav>")[0]]

    assert nav("ent") == ["/requests"]
    assert nav("finance") == ["/requests"]  # no import of its own: no 数据导入
    assert nav("clerk") == ["/imports"]  # 税务 handles no requests
    assert nav("officer") == ["/requests"]
    assert nav("leader") == ["/requests/statistics"]
    assert nav("admin") == ["/requests", "/imports"]


def test_signed_out_is_sent_to_sign_in(client: TestClient) -> None:
    r = client.get("/requests", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=/requests")
