"""Each role in a real browser: its pages and what they show, its limits, an import with errors,
a run's life."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session
from tests.web.browser import pages
from tests.web.browser.parcel_pages import check_parcels
from tests.web.county import CODES, NAMES

from mujun.services.monitoring import views as monitoring_views
from mujun.store.models import User

JOB_TIMEOUT_MS = pages.JOB_TIMEOUT_MS

MAIN_PAGES = {
    "admin": ["/cockpit", "/enterprises", f"/enterprises/{CODES[0]}", "/land", "/land/reviews",
              "/disposal", "/projects", "/runs", "/runs/2", "/imports", "/parcels", "/requests",
              "/programmes", "/policies", "/targets", "/users", "/alerts"],
    "leader": ["/cockpit", "/disposal", "/land/reviews", "/projects", "/parcels",
               "/requests/statistics", "/programmes", "/policies", "/targets"],
    "officer": ["/enterprises", f"/enterprises/{CODES[0]}", "/land", "/disposal", "/land/reviews",
                "/projects", "/parcels", "/requests", "/programmes", "/policies", "/targets",
                "/alerts"],
    "ent": [f"/enterprises/{CODES[0]}", "/land/reviews", "/projects", "/parcels", "/requests",
            "/programmes", "/policies", "/targets/awards"],
    "clerk": ["/imports", "/policies", "/targets"],
}


#: pages reached through links, not from the navigation
LINKED = {f"/enterprises/{CODES[0]}", "/runs/2"}


def _no_error(page) -> None:  # type: ignore[no-untyped-def]
    assert page.locator("section.error").count() == 0, page.url


def _check(page, session: Session, who: User, path: str) -> None:  # type: ignore[no-untyped-def]
    """What ``path`` must show to ``who`` (from the store), and its forms with their defaults."""
    if path == "/cockpit":
        pages.check_cockpit(page, session, who)
    elif path == "/enterprises":
        pages.check_enterprises(page, session, who)
    elif path.startswith("/enterprises/"):
        pages.check_portrait(page, session, who, path.rsplit("/", 1)[-1])
    elif path == "/land":
        pages.check_land(page, session, who)
    elif path == "/disposal":
        pages.check_cases(page, session, who)
    elif path == "/land/reviews":
        pages.check_land_reviews(page, session, who)
    elif path == "/runs":
        pages.check_runs(page, session, who)
    elif path.startswith("/runs/"):
        pages.check_run(page, session, who, int(path.rsplit("/", 1)[-1]))
    elif path == "/imports":
        pages.check_imports(page, who)
    elif path == "/policies":
        pages.check_policies(page, who)
    elif path == "/users":
        pages.check_users(page, session, who)
    elif path == "/parcels":
        check_parcels(page, session, who)
    elif path == "/targets":
        pages.check_targets(page, session, who)
    elif path == "/targets/awards":
        assert page.locator("#awards h3").count() == 2, path
    elif path == "/projects":  # the pipeline's seven stages (docs/projects.md)
        assert page.locator("#pipeline-stages tbody tr[data-stage]").count() == 7, path
    elif path == "/requests":
        assert page.locator("#requests").count() == 1, path
    elif path == "/requests/statistics":
        assert page.locator("#request-stats tbody tr").count() >= 1, path
    elif path == "/programmes":
        assert page.locator("#programme-tabs a").count() >= 2, path
    elif path == "/alerts":  # the open alerts the role sees, as the store has them
        found = monitoring_views.alert_list(session=session, actor=who)
        assert page.locator("#total").inner_text() == str(found.total), path
        assert page.locator("#alerts tbody tr[data-alert]").evaluate_all(
            "trs => trs.map(t => t.dataset.alert)") == [str(r.id) for r in found.items], path
    else:
        raise AssertionError(f"no check for {path}")


@pytest.mark.takes(71)
def test_each_role_walks_its_pages(new_page, live_store) -> None:  # type: ignore[no-untyped-def]
    for role, paths in MAIN_PAGES.items():
        page = new_page(role)
        nav = sorted(page.locator("header nav a").evaluate_all("els => els.map(e => e.pathname)"))
        assert nav == sorted(p for p in paths if p not in LINKED or role == "ent"), role
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, (role, path)
            pages.settle(page)
            _no_error(page)
            with Session(live_store) as session:
                _check(page, session, pages.user(session, role), path)


def test_targets_page_draws_its_charts(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page("officer")
    page.goto("/targets")
    page.wait_for_selector("#chart-doubling canvas")
    page.wait_for_selector("#chart-t-benefit_wan canvas")
    keys = page.locator("#programme .tile").evaluate_all("els => els.map(e => e.dataset.key)")
    assert keys == ["pillar_revenue_wan", "satisfaction", "investment_wan", "talent", "land_mu",
                    "benefit_wan"]
    for key in keys:
        assert page.locator(f"#chart-t-{key} canvas").count() == 1, key
    assert "营业收入" in page.locator("#revenue-note").inner_text()
    assert page.locator(".chart-missing").count() == 0


def test_cockpit_draws_its_charts_and_map(new_page, shot) -> None:  # type: ignore[no-untyped-def]
    page = new_page("leader")
    page.goto("/cockpit")
    page.wait_for_selector("#chart-map[data-features]")
    for chart in ("chart-groups", "chart-trend", "chart-targets", "chart-towns", "chart-map"):
        assert page.locator(f"#{chart} canvas").count() == 1, chart
    assert page.locator("#chart-map").get_attribute("data-features") == "13"
    assert page.locator(".chart-missing").count() == 0
    shot(page, "cockpit")
    page.click("#lang-switch")
    page.wait_for_selector("#chart-map[data-features]")
    assert page.locator("h1").first.inner_text().startswith("Cockpit")
    shot(page, "cockpit-en")


def test_enterprise_cannot_see_another_enterprise(new_page, shot) -> None:  # type: ignore[no-untyped-def]
    page = new_page("ent")
    own = page.goto(f"/enterprises/{CODES[0]}")
    assert own.status == 200 and page.locator("#ent-name").inner_text() == NAMES[0]
    page.wait_for_selector("#chart-indicators canvas")
    shot(page, "portrait")
    other = page.goto(f"/enterprises/{CODES[1]}")
    assert other.status == 404
    body = page.locator("body").inner_text()
    assert NAMES[1] not in body and "91331124000000002" not in body.replace(CODES[1], "")
    api = page.goto(f"/api/enterprises/{CODES[1]}")
    assert api.status == 404 and NAMES[1] not in page.content()
    listing = page.goto("/api/enterprises")
    assert listing.status == 200 and NAMES[1] not in page.content()


def test_import_with_errors_lists_them(new_page, tmp_path, shot) -> None:  # type: ignore[no-untyped-def]
    page = new_page("clerk")
    page.goto("/imports")
    bad = tmp_path / "tax-2021.csv"
    bad.write_text("统一社会信用代码,企业名称,实缴税收(万元)\n"
                   f"{CODES[0]},{NAMES[0]},abc\n91331124BADCODE000,某公司,12\n", encoding="utf-8")
    page.select_option("select[name=department]", "tax")
    page.fill("input[name=year]", "2021")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#upload button[type=submit]")
    # the import is a job: its page shows the progress, then reloads with the report
    page.wait_for_selector("#problems", timeout=JOB_TIMEOUT_MS)
    assert page.locator("#report-rejected").is_visible()
    rows = page.locator("#problems tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").nth(0).inner_text() == "2"
    assert rows.nth(0).locator("td").nth(2).inner_text() == "abc"
    shot(page, "import-errors")
    page.goto("/imports")
    assert page.locator("#history tbody tr td.empty").count() == 1  # nothing was written
    assert page.locator("#jobs tbody tr").count() == 1


@pytest.mark.takes(19)
def test_publish_appeal_resolve_finalise(new_page, live, shot) -> None:  # type: ignore[no-untyped-def]
    _, clock = live
    admin = new_page("admin")
    admin.goto("/runs")
    # a second version of 2020 (final): 2021 has its run in notice, one per year
    admin.fill("#create input[name=year]", "2020")
    admin.click("#create button[type=submit]")
    admin.wait_for_selector("#job-run a", timeout=JOB_TIMEOUT_MS)  # the run is made by a job
    admin.click("#job-run a")
    admin.wait_for_selector("#publish")
    assert admin.locator("#run-status").inner_text() == "草稿"
    admin.click("#publish")
    admin.wait_for_selector("#finalize-blocked")  # 定稿 only once the notice is over
    assert admin.locator("#run-status").inner_text() == "公示中"
    assert admin.locator("#finalize").count() == 0
    shot(admin, "run")

    ent = new_page("ent")
    ent.goto(f"/enterprises/{CODES[0]}?year=2021")
    ent.fill("#appeal-form textarea[name=reason]", "本年度税收漏报一笔，申请核实。")
    ent.click("#appeal-form button[type=submit]")
    ent.wait_for_selector("#appeal-filed")
    assert "待处理" in ent.locator("#appeals tbody tr[data-appeal]").inner_text()
    assert ent.locator("#appeal-form").count() == 0

    admin.goto("/runs/2")  # the 2021 run, in notice
    row = admin.locator("#run-appeals tr[data-appeal]")
    assert "本年度税收漏报一笔" in row.inner_text()
    row.locator("select[name=decision]").select_option("reject")
    row.locator("input[name=note]").fill("经税务局核实，数据无误。")
    row.locator("button[type=submit]").click()
    admin.wait_for_selector("#run-appeals tr[data-appeal]")
    assert "已驳回" in admin.locator("#run-appeals tr[data-appeal]").inner_text()

    clock.now += timedelta(days=30)  # the notice closes, and the sessions started before end
    admin, ent = new_page("admin"), new_page("ent")
    admin.goto("/runs/2")
    admin.click("#finalize")
    admin.wait_for_selector("#notice-export")
    assert admin.locator("#run-status").inner_text() == "已定稿"

    ent.goto(f"/enterprises/{CODES[0]}?year=2021")
    assert "经税务局核实，数据无误。" in ent.locator("#appeals").inner_text()
    assert ent.locator("#appeal-form").count() == 0


def test_screenshots_of_the_other_pages(new_page, shot) -> None:  # type: ignore[no-untyped-def]
    page = new_page("admin")
    for name, path in (("enterprises", "/enterprises"), ("land", "/land"), ("runs", "/runs"),
                       ("policies", "/policies")):
        page.goto(path)
        pages.settle(page)
        shot(page, name)
    login = new_page()
    login.goto("/login")
    shot(login, "login")
