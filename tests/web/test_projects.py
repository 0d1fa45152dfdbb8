"""招商项目 pages and API: every route × role, the pipeline and list figures, filters, the export,
a leader's own projects, moving a stage in the page (forward, and back with a reason)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.web.conftest import SignIn
from tests.web.county import CODES, PASSWORD
from tests.web.html import tables

from mujun.services import users
from mujun.services.imports import import_file
from mujun.services.projects.views import same_title
from mujun.services.schemas import UserCreate, UserUpdate
from mujun.store.models import Project

ROLES = ("admin", "clerk", "dev", "officer", "ent", "ent2", "leader")
HEADER = ("项目编号,项目名称,阶段,计划投资（万元）,实际投资（万元）,牵头领导,地块编号,"
          "统一社会信用代码,签约日期,行业代码,洽谈日期,供地日期,开工日期\n")
ROWS = [
    # the officer's town (enterprise 01), led by the leader's title
    f"XM1,甲项目,开工,5000,1800,县长,331124-T-001,{CODES[0]},2020-03-01,33,,2020-06-01,2020-09-15",
    # enterprise 02, another lead; signed long ago: 滞后 (the template allows 180 days)
    f"XM2,乙项目,签约,8000,,副县长,,{CODES[1]},2021-01-10,34,,,",
    # negotiating, no enterprise yet
    "XM3,丙项目,洽谈,900,,县长,,,,13,2022-03-01,,",
]


@pytest.fixture
def with_projects(engine: Engine, tmp_path: Path) -> dict[str, int]:
    path = tmp_path / "projects.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    with Session(engine) as session:
        result = import_file(session=session, actor=None, path=path, department_code="devreform",
                             year=2022)
        assert result.applied, result.problems
        users.create_user(session=session, actor=None, user_in=UserCreate(
            username="dev", display_name="dev", role="clerk", department="devreform",
            password=PASSWORD))
        users.update_user(session=session, actor=None, username="leader",
                          user_in=UserUpdate(lead_title="县长"))
        session.commit()
        return {p.code: p.id for p in session.query(Project)}


def expect(**by_role: int) -> dict[str, int]:
    default = by_role.pop("others", 403)
    return {role: by_role.get(role, default) for role in ROLES}


READERS = {"admin": 200, "dev": 200, "officer": 200, "ent": 200, "ent2": 200, "leader": 200}


def _routes(ids: dict[str, int]) -> list[tuple[str, dict[str, int]]]:
    one, two, three = ids["XM1"], ids["XM2"], ids["XM3"]
    return [
        ("/api/projects", expect(**READERS)),
        ("/api/projects/pipeline", expect(**READERS)),
        ("/api/projects/export.xlsx", expect(**READERS)),
        (f"/api/projects/{one}", expect(**{**READERS, "ent2": 404})),
        (f"/api/projects/{two}", expect(**{**READERS, "officer": 404, "ent": 404})),
        (f"/api/projects/{three}", expect(**{**READERS, "officer": 404, "ent": 404, "ent2": 404})),
        ("/api/projects/99999", expect(admin=404, dev=404, officer=404, ent=404, ent2=404,
                                       leader=404)),
        ("/projects", expect(**READERS)),
        ("/projects/mine", expect(**READERS)),
        (f"/projects/{one}", expect(**{**READERS, "ent2": 404})),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(sign_in: SignIn, with_projects: dict[str, int],
                                    role: str) -> None:
    c = sign_in(role)
    for url, statuses in _routes(with_projects):
        r = c.get(url)
        assert r.status_code == statuses[role], (url, role, r.text[:200])
        if r.status_code in (403, 404) and url.startswith("/api/"):
            assert "甲项目" not in r.text and "乙项目" not in r.text
    move = c.post(f"/api/projects/{with_projects['XM2']}/stage",
                  json={"stage": "land_supplied", "on": "2022-04-01"})
    # refused before the project is even looked up: nothing learnt about it
    assert move.status_code == (200 if role in ("admin", "dev") else 403), (role, move.text)


@pytest.mark.parametrize(("role", "codes"), [
    ("admin", ["XM1", "XM2", "XM3"]), ("leader", ["XM1", "XM2", "XM3"]), ("officer", ["XM1"]),
    ("ent", ["XM1"]), ("ent2", ["XM2"]),
])
def test_each_role_lists_the_projects_in_its_reach(sign_in: SignIn, with_projects: dict[str, int],
                                                   role: str, codes: list[str]) -> None:
    page = sign_in(role).get("/api/projects").json()
    assert [r["code"] for r in page["items"]] == codes and page["total"] == len(codes)


def test_pipeline_counts_investment_and_behind(sign_in: SignIn,
                                               with_projects: dict[str, int]) -> None:
    # the clock is 2022-05-01: XM2 signed 2021-01-10 (476 days > 180), XM3 negotiating since
    # 2022-03-01 (61 days), XM1 under construction since 2020-09-15 (593 days <= 730)
    data = sign_in("leader").get("/api/projects/pipeline").json()
    by_stage = {s["stage"]: (s["count"], s["planned_investment_wan"], s["actual_investment_wan"],
                             s["behind"]) for s in data["stages"] if s["count"]}
    assert by_stage == {"negotiating": (1, 900.0, 0.0, 0), "signed": (1, 8000.0, 0.0, 1),
                        "under_construction": (1, 5000.0, 1800.0, 0)}
    assert (data["total"]["count"], data["total"]["behind"]) == (3, 1)
    html = sign_in("leader").get("/projects").text
    rows = {r[0]: r for r in tables(html)["pipeline-stages"][1:]}
    assert rows["签约"][1:] == ["1", "8,000.00", "0.00", "1"]
    assert rows["合计"][1:] == ["3", "13,900.00", "1,800.00", "1"]


def test_list_filters_and_sorts(sign_in: SignIn, with_projects: dict[str, int]) -> None:
    c = sign_in("admin")
    codes = lambda q: [r["code"] for r in c.get(f"/api/projects?{q}").json()["items"]]  # noqa: E731
    assert codes("stage=signed") == ["XM2"]
    assert codes("lead=县长") == ["XM1", "XM3"]
    assert codes("industry_code=34") == ["XM2"]
    assert codes("behind=true") == ["XM2"]
    assert codes("signed_year=2020") == ["XM1"]
    assert codes("sort=-planned") == ["XM2", "XM1", "XM3"]
    assert codes("stage=&lead=&behind=&signed_year=") == ["XM1", "XM2", "XM3"]
    assert c.get("/api/projects?sort=password").status_code == 422
    html = c.get("/projects?stage=signed").text
    rows = tables(html)["projects"]
    assert rows[0][1:3] == ["项目名称", "阶段"] and [r[0] for r in rows[1:]] == ["XM2"]
    assert rows[1][2] == "签约" and rows[1][-1] == "滞后"


def test_export_writes_every_row_the_filters_select(sign_in: SignIn,
                                                    with_projects: dict[str, int]) -> None:
    body = sign_in("admin").get("/api/projects/export.xlsx?lead=县长&sort=-code").content
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["项目编号", "项目名称", "阶段", "牵头领导"]
    assert [(r[0], r[2], r[5], r[6]) for r in rows[1:]] == [("XM3", "洽谈", 900, None),
                                                            ("XM1", "开工", 5000, 1800)]


def test_a_leader_sees_the_projects_it_leads(sign_in: SignIn,
                                             with_projects: dict[str, int]) -> None:
    html = sign_in("leader").get("/projects/mine").text
    assert [r[0] for r in tables(html)["projects"][1:]] == ["XM1", "XM3"]
    assert tables(html)["pipeline-stages"][-1][1] == "2"
    assert 'href="/projects/mine"' in html


def test_moving_a_stage_in_the_page(sign_in: SignIn, with_projects: dict[str, int]) -> None:
    c = sign_in("dev")
    url = f"/projects/{with_projects['XM2']}"
    r = c.post(f"{url}/stage", data={"stage": "land_supplied", "on": "2022-04-01",
                                     "csrf_token": c.headers["X-CSRF-Token"]},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{url}?moved=1"
    html = c.get(r.headers["location"]).text
    assert 'id="project-stage">供地<' in html and 'id="moved"' in html
    assert tables(html)["stage-history"][1:] == [["签约", "2021-01-10", "—"],
                                                 ["供地", "2022-04-01", "—"]]
    back = c.post(f"{url}/stage", data={"stage": "signed", "on": "2022-04-20",
                                        "csrf_token": c.headers["X-CSRF-Token"]})
    assert back.status_code == 422 and "阶段倒退须填写原因" in back.text
    r = c.post(f"{url}/stage", data={"stage": "signed", "on": "2022-04-20", "reason": "用地调整",
                                     "csrf_token": c.headers["X-CSRF-Token"]})
    assert r.status_code == 200  # followed to the page
    assert tables(r.text)["stage-history"][-1] == ["签约", "2022-04-20", "倒退 用地调整"]
    assert "XM2 land_supplied → signed (2022-04-20): 用地调整" in r.text


def test_the_project_page_links_the_enterprise_portrait_for_who_may_open_it(
        sign_in: SignIn, with_projects: dict[str, int]) -> None:
    url = f"/projects/{with_projects['XM1']}"
    assert f'href="/enterprises/{CODES[0]}"' in sign_in("officer").get(url).text
    leader = sign_in("leader").get(url).text
    assert f'href="/enterprises/{CODES[0]}"' not in leader and 'id="move-stage"' not in leader
    assert "331124-T-001" in leader


def test_a_leader_s_title_matches_however_it_was_typed(
        sign_in: SignIn, with_projects: dict[str, int], engine: Engine) -> None:
    assert same_title("副县长（分管工业）", "副县长(分管工业)")
    assert not same_title("副县长", "县长") and not same_title(None, "县长")
    assert not same_title("县长", None) and not same_title("", "")
    with Session(engine) as session:  # a full-width space from a Chinese input method
        users.update_user(session=session, actor=None, username="leader",
                          user_in=UserUpdate(lead_title="县长\u3000"))
        session.commit()
    html = sign_in("leader").get("/projects/mine").text
    assert [r[0] for r in tables(html)["projects"][1:]] == ["XM1", "XM3"]
    assert tables(html)["pipeline-stages"][-1][1] == "2"
