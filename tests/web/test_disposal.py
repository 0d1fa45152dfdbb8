"""The disposal pages and API (腾笼换鸟, docs/land.md) over the test county: every route of a case
× every role (the officer's town 西屏街道 and the other), the page forms through a case's life,
refusals shown on the page, the exports' content and the cockpit's area optimised.

The county's 2020 run is final; its low-efficiency enterprises are 01 (西屏街道) and 10 (水南街道),
and parcel 331124-T-900 (西屏街道, agreed start 2019-01-01, never built) is idle at the end of 2020.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from tests.web.conftest import SignIn
from tests.web.county import CODES, NAMES
from tests.web.html import tables

ROLES = ("admin", "clerk", "officer", "ent", "ent2", "leader")
HERE, THERE = CODES[0], CODES[9]  # 西屏街道 (the officer's town), 水南街道
IDLE = "331124-T-900"


def _open(c: Any, key: str, **more: Any) -> dict[str, Any]:
    body = {"year": 2020, "kind": "enterprise", "key": key, "method": "upgrade",
            "target_date": "2022-12-31", "area_mu": 8.5, **more}
    r = c.post("/api/disposal/cases", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest.fixture
def two(sign_in: SignIn) -> tuple[int, int]:
    """A case in the officer's town and one in the other, opened by the admin."""
    admin = sign_in("admin")
    return _open(admin, HERE)["id"], _open(admin, THERE)["id"]


def test_candidates_of_2020(sign_in: SignIn) -> None:
    page = sign_in("admin").get("/api/disposal/candidates").json()
    assert page["year"] == 2020 and page["run"]["status"] == "final"
    assert {(r["kind"], r["key"], r["status"]) for r in page["items"]} == {
        ("enterprise", HERE, "low_efficiency"), ("enterprise", THERE, "low_efficiency"),
        ("parcel", IDLE, "idle")}
    areas = [r["area_mu"] for r in page["items"]]
    assert areas == sorted(areas, reverse=True)  # the largest first
    mine = sign_in("officer").get("/api/disposal/candidates").json()["items"]
    assert {r["key"] for r in mine} == {HERE, IDLE}


def test_every_case_route_by_role(sign_in: SignIn, two: tuple[int, int]) -> None:
    here, there = two
    see = {"admin": 200, "officer": 200, "leader": 200}
    for role in ROLES:
        c = sign_in(role)
        for case_id, officer in ((here, 200), (there, 404)):
            want = {**see, "officer": officer}.get(role, 403)
            for url in (f"/api/disposal/cases/{case_id}", f"/disposal/{case_id}"):
                r = c.get(url)
                assert r.status_code == want, (role, url)
                if want != 200:
                    assert NAMES[0] not in r.text and NAMES[9] not in r.text
            write = {"admin": 201, "officer": officer if officer != 200 else 201}.get(role, 403)
            r = c.post(f"/api/disposal/cases/{case_id}/notes",
                       json={"on": "2022-05-01", "text": f"{role} 记录"})
            assert r.status_code == write, (role, case_id, r.text)
    # each role's lists: the officer's town only; the clerk and the enterprises none
    counts = {}
    for role in ROLES:
        r = sign_in(role).get("/api/disposal/cases")
        counts[role] = r.json()["total"] if r.status_code == 200 else r.status_code
    assert counts == {"admin": 2, "clerk": 403, "officer": 1, "ent": 403, "ent2": 403,
                      "leader": 2}


def _form(c: Any, url: str, **data: Any) -> Any:
    return c.post(url, data=data, follow_redirects=False)


