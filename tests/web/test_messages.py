"""Messages in the user's language (issue 9): error pages and JSON errors, a refused finalising,
a form value of the wrong kind named by its field's label, and appeal corrections named the way
staff name the fields."""

from __future__ import annotations

import re

import pytest
from tests.web.conftest import SignIn
from tests.web.county import CODES
from tests.web.jobs import submitted, wait_job

from mujun.services.errors import InvalidInput
from mujun.services.values import field_key, parse_corrections

RUN_2021 = 2  # in notice at the fixture's clock


def test_missing_page_and_wrong_method_in_each_language(sign_in: SignIn) -> None:
    c = sign_in("leader")
    r = c.get("/no-such-page")
    assert r.status_code == 404 and "找不到这个页面" in r.text and "Not Found" not in r.text
    r = c.post("/cockpit", data={"csrf_token": c.headers["X-CSRF-Token"]})
    assert r.status_code == 405 and "不支持这种请求方式" in r.text
    assert c.get("/api/no-such").json() == {"detail": "找不到这个页面"}
    assert "page not found" in c.get("/no-such-page?lang=en").text


def test_a_value_of_the_wrong_kind_names_its_field(sign_in: SignIn) -> None:
    c = sign_in("admin")
    r = c.get("/enterprises?page=x")
    assert r.status_code == 422 and "页码：请输入整数" in r.text
    r = c.get("/api/enterprises?page=x")
    assert r.status_code == 422
    assert r.json()["detail"] == [{"loc": ["query", "page"], "msg": "页码：请输入整数",
                                   "type": "int_parsing"}]
    assert c.get("/api/enterprises?page=x&lang=en").json()["detail"][0]["msg"] == (
        "page: enter a whole number")


def test_finalising_in_notice_is_refused_in_the_pages_language(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    token = admin.headers["X-CSRF-Token"]
    r = admin.post(f"/runs/{RUN_2021}/finalize", data={"csrf_token": token})
    assert r.status_code == 409
    assert re.search(r"批次 2021-v1 的公示期到 [0-9-]+ [0-9:]+（UTC）结束，公示期结束后方可定稿",
                     r.text)
    r = admin.post(f"/runs/{RUN_2021}/finalize?lang=en", data={"csrf_token": token})
    assert r.status_code == 409
    assert re.search(r"the notice of run 2021-v1 ends at [0-9-]+ [0-9:]+ UTC", r.text)
    assert "公示" not in r.text.split("<main>")[1]
    page = admin.get(f"/runs/{RUN_2021}?lang=en").text
    assert 'id="finalize-blocked">the notice of run 2021-v1 ends at' in page


@pytest.mark.parametrize(("name", "key"), [
    ("tax_paid", "tax_paid"), ("实缴税收", "tax_paid"), ("实缴税收(万元)", "tax_paid"),
    ("用地面积", "land_owned_m2"), ("自有用地面积", "land_owned_m2"),
    (" 专精特新 ", "specialized")])
def test_a_field_is_named_by_key_or_label(name: str, key: str) -> None:
    assert field_key(name) == key


def test_an_unknown_field_or_a_bad_value_is_refused_in_chinese() -> None:
    with pytest.raises(InvalidInput, match="没有可更正的字段“税额”"):
        field_key("税额")
    with pytest.raises(InvalidInput, match="实缴税收\\(万元\\)：“abc”不是有效的值"):
        parse_corrections({"实缴税收": "abc"})
    with pytest.raises(InvalidInput):
        field_key("uscc")  # the credit code names the enterprise: not correctable


def test_an_appeal_is_corrected_by_the_fields_chinese_label(sign_in: SignIn) -> None:
    admin, ent = sign_in("admin"), sign_in("ent")
    appeal = ent.post(f"/api/runs/{RUN_2021}/appeals",
                      json={"uscc": CODES[0], "reason": "用地面积有误"}).json()["id"]
    page = admin.get(f"/runs/{RUN_2021}").text
    assert '<option value="land_owned_m2">自有用地面积(平方米)</option>' in page
    r = admin.post(f"/appeals/{appeal}/resolve", data={
        "csrf_token": admin.headers["X-CSRF-Token"], "decision": "accept", "note": "核实",
        "field": "用地面积", "value": "7000"}, follow_redirects=False)
    job = wait_job(admin, submitted(r))
    assert job["status"] == "done", job
    assert job["params"]["corrections"] == {"land_owned_m2": "7000"}
    new = admin.get(f"/api/runs/{job['result']['new_run_id']}").json()["run"]
    assert new["note"] == f"申诉 #{appeal} 更正后重新评价"
