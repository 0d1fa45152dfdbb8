"""地块档案 in a real browser: from the list, filtered by status with the form, to a parcel's page
with its status, area, consequence and outline; the same in English."""

from __future__ import annotations

from tests.web.browser.pages import settle, submit
from tests.web.county import CODES, NAMES


def test_open_a_reclaimable_parcel_from_the_list(new_page, shot) -> None:  # type: ignore[no-untyped-def]
    page = new_page("officer")
    page.goto("/parcels")
    page.select_option("form.filters select[name=status]", "reclaimable")
    submit(page, "form.filters button[type=submit]")
    rows = page.locator("#parcels tbody tr:not(.total)")
    assert rows.count() == 1
    assert rows.first.locator("td").nth(8).inner_text() == "可收回"
    assert page.locator("#parcel-count").inner_text() == "1"
    with page.expect_navigation():
        rows.first.locator("a").click()
    assert page.url.endswith("/parcels/331124-T-900")
    assert page.locator("#parcel-code").inner_text() == "331124-T-900"
    assert page.locator("#status-label").inner_text() == "可收回"
    assert page.locator("#area").inner_text() == "30.00 亩 20,000 m²"
    assert page.locator("#consequence").inner_text() == \
        "闲置满两年：可无偿收回国有建设用地使用权（逾期 1216 天）。"
    # the officer of 西屏街道 may open the owner's portrait only if it is of its town: 04 is not
    assert page.locator("#owner").inner_text().startswith(NAMES[3])
    assert page.locator(f"#owner a[href='/enterprises/{CODES[3]}']").count() == 0
    assert page.locator("#parcel-shape path").count() == 1
    shot(page, "parcel")
    with page.expect_navigation():
        page.click("#lang-switch")
    settle(page)
    assert page.locator("#status-label").inner_text() == "reclaimable"
    assert page.locator("#consequence").inner_text() == (
        "Idle for two years: the land use right may be taken back without compensation "
        "(1216 days past the agreed start).")
