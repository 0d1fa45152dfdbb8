"""Writes through the pages and the API: imports with a validation report, the run life cycle."""

from __future__ import annotations

from datetime import timedelta

from tests.web.conftest import Clock, SignIn
from tests.web.county import CODES, NAMES
from tests.web.html import tables
from tests.web.jobs import submitted, wait_job

from mujun.services.departments import FIELD_OWNER


def test_upload_with_errors_lists_them_and_writes_nothing(sign_in: SignIn) -> None:
    c = sign_in("clerk")
    bad = ("统一社会信用代码,企业名称,实缴税收(万元)\n"
           f"{CODES[0]},{NAMES[0]},abc\n"
           "91331124BADCODE000,某公司,12\n").encode()
    r = c.post("/imports", data={"department": "tax", "year": "2021",
                                 "csrf_token": c.headers["X-CSRF-Token"]},
               files={"file": ("tax-2021.csv", bad, "text/csv")}, follow_redirects=False)
    job = wait_job(c, submitted(r))
    assert (job["status"], job["result"]["errors"]) == ("done", 2)
    r = c.get(job["page"])
    assert r.status_code == 200 and "report-rejected" in r.text
    problems = tables(r.text)["problems"]
    assert problems[0] == ["行", "列", "值", "问题", "级别"]
    assert [row[0] for row in problems[1:]] == ["2", "3"]
    assert problems[1][2] == "abc"
    assert c.get("/api/imports").json()["items"] == []


def test_upload_good_file_then_again_changes_nothing(sign_in: SignIn) -> None:
    c = sign_in("clerk")
    good = ("统一社会信用代码,企业名称,实缴税收(万元)\n"
            f"{CODES[0]},{NAMES[0]},45\n").encode()
    r = c.post("/api/imports", data={"department": "tax", "year": "2021"},
               files={"file": ("tax-2021.csv", good, "text/csv")})
    assert r.status_code == 202
    waiting = wait_job(c, submitted(r))
    body = waiting["result"]
    # 45 differs from the stored value: a change, applied only when accepted with a reason
    assert (body["applied"], body["waiting"], body["errors"]) == (False, True, 0)
    assert [(ch["uscc"], ch["field"], ch["new"]) for ch in body["changes"]] == [
        (CODES[0], "tax_paid", 45.0)]
    assert c.get("/api/imports").json()["items"] == []
    r = c.post(f"/api/imports/jobs/{waiting['id']}/accept", json={"reason": "税务复核"})
    body = wait_job(c, submitted(r))["result"]
    assert (body["applied"], body["updated"], body["errors"]) == (True, 1, 0)
    # the acceptance is spent: the job it accepted waits no more for it
    again_accept = c.post(f"/api/imports/jobs/{waiting['id']}/accept", json={"reason": "again"})
    assert again_accept.status_code == 409 and "没有等待确认的修改" in again_accept.text
    again = wait_job(c, submitted(c.post("/api/imports", data={"department": "tax", "year": "2021"},
                     files={"file": ("tax-2021.csv", good, "text/csv")})))["result"]
    assert (again["applied"], again["updated"], again["unchanged"]) == (False, 0, 1)
    history = c.get("/api/imports").json()["items"]
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
    assert r.status_code == 202
    job = wait_job(admin, submitted(r))
    assert job["status"] == "done" and job["result"]["status"] == "accepted", job
    new_id = job["result"]["new_run_id"]
    detail = admin.get(f"/api/runs/{new_id}").json()
    assert (detail["run"]["status"], detail["run"]["supersedes_id"]) == ("draft", 2)
    diff = admin.get(f"/api/runs/2/diff?other={new_id}").json()
    assert CODES[0] in [c["uscc"] for c in diff["items"]]
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
    assert (same["run"], same["base_policy"], same["other_policy"], same["items"]) == (
        "2021-v1", "zhejiang-template", "zhejiang-template", [])
    assert same["mix_before"] == same["mix_after"] == {
        "above": {"A": 1, "B": 4, "C": 2, "D": 1}, "below": {"A": 0, "B": 2, "C": 1, "D": 1}}
    # the county's own policy starts in 2024: refused with the reason, not a crash
    r = admin.post("/api/runs/2/what-if", json={"policy_name": "songyang-2024"})
    assert r.status_code == 422 and "2024" in r.json()["detail"]


