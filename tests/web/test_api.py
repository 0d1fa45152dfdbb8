"""The API and pages over the fixture county, asserting exact payloads and parsed HTML."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import openpyxl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.web.conftest import SignIn
from tests.web.county import CODES, T0
from tests.web.html import element_ids, tables

from mujun.services import runs
from mujun.services.county import set_county_figure
from mujun.store.models import Run, RunStatus, User
from mujun.store.models.county import INDUSTRIAL_INVESTMENT

RUN_2021 = {"id": 2, "year": 2021, "run_version": 1, "label": "2021-v1", "status": "notice",
            "policy_name": "zhejiang-template",
            "policy_title": "工业企业亩均效益综合评价（浙江通用模板）",
            "title": "2021 年度 第 1 版 · 工业企业亩均效益综合评价（浙江通用模板）",
            "title_en": "2021 run 1 · 工业企业亩均效益综合评价（浙江通用模板）"}


def test_enterprise_sees_exactly_its_own_row(sign_in: SignIn) -> None:
    assert sign_in("ent").get("/api/enterprises").json() == {
        "year": 2021, "years": [2020, 2021], "run": RUN_2021, "total": 1, "page": 1,
        "per_page": 50, "pages": 1, "sort": "rank",
        "items": [{"uscc": "91331124000000001H", "name": "松阳测试01有限公司", "town": "西屏街道",
                   "industry_code": "31", "industry": "31 黑色金属冶炼和压延加工业",
                   "group": "above", "exempt_reason": None, "score": 70.5128, "rank": 8,
                   "group_size": 8, "tied": 1, "klass": "D", "low_efficiency": True}],
    }


def test_portrait_payload(sign_in: SignIn) -> None:
    p = sign_in("ent").get(f"/api/enterprises/{CODES[0]}").json()
    explanation, text = p.pop("explanation"), p.pop("explanation_zh")
    assert p == {
        "enterprise": {"uscc": "91331124000000001H", "name": "松阳测试01有限公司",
                       "town": "西屏街道", "park": None, "industry_code": "31",
                       "industry": "31 黑色金属冶炼和压延加工业", "above_scale": True,
                       "lifecycle": None, "lifecycle_zh": None, "tags": []},
        "year": 2021, "years": [2020, 2021], "run": RUN_2021,
        "history": [
            {"year": 2020, "run": "2020-v1", "group": "above", "exempt_reason": None,
             "score": 70.5128, "rank": 8, "klass": "D", "low_efficiency": True},
            {"year": 2021, "run": "2021-v1", "group": "above", "exempt_reason": None,
             "score": 70.5128, "rank": 8, "klass": "D", "low_efficiency": True}],
        "figures": {"above_scale": True, "electricity_kwh": 100000.0, "emissions_t": 2.0,
                    "employees": 50.0, "energy_tce": 400.0, "high_tech": False,
                    "industry_code": "31", "land_owned_m2": 6000.0, "land_use_tax_due": 3.0,
                    # the run's frozen row: an empty land field is 0 there, as evaluated
                    "land_leased_in_m2": 0.0, "land_leased_out_m2": 0.0,
                    "listed": False, "name": "松阳测试01有限公司",
                    "production_start": "2015-03-01", "rd_center": False, "rd_expense": 33.0,
                    "revenue": 3300.0, "specialized": False, "tax_paid": 44.0,
                    "town": "西屏街道", "value_added": 550.0, "water_t": 2000.0},
        "parcels": [{"parcel_code": "331124-T-001", "area_m2": 6000.0, "town": "西屏街道",
                     "zone": "测试园区", "idle": False}],
        "appeals": [], "appeal_runs": {}, "open_appeal_id": None,
        "notice_until": "2022-05-08T09:00:00Z", "can_appeal": True,
    }
    # the explanation is the engine's, stored with the run: 6000 m² is 9 亩, tax 44 万元
    assert explanation["land_mu"] == 9.0
    assert [i["id"] for i in explanation["indicators"]] == [
        "tax_per_mu", "va_per_mu", "labor_productivity", "va_per_energy", "va_per_emission",
        "rd_intensity"]
    assert explanation["indicators"][0]["value"] == 44.0 / 9.0
    assert explanation["klass"] == "D" and explanation["rank"] == 8
    assert "组内排名 第 8 名 / 共 8 家，评为 D 档。" in text
    assert "评价办法 工业企业亩均效益综合评价（浙江通用模板）" in text


def test_cockpit_payload(sign_in: SignIn) -> None:
    c = sign_in("leader").get("/api/cockpit").json()
    assert c["year"] == 2021 and c["years"] == [2020, 2021] and c["run"] == RUN_2021
    assert c["groups"] == [
        {"key": "above", "label": "规上工业企业", "evaluated": 8, "A": 1, "B": 4, "C": 2, "D": 1},
        {"key": "below", "label": "规下工业企业", "evaluated": 4, "A": 0, "B": 2, "C": 1, "D": 1}]
    assert c["by_town"] == [
        {"key": "水南街道", "label": "水南街道", "evaluated": 6, "A": 1, "B": 2, "C": 2, "D": 1},
        {"key": "西屏街道", "label": "西屏街道", "evaluated": 6, "A": 0, "B": 4, "C": 1, "D": 1}]
    assert [t["year"] for t in c["trend"]] == [2020, 2021]
    assert c["low_efficiency"] == {"count": 2, "mu": 31.5}
    assert [r["rank"] for r in c["top"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [r["rank"] for r in c["bottom"]] == [8, 7, 6, 5, 4, 3, 2, 1]
    output = next(t for t in c["targets"] if t["key"] == "above_scale_output")
    # 8 above-scale enterprises, revenue 3000 + 900 i (i = 0…7), 10 % more in 2021
    assert output["base"] == sum(3000 + 900 * i for i in range(8))
    assert round(output["value"], 6) == round(output["base"] * 1.1, 6)
    assert round(output["actual_growth"], 12) == 0.1
    assert output["goal"] == 2 * output["base"]
    investment = next(t for t in c["targets"] if t["key"] == "industrial_investment")
    assert (investment["base"], investment["value"]) == (None, None)


def test_cockpit_industrial_investment_target(sign_in: SignIn, engine: Engine) -> None:
    """工业投资 is the county's annual figure as the year's published run froze it: a figure set
    after publication shows only with the next published run of that year."""
    def investment() -> dict[str, Any]:
        c = sign_in("leader").get("/api/cockpit").json()
        return next(t for t in c["targets"] if t["key"] == "industrial_investment")

    with Session(engine) as session, session.begin():
        for year, value in ((2020, 50_000.0), (2021, 60_000.0)):
            set_county_figure(session=session, actor=None, year=year,
                              name=INDUSTRIAL_INVESTMENT, value=value, source="统计局")
    assert (investment()["base"], investment()["value"]) == (None, None)
    with Session(engine) as session, session.begin():
        admin = session.scalar(select(User).where(User.username == "admin"))
        later = T0 + timedelta(days=11)  # after the notice of the county's 2021 run
        for year in (2020, 2021):
            run = runs.create_run(session=session, actor=admin, year=year, now=later)
            # one run of a year in notice: the version in notice is finalised first
            for open_run in session.scalars(select(Run).where(Run.year == year,
                                                              Run.status == RunStatus.NOTICE)):
                runs.finalize_run(session=session, actor=admin, run_id=open_run.id, now=later)
            runs.publish_run(session=session, actor=admin, run_id=run.id, now=later)
    target = investment()
    assert (target["base"], target["year"], target["value"]) == (50_000, 2021, 60_000)
    assert target["goal"] == 100_000 and target["progress"] == 0.6
    assert round(target["actual_growth"], 12) == 0.2


def test_cockpit_map_is_geojson_coloured_by_class(sign_in: SignIn) -> None:
    m = sign_in("admin").get("/api/cockpit/parcels").json()
    assert m["type"] == "FeatureCollection" and m["year"] == 2021
    assert len(m["features"]) == 13
    first = m["features"][0]
    # 6000 m² is 9 亩; built on (no agreed start pending), so no idle status
    assert first["properties"] == {"parcel": "331124-T-001", "area_m2": 6000.0, "area_mu": 9.0,
                                   "town": "西屏街道", "zone": "测试园区",
                                   "owner_uscc": CODES[0], "owner": "松阳测试01有限公司",
                                   "class": "D", "low_efficiency": True, "status": None}
    assert first["geometry"]["type"] == "Polygon"
    # a parcel agreed to start on 2019-01-01 and never started: on the app's clock
    # (2022-05-01) more than two years late, so it may be taken back (land.md §2)
    late = m["features"][-1]["properties"]
    assert late["owner_uscc"] == CODES[3]
    assert (late["area_mu"], late["status"]) == (30.0, "reclaimable")


def test_cockpit_page_tables(sign_in: SignIn) -> None:
    html = sign_in("leader").get("/cockpit").text
    t = tables(html)
    assert t["mix-groups"] == [["组别", "参评", "A", "B", "C", "D"],
                               ["规上工业企业", "8", "1", "4", "2", "1"],
                               ["规下工业企业", "4", "0", "2", "1", "1"]]
    assert [row[0] for row in t["trend"]] == ["年度", "2020", "2021"]
    assert len(t["top"]) == 9 and len(t["bottom"]) == 9
    assert {"chart-map", "chart-groups", "chart-trend", "chart-targets"} <= element_ids(html)


def test_page_in_english(sign_in: SignIn) -> None:
    c = sign_in("leader")
    html = c.get("/cockpit?lang=en").text
    assert '<html lang="en">' in html
    assert tables(html)["mix-groups"][0] == ["Group", "Evaluated", "A", "B", "C", "D"]
    # the choice sticks (cookie) until switched back
    assert '<html lang="en">' in c.get("/cockpit").text
    assert '<html lang="zh-CN">' in c.get("/cockpit?lang=zh").text


def test_enterprise_list_filters_sorts_pages(sign_in: SignIn) -> None:
    c = sign_in("admin")
    page = c.get("/api/enterprises", params={"klass": "B", "sort": "score"}).json()
    scores = [i["score"] for i in page["items"]]
    assert page["total"] == 6 and scores == sorted(scores)
    page = c.get("/api/enterprises", params={"per_page": 5, "page": 3, "sort": "uscc"}).json()
    assert (page["total"], [i["uscc"] for i in page["items"]]) == (12, CODES[10:12])
    page = c.get("/api/enterprises", params={"q": "测试07"}).json()
    assert [i["uscc"] for i in page["items"]] == [CODES[6]]
    page = c.get("/api/enterprises", params={"year": 2020, "town": "水南街道"}).json()
    assert page["run"]["label"] == "2020-v1" and page["total"] == 6


def test_enterprise_export_xlsx(sign_in: SignIn) -> None:
    r = sign_in("officer").get("/api/enterprises/export.xlsx", params={"sort": "uscc"})
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("统一社会信用代码", "企业名称", "乡镇街道", "行业")
    assert [row[0] for row in rows[1:]] == CODES[0::2]


def test_land_totals(sign_in: SignIn) -> None:
    page = sign_in("admin").get("/api/land/low-efficiency").json()
    assert page["totals"] == {"count": 2, "land_mu": 31.5, "idle_count": 0, "idle_mu": 0.0,
                              "reclaimable_count": 1, "reclaimable_mu": 30.0}
    assert [i["land_mu"] for i in page["items"]] == sorted(
        (i["land_mu"] for i in page["items"]), reverse=True)
    assert page["idle"][0]["parcel_code"] == "331124-T-900"
    assert page["idle"][0]["status"] == "reclaimable"


def test_policy_view_and_check(sign_in: SignIn) -> None:
    c = sign_in("admin")
    policy = c.get("/api/policies/zhejiang-template").json()
    assert policy["name"] == "zhejiang-template"
    assert "# 工业企业亩均效益综合评价" in policy["text"]
    assert policy["effective"]["cap"] == 2.0
    bad = c.post("/api/policies/check",
                 files={"file": ("bad.yaml", b"name: x\ncap: abc\n", "text/yaml")}).json()
    assert bad["ok"] is False and bad["policy"] is None
    assert [p["key"] for p in bad["problems"]] == ["cap"]
    good = c.post("/api/policies/check",
                  files={"file": ("ok.yaml", b"name: mine\ncap: 1.5\n", "text/yaml")}).json()
    assert (good["ok"], good["policy"]["name"], good["policy"]["effective"]["cap"]) == (
        True, "mine", 1.5)


def test_filter_form_with_its_defaults(sign_in: SignIn) -> None:
    """筛选 with the form's defaults sends empty fields (年度 最新, 档次 全部): the same list as no
    filter at all (a first-wave bug answered 422)."""
    c = sign_in("admin")
    defaults = "year=&q=&town=&industry_code=&group=&klass=&low_efficiency=&sort=&per_page=&page="
    assert c.get(f"/api/enterprises?{defaults}").json() == c.get("/api/enterprises").json()
    page = c.get(f"/enterprises?{defaults}")
    assert page.status_code == 200
    assert tables(page.text)["enterprises"] == tables(c.get("/enterprises").text)["enterprises"]
    assert c.get("/api/enterprises?year=abc").status_code == 422
