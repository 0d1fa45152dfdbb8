"""At a phone's width (390 × 844) no page is wider than the screen, and the cockpit's map says
what its colours mean and gives areas in 亩."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from tests.web import county
from tests.web.browser import pages
from tests.web.browser.test_browser import MAIN_PAGES

from mujun.services import cockpit

WIDTH, HEIGHT = 390, 844

#: every page each role reaches from its navigation (the walk of test_browser), and its own
#: password page
PAGES = {role: [*paths, "/password"] for role, paths in MAIN_PAGES.items()}

LEGEND = ["A 档", "B 档", "C 档", "D 档", "闲置（超期未开工）", "未参评或储备地",
          "低效用地（红框）"]


def _width(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.takes(39)
def test_no_page_is_wider_than_a_phone(new_page, shot) -> None:  # type: ignore[no-untyped-def]
    for role, paths in PAGES.items():
        page = new_page(role, WIDTH, HEIGHT)
        for path in paths:
            assert page.goto(path).status == 200, (role, path)
            pages.settle(page)
            assert _width(page) <= WIDTH, (role, path, _width(page))
            for chart in page.locator(".chart").all():  # each chart drawn, within the screen
                box = chart.bounding_box()
                assert box is not None and box["width"] <= WIDTH, (role, path)
            if role == "admin":
                shot(page, "phone" + path.replace("/", "-"))
    login = new_page(None, WIDTH, HEIGHT)
    login.goto("/login")
    assert _width(login) <= WIDTH


def _map_tip(page, parcel: str) -> str:  # type: ignore[no-untyped-def]
    """The map's tooltip of ``parcel`` as chromium shows it."""
    page.evaluate("""(parcel) => {
        const chart = echarts.getInstanceByDom(document.getElementById("chart-map"));
        const i = chart.getOption().series[0].data.findIndex((d) => d.name === parcel);
        chart.dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex: i });
    }""", parcel)
    tip = page.locator("#chart-map > div").filter(has_text=parcel)
    tip.first.wait_for(state="visible")
    return str(tip.first.inner_text())


def test_cockpit_map_legend_and_tooltip_in_mu(new_page, live_store, shot) -> None:  # type: ignore[no-untyped-def]
    page = new_page("leader", WIDTH, HEIGHT)
    page.goto("/cockpit")
    page.wait_for_selector("#chart-map[data-features]")
    assert page.locator("#map-legend li").all_inner_texts() == LEGEND
    with Session(live_store) as session:
        leader = pages.user(session, "leader")
        features = cockpit.parcel_map(session=session, actor=leader,
                                      today=county.T0.date()).features
    first = features[0]["properties"]
    page.select_option("#map-zone", first["zone"])
    lines = _map_tip(page, first["parcel"]).splitlines()
    assert lines == [f"地块编号 {first['parcel']}", f"权利人 {first['owner']}",
                     f"档次 {first['class']} 档", "状态 低效用地",
                     f"面积 {pages.num(first['area_mu'])} 亩 ({pages.num(first['area_m2'], 0)} m²)"]
    # the county's unbuilt parcel, two years past its agreed start (reserve land is never idle)
    reserve = features[-1]["properties"]
    assert reserve["owner"] is not None and reserve["status"] == "reclaimable"
    page.select_option("#map-zone", reserve["zone"] or "")
    lines = _map_tip(page, reserve["parcel"]).splitlines()
    assert lines[1] == f"权利人 {reserve['owner']}" and lines[3] == "状态 可收回"
    assert lines[4].startswith(f"面积 {pages.num(reserve['area_mu'])} 亩")
    shot(page, "phone-cockpit-map")
    # in English the legend and the tooltip are English
    page.click("#lang-switch")
    page.wait_for_selector("#chart-map[data-features]")
    legend = page.locator("#map-legend li").all_inner_texts()
    assert legend[0] == "Class A" and not any("档" in text for text in legend), legend
    page.select_option("#map-zone", first["zone"])
    tip = _map_tip(page, first["parcel"])
    assert tip.splitlines()[0] == f"Parcel {first['parcel']}", tip
    assert f"{pages.num(first['area_mu'])} mu" in tip and "亩" not in tip, tip


def _option(page, chart: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return dict(page.evaluate(
        "(id) => echarts.getInstanceByDom(document.getElementById(id)).getOption()", chart))


def test_chart_labels_are_the_pages_in_its_language(new_page) -> None:  # type: ignore[no-untyped-def]
    """The class-mix charts name their bars as the tables beside them do (the whole label, its
    code first; the axis cuts only the end to fit) and their legends in the page's language."""
    page = new_page("leader", WIDTH, HEIGHT)
    for lang, legend in (("zh", ["A 档", "B 档", "C 档", "D 档"]),
                         ("en", ["Class A", "Class B", "Class C", "Class D"])):
        page.goto(f"/cockpit?lang={lang}")
        page.wait_for_selector("#chart-map[data-features]")
        for chart, table in (("chart-industries", "#mix-industries"), ("chart-towns", "#mix-towns"),
                             ("chart-groups", "#mix-groups")):
            option = _option(page, chart)
            axis = option["yAxis"][0] if chart != "chart-groups" else option["xAxis"][0]
            assert axis["data"] == [row[0] for row in pages.cells(page, table)], (lang, chart)
            assert [s["name"] for s in option["series"]] == legend, (lang, chart)
        industries = _option(page, "chart-industries")["yAxis"][0]
        assert industries["axisLabel"]["overflow"] == "truncate"
        assert all(label.split(" ")[0].isdigit() for label in industries["data"])
        trend = _option(page, "chart-trend")
        assert [s["name"] for s in trend["series"]][:4] == legend
        box = page.locator("#chart-industries").bounding_box()
        assert box is not None and box["height"] >= 28 * len(industries["data"])
