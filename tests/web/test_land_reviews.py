"""达产复核 pages and API: every route × every role, what each role sees of a review, and the
forms (create, publish, collected/waived, the owner's answer with its deadline). The reviews:
``tests/web/land_reviews.py``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine
from tests.web.conftest import Clock, SignIn
from tests.web.county import NAMES, T0
from tests.web.html import tables
from tests.web.land_reviews import DRAFT, PENALTY, PUBLISHED, ROW_OTHER, ROW_OWN, add_reviews

from mujun.services.land import reviews

ROLES = ("admin", "clerk", "officer", "ent", "ent2", "leader")


@pytest.fixture(autouse=True)
def reviewed(engine: Engine) -> None:
    add_reviews(engine)


def expect(**by_role: int) -> dict[str, int]:
    default = by_role.pop("others", 403)
    return {role: by_role.get(role, default) for role in ROLES}


VIEWERS = {"admin": 200, "officer": 200, "ent": 200, "ent2": 200, "leader": 200}
GETS = [
    ("/api/land/reviews", expect(**VIEWERS)),
    ("/api/land/reviews.xlsx", expect(**VIEWERS)),
    (f"/api/land/reviews/{PUBLISHED}", expect(**VIEWERS)),
    (f"/api/land/reviews/{PUBLISHED}/rows.xlsx", expect(**VIEWERS)),
    (f"/api/land/reviews/{DRAFT}", expect(admin=200, officer=404, ent=404, ent2=404, leader=404)),
    ("/api/land/reviews/99", expect(admin=404, officer=404, ent=404, ent2=404, leader=404)),
    (f"/api/land/reviews/{PUBLISHED}/verify", expect(admin=200)),
    (f"/api/land/review-rows/{ROW_OWN}", expect(admin=200, officer=200, ent=200, ent2=404,
                                                 leader=200)),
    (f"/api/land/review-rows/{ROW_OTHER}", expect(admin=200, officer=404, ent=404, ent2=200,
                                                   leader=200)),
    ("/land/reviews", expect(**VIEWERS)),
    (f"/land/reviews/{PUBLISHED}", expect(**VIEWERS)),
    (f"/land/reviews/{DRAFT}", expect(admin=200, officer=404, ent=404, ent2=404, leader=404)),
    (f"/land/review-rows/{ROW_OWN}", expect(admin=200, officer=200, ent=200, ent2=404,
                                             leader=200)),
    (f"/land/review-rows/{ROW_OTHER}", expect(admin=200, officer=404, ent=404, ent2=200,
                                               leader=200)),
]


@pytest.mark.parametrize(("path", "by_role"), GETS, ids=[p for p, _ in GETS])
def test_get_route_by_role(sign_in: SignIn, path: str, by_role: dict[str, int]) -> None:
    for role, status in by_role.items():
        r = sign_in(role).get(path)
        assert r.status_code == status, (role, path, r.text[:200])
        if status != 200:
            assert "45.9999" not in r.text and NAMES[0] not in r.text  # no data in a refusal


POSTS = [
    ("/land/reviews", {"year": "2021"}, expect(admin=303)),
    (f"/land/reviews/{DRAFT}/publish", {}, expect(admin=303)),
    (f"/land/reviews/{PUBLISHED}/correct", {}, expect(admin=303)),
    (f"/land/review-penalties/{PENALTY}", {"decision": "collected"}, expect(admin=303)),
    (f"/land/review-rows/{ROW_OWN}/answer", {"text": "二期投产后达标"},
     expect(ent=303, ent2=404)),
]


@pytest.mark.parametrize(("path", "form", "by_role"), POSTS, ids=[p for p, _, _ in POSTS])
def test_post_route_by_role(sign_in: SignIn, path: str, form: dict[str, str],
                            by_role: dict[str, int]) -> None:
    # the refusals first: the one allowed write comes last and changes the store
    for role, status in sorted(by_role.items(), key=lambda rs: rs[1] == 303):
        r = sign_in(role).post(path, data=form, follow_redirects=False)
        assert r.status_code == status, (role, path, r.text[:200])


def _rows(c: TestClient, review: int = PUBLISHED, query: str = "") -> list[list[str]]:
    r = c.get(f"/land/reviews/{review}{query}")
    assert r.status_code == 200
    return [row for row in tables(r.text)["review-rows"][1:] if len(row) > 3]


def test_the_review_page_for_each_role(sign_in: SignIn) -> None:
    admin = _rows(sign_in("admin"))
    assert [r[0] for r in admin] == ["331124-T-001", "331124-T-002", "331124-T-003"]
    own = admin[0]
    assert own[1:4] == [NAMES[0], "测试园区", "到期复核 2021"]
    assert own[6] == "4.89 / 10.00 违约" and own[7] == "0.73 / 0.10 违约"
    assert own[8:10] == ["亩均税收、单位增加值能耗", "46.00"]
    assert admin[1][6] == "22.52 / 10.00 达标" and admin[1][8] == "—"
    assert admin[2][3] == "未到期 2023"
    # the officer of 西屏街道: its town's parcels; each enterprise its own; the leader all
    assert [r[0] for r in _rows(sign_in("officer"))] == ["331124-T-001", "331124-T-003"]
    assert [r[0] for r in _rows(sign_in("ent"))] == ["331124-T-001"]
    assert [r[0] for r in _rows(sign_in("ent2"))] == ["331124-T-002"]
    leader = sign_in("leader").get(f"/land/reviews/{PUBLISHED}").text
    assert len(_rows(sign_in("leader"))) == 3
    assert 'id="correct"' not in leader and 'id="publish"' not in leader
    page = sign_in("ent2").get(f"/land/reviews/{PUBLISHED}").text
    assert NAMES[0] not in page and "45.99" not in page  # the totals are its own rows'


def test_filters_sort_and_export(sign_in: SignIn) -> None:
    c = sign_in("admin")
    assert [r[0] for r in _rows(c, query="?breach=tax_per_mu")] == ["331124-T-001"]
    assert [r[0] for r in _rows(c, query="?review_status=not_yet")] == ["331124-T-003"]
    assert next(r[0] for r in _rows(c, query="?sort=-penalty")) == "331124-T-001"
    assert _rows(c, query="?zone=别处") == []
    assert c.get(f"/land/reviews/{PUBLISHED}?breach=height").status_code == 422
    r = sign_in("officer").get(f"/api/land/reviews/{PUBLISHED}/rows.xlsx")
    sheet = load_workbook(__import__("io").BytesIO(r.content)).worksheets[0]
    rows = [list(x) for x in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["地块编号", "统一社会信用代码", "企业名称"]
    assert [x[0] for x in rows[1:]] == ["331124-T-001", "331124-T-003"]
    assert rows[1][rows[0].index("亩均税收实际（万元/亩）")] == 4.8889
    assert rows[1][rows[0].index("违约金合计（万元）")] == 45.9999
    listed = sign_in("officer").get("/api/land/reviews").json()
    assert [(s["label"], s["n_rows"], s["n_due"], s["n_breaches"]) for s in listed["items"]] == \
        [("2021-v1", 2, 1, 1)]
    assert listed["items"][0]["total_penalty_wan"] == 45.9999


def test_verify_through_the_api(sign_in: SignIn) -> None:
    check = sign_in("admin").get(f"/api/land/reviews/{PUBLISHED}/verify").json()
    assert (check["inputs_ok"], check["policy_ok"], check["rows_compared"],
            check["mismatches"]) == (True, True, 3, [])


def test_the_owner_answers_once_before_the_deadline(sign_in: SignIn, clock: Clock) -> None:
    ent = sign_in("ent")
    page = ent.get(f"/land/review-rows/{ROW_OWN}").text
    assert 'id="send-answer"' in page
    assert 'id="send-answer"' not in sign_in("admin").get(f"/land/review-rows/{ROW_OWN}").text
    r = ent.post(f"/land/review-rows/{ROW_OWN}/answer",
                 data={"text": "二期厂房明年投产，税收将达标"}, follow_redirects=False)
    assert r.status_code == 303
    page = ent.get(f"/land/review-rows/{ROW_OWN}").text
    assert "二期厂房明年投产，税收将达标" in page and 'id="send-answer"' not in page
    again = ent.post(f"/land/review-rows/{ROW_OWN}/answer", data={"text": "再说明一次"})
    assert again.status_code == 409 and "只能答复一次" in again.text
    assert "已答复" in _rows(sign_in("admin"))[0][10]
    # the neighbour's row, after the deadline
    clock.now = T0 + timedelta(days=reviews.ANSWER_DAYS, seconds=1)
    ent2 = sign_in("ent2")
    assert 'id="send-answer"' not in ent2.get(f"/land/review-rows/{ROW_OTHER}").text
    late = ent2.post(f"/land/review-rows/{ROW_OTHER}/answer", data={"text": "说明"})
    assert late.status_code == 409 and "答复期已于" in late.text


def test_penalty_collected_or_waived(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    r = admin.post(f"/land/review-penalties/{PENALTY}", data={"decision": "waived", "reason": ""})
    assert r.status_code == 422 and "免除违约金必须填写理由" in r.text
    r = admin.post(f"/land/review-penalties/{PENALTY}",
                   data={"decision": "waived", "reason": "受疫情影响，经研究免除"})
    assert r.status_code == 200  # followed to the row's page
    assert tables(r.text)["penalty-list"][1][:4] == ["亩均税收", "46.00", "已免除 2022-05-01",
                                                     "受疫情影响，经研究免除"]
    assert "受疫情影响，经研究免除" in sign_in("ent").get(f"/land/review-rows/{ROW_OWN}").text
    again = admin.post(f"/land/review-penalties/{PENALTY}", data={"decision": "collected"})
    assert again.status_code == 409


def test_create_publish_and_correct_by_the_admin(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    r = admin.post(f"/land/reviews/{DRAFT}/publish", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/land/reviews/{DRAFT}"
    r = admin.post(f"/land/reviews/{PUBLISHED}/correct", follow_redirects=False)
    new = r.headers["location"]
    page = admin.get(new).text
    assert "2021-v2" in page and 'id="publish"' in page and "2021-v1" in page
    r = admin.post(f"{new}/publish")
    assert r.status_code == 200
    listed = admin.get("/api/land/reviews?year=2021").json()["items"]
    assert {(s["label"], s["status"]) for s in listed} == \
        {("2021-v1", "superseded"), ("2021-v2", "published")}
    r = admin.post("/land/reviews", data={"year": "2021"}, follow_redirects=False)
    assert r.status_code == 303
    refused = admin.post(f"{r.headers['location']}/publish")
    assert refused.status_code == 409 and "已发布达产复核 2021-v2" in refused.text


def test_english_page(sign_in: SignIn) -> None:
    page = sign_in("admin").get(f"/land/reviews/{PUBLISHED}?lang=en").text
    assert "Tax per mu" in page and "2021 attainment review" in page
    assert "亩均税收" not in page


def test_navigation_names_the_reviews(sign_in: SignIn) -> None:
    for role in ("admin", "officer", "ent", "leader"):
        assert 'href="/land/reviews"' in sign_in(role).get("/policies").text, role
    assert 'href="/land/reviews"' not in sign_in("clerk").get("/policies").text