def test_changed_values_are_previewed_then_confirmed_and_shown_on_the_portrait(
    sign_in: SignIn,
) -> None:
    c = sign_in("clerk")
    token = c.headers["X-CSRF-Token"]
    good = ("统一社会信用代码,企业名称,实缴税收(万元)\n"
            f"{CODES[0]},{NAMES[0]},45\n").encode()
    form = {"department": "tax", "year": "2021", "csrf_token": token}
    job_url = submitted(c.post("/imports", data=form, follow_redirects=False,
                               files={"file": ("tax-2021.csv", good, "text/csv")}))
    wait_job(c, job_url)
    r = c.get(job_url.removeprefix("/api"))
    assert r.status_code == 200 and 'id="report-waiting"' in r.text
    assert 'id="accept-changes"' in r.text
    changes = tables(r.text)["changes"]
    assert changes[1][0] == "2" and changes[1][4] == "45"
    job_id = job_url.rsplit("/", 1)[1]
    accepted = submitted(c.post(f"/imports/jobs/{job_id}/accept", follow_redirects=False,
                                data={"csrf_token": token, "reason": "税务复核更正"}))
    wait_job(c, accepted)
    r = c.get(accepted.removeprefix("/api"))
    assert r.status_code == 200 and 'id="report-applied"' in r.text and "税务复核更正" in r.text
    # another user cannot accept the clerk's job (it is not theirs to see)
    other = sign_in("ent").post(f"/api/imports/jobs/{job_id}/accept", json={"reason": "x"})
    assert other.status_code in (403, 404)
    # a clerk sees no portrait (no scores: access matrix) but the enterprise's history page, with
    # its own department's fields only
    assert c.get(f"/enterprises/{CODES[0]}").status_code == 403
    own = c.get(f"/enterprises/{CODES[0]}/history")
    assert own.status_code == 200 and f"/enterprises/{CODES[0]}/history" in r.text
    mine = [row for row in tables(own.text)["value-events"] if "税务复核更正" in row]
    assert mine and mine[0][6] == "45"
    fields = {e["field"] for e in c.get(f"/api/enterprises/{CODES[0]}/history").json()}
    assert fields and fields <= set(FIELD_OWNER_TAX)
    page = sign_in("admin").get(f"/enterprises/{CODES[0]}")
    imported = [row for row in tables(page.text)["value-events"] if "税务复核更正" in row]
    # the portrait lists the changes only, and links to where every value came from
    assert 'data-source="current"' not in page.text and 'id="value-history-all"' in page.text
    assert 'data-source="current"' in sign_in("admin").get(f"/enterprises/{CODES[0]}/history").text
    assert imported and imported[0][6] == "45"
    for who in ("officer", "ent"):  # they see the page (their town, their own), not the history
        page = sign_in(who).get(f"/enterprises/{CODES[0]}")
        assert page.status_code == 200 and 'id="value-history"' not in page.text, who


def test_what_if_page_with_an_uploaded_policy(sign_in: SignIn) -> None:
    from mujun.io.policy_files import load_policy

    admin = sign_in("admin")
    text = load_policy("zhejiang-template").text.encode()
    r = admin.post("/runs/2/what-if", data={"csrf_token": admin.headers["X-CSRF-Token"]},
                   files={"file": ("mine.yaml", text, "application/x-yaml")})
    assert r.status_code == 200 and "2021-v1" in r.text


#: the fields the tax department reports (the clerk of the county's tests is the tax clerk)
FIELD_OWNER_TAX = [field for field, dept in FIELD_OWNER.items() if dept == "tax"]
