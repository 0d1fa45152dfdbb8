"""Programme pages and API over the small test county: the admin records, the lists and their
totals move, the exports hold the selection, a bad file is refused by line, each role sees its
part (the matrix of statuses is tests/web/test_access.py)."""

from __future__ import annotations

import io
import re
import tempfile

import openpyxl
from fastapi.testclient import TestClient
from tests.web.conftest import SignIn
from tests.web.county import CODES, NAMES
from tests.web.html import tables

OWN, OTHER = CODES[0], CODES[1]  # 01 in 西屏街道 (the officer's town), 02 in 水南街道


def _pay(c: TestClient, uscc: str, year: int, programme: str, amount: float) -> None:
    r = c.post("/api/programmes/payments", json={"uscc": uscc, "year": year,
                                                 "programme": programme, "amount_wan": amount})
    assert r.status_code == 200, r.text


def _xlsx(c: TestClient, url: str) -> list[tuple[object, ...]]:
    r = c.get(url)
    assert r.status_code == 200, r.text
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_payments_list_totals_filters_export_and_scope(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    _pay(admin, OWN, 2021, "per_mu_award", 50)
    _pay(admin, OTHER, 2021, "tech_upgrade", 12.5)
    _pay(admin, OWN, 2022, "listing", 100)
    page = admin.get("/api/programmes/payments", params={"year": 2021}).json()
    assert page["totals"] == {"count": 2, "amount_wan": 62.5, "enterprises": 2}
    page = admin.get("/api/programmes/payments", params={"sort": "-amount"}).json()
    assert [i["amount_wan"] for i in page["items"]] == [100.0, 50.0, 12.5]
    rows = _xlsx(admin, "/api/programmes/payments.xlsx?programme=listing")
    assert rows[0][:6] == ("统一社会信用代码", "企业名称", "乡镇街道", "年度", "奖补项目",
                           "金额（万元）")
    assert [(r[0], r[4], r[5]) for r in rows[1:]] == [(OWN, "上市奖励", 100.0)]
    # the enterprise sees its own payments only, the officer its town's
    own = sign_in("ent").get("/api/programmes/payments").json()
    assert {i["uscc"] for i in own["items"]} == {OWN} and own["totals"]["amount_wan"] == 150.0
    town = sign_in("officer").get("/api/programmes/payments").json()
    assert {i["uscc"] for i in town["items"]} == {OWN}
    html = sign_in("ent2").get("/programmes/payments").text
    assert NAMES[1] in html and NAMES[0] not in html


def test_admin_records_a_payment_on_the_page_and_the_total_moves(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    _pay(admin, OWN, 2021, "per_mu_award", 50)
    page = admin.get("/programmes/payments?year=2021").text
    assert re.search(r'id="total-amount">50\.00 万元<', page)
    token = admin.headers["X-CSRF-Token"]
    r = admin.post("/programmes/payments", data={
        "csrf_token": token, "uscc": OTHER, "year": "2021", "programme": "specialized",
        "amount_wan": "30", "paid_on": "2022-03-15", "note": "新认定"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/programmes/payments?")
    page = admin.get("/programmes/payments?year=2021").text
    assert re.search(r'id="total-amount">80\.00 万元<', page)
    rows = tables(page)["payments"]
    assert any(NAMES[1] in " ".join(row) and "30.00" in row for row in rows)
    # a refused form keeps what was typed and says why, in the page's language
    r = admin.post("/programmes/payments", data={
        "csrf_token": token, "uscc": "91331124NOTEXIST0", "year": "2021",
        "programme": "specialized", "amount_wan": "30"})
    assert r.status_code == 422 and "企业库中没有 91331124NOTEXIST0" in r.text
    # not the admin: refused
    officer = sign_in("officer")
    r = officer.post("/programmes/payments", data={
        "csrf_token": officer.headers["X-CSRF-Token"], "uscc": OWN, "year": "2021",
        "programme": "other", "amount_wan": "1"})
    assert r.status_code == 403


def test_talent_import_on_the_page_refuses_a_bad_line_and_counts(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    token = admin.headers["X-CSRF-Token"]
    good = ("人才编号,化名,人才类别,引进年度,用人单位统一社会信用代码,乡镇街道\n"
            f"RC1,人才0001,金牌茶师,2021,{OWN},西屏街道\n"
            "RC2,人才0002,teacher_doctor,2022,,水南街道\n"
            "RC3,人才0003,excellent_talent,2022,,西屏街道\n")
    bad = good + "RC4,人才0004,宇航员,2022,,西屏街道\n"
    r = admin.post("/programmes/talent/import", data={"csrf_token": token},
                   files={"file": ("talent.csv", bad.encode(), "text/csv")})
    assert r.status_code == 422
    assert "talent.csv line 5, column 人才类别" in r.text and "未导入任何数据" in r.text
    assert admin.get("/api/programmes/talent").json()["total"] == 0
    # a file without a header is named as the user named it, never by the server's folder
    r = admin.post("/programmes/talent/import", data={"csrf_token": token},
                   files={"file": ("名册.csv", "年份,数值\n2021,1\n".encode(), "text/csv")})
    assert r.status_code == 422 and "名册.csv: 找不到表头" in r.text
    assert "/tmp" not in r.text and tempfile.gettempdir() not in r.text
    r = admin.post("/programmes/talent/import", data={"csrf_token": token},
                   files={"file": ("talent.csv", good.encode(), "text/csv")})
    assert r.status_code == 200 and "新增 3 人" in r.text
    r = admin.post("/programmes/talent/import", data={"csrf_token": token},
                   files={"file": ("talent.csv", good.encode(), "text/csv")})
    assert "新增 0 人，更新 0 人，未变 3 人" in r.text
    page = admin.get("/api/programmes/talent").json()
    counts = {c["category"]: (c["count"], c["goal"]) for c in page["counts"]}
    assert counts["tea_master"] == (1, 100) and counts["excellent_talent"] == (1, None)
    officer = sign_in("officer").get("/api/programmes/talent").json()
    assert sorted(i["person_code"] for i in officer["items"]) == ["RC1", "RC3"]
    rows = _xlsx(admin, "/api/programmes/talent.xlsx?category=teacher_doctor")
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [("RC2", "高学历教师医师", "2022")]
    html = admin.get("/programmes/talent?lang=en").text
    assert "Master tea makers" in html and "Talent register" in html


def test_ipo_stage_and_the_overview(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    r = admin.post("/api/programmes/ipo", json={"uscc": OWN, "stage": "tutoring",
                                                "on": "2024-05-06"})
    assert r.json() == {"uscc": OWN, "stage": "tutoring"}
    page = admin.get("/api/programmes/ipo").json()
    assert {c["stage"]: c["count"] for c in page["counts"]} == {
        "reform": 0, "tutoring": 1, "filed": 0, "listed": 0}
    assert page["items"][0]["dates"]["tutoring"] == "2024-05-06"
    assert sign_in("ent2").get("/api/programmes/ipo").json()["items"] == []
    overview = sign_in("leader").get("/api/programmes").json()
    assert [c["count"] for c in overview["ipo"] if c["stage"] == "tutoring"] == [1]
    assert overview["safety"]["candidates"] == 12
    ent = sign_in("ent").get("/api/programmes").json()
    assert ent["talent"] is None and ent["safety"]["candidates"] == 1
    html = admin.get("/programmes").text
    assert 'id="ipo-summary"' in html and 'id="talent-summary"' in html


def test_safety_award_page_names_the_year_and_the_window(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    page = admin.get("/api/programmes/safety").json()
    assert page["year"] == 2021 and page["window"] == [2019, 2021]
    assert page["totals"]["candidates"] == 12
    blocked = [i for i in page["items"] if not i["eligible"]]
    assert all(b["blocking"] for b in blocked)
    assert page["totals"]["eligible"] == 12 - len(blocked)
    html = admin.get("/programmes/safety?year=2020").text
    assert re.search(r"<h1>安全生产评定 <small>2020 年度</small>", html)
    rows = _xlsx(admin, "/api/programmes/safety.xlsx?eligible=true")
    assert len(rows) - 1 == page["totals"]["eligible"] and all(r[3] == "符合" for r in rows[1:])


def test_the_portrait_shows_the_enterprise_s_incentives_and_honours(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    _pay(admin, OWN, 2021, "per_mu_award", 50)
    _pay(admin, OWN, 2020, "talent", 4)
    admin.post("/api/programmes/ipo", json={"uscc": OWN, "stage": "reform", "on": "2021-03-01"})
    html = sign_in("ent").get(f"/enterprises/{OWN}").text
    assert re.search(r'id="honours-total">54\.00 万元<', html)
    assert re.search(r'id="ipo-stage">股改 <small>2021-03-01</small>', html)
    assert re.search(r'id="safety-award">(符合|不符合：)', html)
    rows = tables(html)["honours-payments"]
    assert [r[:3] for r in rows if r and r[0].isdigit()] == [["2021", "亩均效益奖励", "50.00"],
                                                            ["2020", "人才奖补", "4.00"]]
    other = sign_in("ent2").get(f"/enterprises/{OTHER}").text
    assert re.search(r'id="honours-total">0\.00 万元<', other) and 'id="ipo-stage">—<' in other
