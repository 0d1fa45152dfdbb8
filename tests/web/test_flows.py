"""Writes through the pages and the API: imports with a validation report, the run life cycle."""

from __future__ import annotations

from datetime import timedelta

from tests.web.conftest import Clock, SignIn
from tests.web.county import CODES, NAMES
from tests.web.html import tables


def test_upload_with_errors_lists_them_and_writes_nothing(sign_in: SignIn) -> None:
    c = sign_in("clerk")
    bad = ("统一社会信用代码,企业名称,实缴税收(万元)\n"
           f"{CODES[0]},{NAMES[0]},abc\n"
           "91331124BADCODE000,某公司,12\n").encode()
    r = c.post("/imports", data={"department": "tax", "year": "2021",
                                 "csrf_token": c.headers["X-CSRF-Token"]},
               files={"file": ("tax-2021.csv", bad, "text/csv")})
    assert r.status_code == 422
    problems = tables(r.text)["problems"]
    assert problems[0] == ["行", "列", "值", "问题", "级别"]
    assert [row[0] for row in problems[1:]] == ["2", "3"]
    assert problems[1][2] == "abc"
    assert c.get("/api/imports").json() == []


def test_upload_good_file_then_again_changes_nothing(sign_in: SignIn) -> None:
    c = sign_in("clerk")
    good = ("统一社会信用代码,企业名称,实缴税收(万元)\n"
            f"{CODES[0]},{NAMES[0]},45\n").encode()
    r = c.post("/api/imports", data={"department": "tax", "year": "2021"},
               files={"file": ("tax-2021.csv", good, "text/csv")})
    body = r.json()
    assert (r.status_code, body["applied"], body["updated"], body["errors"]) == (200, True, 1, 0)
    again = c.post("/api/imports", data={"department": "tax", "year": "2021"},
                   files={"file": ("tax-2021.csv", good, "text/csv")}).json()
    assert (again["applied"], again["updated"], again["unchanged"]) == (False, 0, 1)
    history = c.get("/api/imports").json()
    assert [(h["department"], h["year"], h["file_name"]) for h in history] == [
        ("tax", 2021, "tax-2021.csv")]
    # a clerk imports for its own department only
    r = c.post("/api/imports", data={"department": "stats", "year": "2021"},
               files={"file": ("s.csv", good, "text/csv")})
    assert r.status_code == 403


def test_run_life_cycle_through_the_api(sign_in: SignIn, clock: Clock) -> None:
    admin, ent = sign_in("admin"), sign_in("ent")
    appeal = ent.post("/api/runs/2/appeals", json={"uscc": CODES[0], "reason": "税收漏报"})
    assert appeal.status_code == 201
    a = appeal.json()
    assert (a["run_id"], a["uscc"], a["status"], a["reason"]) == (
        2, CODES[0], "pending", "税收漏报")
    assert ent.get(f"/api/enterprises/{CODES[0]}").json()["appeals"][0]["id"] == a["id"]
    # finalising waits for the notice to close and the appeal to be resolved
    # (30 days on, the sessions started now have ended: sign in again, and back in time too)
    clock.now += timedelta(days=30)
    assert sign_in("admin").post("/api/runs/2/finalize").status_code == 409
    clock.now -= timedelta(days=30)
    admin = sign_in("admin")
    r = admin.post(f"/api/appeals/{a['id']}/resolve",
                   json={"accept": True, "note": "核实后更正", "corrections": {"tax_paid": 400}})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    new_id = r.json()["new_run_id"]
    detail = admin.get(f"/api/runs/{new_id}").json()
    assert (detail["run"]["status"], detail["run"]["supersedes_id"]) == ("draft", 2)
    diff = admin.get(f"/api/runs/2/diff?other={new_id}").json()
    assert CODES[0] in [c["uscc"] for c in diff["changes"]]
    assert admin.post(f"/api/runs/{new_id}/publish").json()["status"] == "notice"
    clock.now += timedelta(days=30)
    admin, ent = sign_in("admin"), sign_in("ent")
    assert admin.post(f"/api/runs/{new_id}/finalize").json()["status"] == "final"
    # the portrait now shows the corrected, final run
    p = ent.get(f"/api/enterprises/{CODES[0]}").json()
    assert p["run"]["id"] == new_id and p["figures"]["tax_paid"] == 400.0
    assert p["can_appeal"] is False


def test_what_if_against_another_policy(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    same = admin.post("/api/runs/2/what-if", json={"policy_name": "zhejiang-template"}).json()
    assert (same["run"], same["base_policy"], same["other_policy"], same["changes"]) == (
        "2021-v1", "zhejiang-template", "zhejiang-template", [])
    assert same["mix_before"] == same["mix_after"] == {
        "above": {"A": 1, "B": 4, "C": 2, "D": 1}, "below": {"A": 0, "B": 2, "C": 1, "D": 1}}
    # the county's own policy starts in 2024: refused with the reason, not a crash
    r = admin.post("/api/runs/2/what-if", json={"policy_name": "songyang-2024"})
    assert r.status_code == 422 and "2024" in r.json()["detail"]