def test_an_officer_works_a_case_through_the_page_forms(sign_in: SignIn) -> None:
    c = sign_in("officer")
    new = c.get(f"/disposal/new?year=2020&kind=enterprise&key={HERE}")
    assert new.status_code == 200 and 'name="area_mu"' in new.text
    r = _form(c, "/disposal", year=2020, kind="enterprise", key=HERE, method="merger",
              officer_id="", target_date="2022-06-30", area_mu="8.50", description="低效用地")
    assert r.status_code == 303, r.text
    url = r.headers["location"].split("?")[0]
    case_id = int(url.rsplit("/", 1)[1])
    assert _form(c, f"{url}/start").status_code == 303
    assert _form(c, f"{url}/notes", on="2022-05-01", text="召开兼并重组协调会").status_code == 303
    refused = _form(c, f"{url}/complete", completed_on="2022-05-01", area_mu="")
    assert refused.status_code == 422
    assert "面积（亩）（area_mu）：必须填写" in refused.text
    assert _form(c, f"{url}/complete", completed_on="2022-05-01",
                 area_mu="7.25").status_code == 303
    page = c.get(url)
    notes = tables(page.text)["case-notes"]
    assert notes[1][:2] == ["2022-05-01", "召开兼并重组协调会"]
    detail = c.get(f"/api/disposal/cases/{case_id}").json()
    assert (detail["stage"], detail["area_mu"], detail["completed_on"], detail["method"]) == (
        "completed", 7.25, "2022-05-01", "merger")
    assert detail["officer"] == "officer"  # the officer who opened it is responsible
    # a completed case: its forms refuse on the page, in the page's language
    again = _form(c, f"{url}/notes?lang=en", on="2022-05-01", text="x")
    assert again.status_code == 409 and "completed or cancelled" in again.text


def test_the_cockpit_counts_the_area_completed_in_its_year(sign_in: SignIn) -> None:
    leader, admin = sign_in("leader"), sign_in("admin")

    def area(year: int) -> float:
        rows = leader.get("/api/cockpit").json()["disposal"]["area_by_year"]
        return float(next(r["area_mu"] for r in rows if r["year"] == year))

    assert area(2022) == 0.0
    case_id = _open(admin, THERE)["id"]
    admin.post(f"/api/disposal/cases/{case_id}/start", json={})
    r = admin.post(f"/api/disposal/cases/{case_id}/complete",
                   json={"completed_on": "2022-05-01", "area_mu": 6.0})
    assert r.status_code == 200, r.text
    assert area(2022) == 6.0
    html = leader.get("/cockpit").text
    assert tables(html)["disposal-area"][2][:2] == ["2022", "6.00"]


def _xlsx(c: Any, url: str) -> list[list[Any]]:
    r = c.get(url)
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_exports_hold_what_the_lists_select(sign_in: SignIn, two: tuple[int, int]) -> None:
    admin = sign_in("admin")
    admin.post(f"/api/disposal/cases/{two[1]}/cancel", json={"reason": "权利人已开工"})
    rows = _xlsx(admin, "/api/disposal/cases.xlsx?stage=opened")
    assert rows[0][:4] == ["编号", "年度", "类型", "代码"]
    assert [(r[0], r[3], r[7], r[8]) for r in rows[1:]] == [(two[0], HERE, "提升改造", "立案")]
    everything = _xlsx(admin, "/api/disposal/cases.xlsx")
    assert sorted(r[0] for r in everything[1:]) == sorted(two)
    candidates = _xlsx(sign_in("officer"), "/api/disposal/candidates.xlsx")
    assert sorted((r[1], r[8], r[9]) for r in candidates[1:]) == [
        (IDLE, "闲置", None), (HERE, "低效企业", f"#{two[0]}")]


def test_case_list_filters_and_overdue_by_the_clock(sign_in: SignIn, clock: Any) -> None:
    admin = sign_in("admin")
    case_id = _open(admin, HERE, target_date="2022-05-01")["id"]
    assert admin.get("/api/disposal/cases?overdue=true").json()["total"] == 0
    clock.now = clock.now.replace(day=2)
    admin = sign_in("admin")  # a day later: a new session
    page = admin.get("/api/disposal/cases?overdue=true").json()
    assert [r["id"] for r in page["items"]] == [case_id] and page["totals"]["overdue"] == 1
    html = admin.get("/disposal?overdue=true").text
    assert tables(html)["cases"][1][-1] == "逾期"
    assert admin.get("/api/disposal/cases?stage=bogus").status_code == 422
