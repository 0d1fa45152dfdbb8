"""达产复核 in a real browser: the owner finds its breach and answers; the admin records the
penalty collected (the reviews: ``tests/web/land_reviews.py``)."""

from __future__ import annotations

from tests.web.browser import pages
from tests.web.county import NAMES
from tests.web.land_reviews import add_reviews


def test_enterprise_answers_and_admin_records_collected(new_page, live_store) -> None:  # type: ignore[no-untyped-def]
    add_reviews(live_store)
    ent = new_page("ent")
    ent.goto("/land/reviews")
    assert pages.cells(ent, "#reviews")[0][:2] == ["2021", "2021-v1"]
    ent.click("#reviews tbody a")
    ent.wait_for_selector("#review-rows")
    rows = pages.cells(ent, "#review-rows")
    assert rows[0][:4] == ["331124-T-001", NAMES[0], "测试园区", "到期复核 2021"]
    assert rows[0][8:10] == ["亩均税收、单位增加值能耗", "46.00"]
    assert len(rows) == 2  # its one row, and the total
    ent.click("#review-rows tbody a")
    ent.wait_for_selector("#row-measures")
    assert ent.locator("#row-breaches").inner_text() == "亩均税收、单位增加值能耗"
    assert ent.locator("#row-penalty").inner_text() == "46.00 万元"
    assert "待收缴" in ent.locator("#penalty-list").inner_text()
    ent.fill("#answer textarea[name=text]", "二期厂房已竣工，明年税收可达承诺。")
    pages.submit(ent, "#send-answer")
    assert ent.locator("#answer-text").inner_text() == "二期厂房已竣工，明年税收可达承诺。"
    assert ent.locator("#send-answer").count() == 0

    admin = new_page("admin")
    admin.goto("/land/reviews/1")
    assert pages.cells(admin, "#review-rows")[0][10] == "已答复"
    admin.click("#review-rows tbody a >> nth=0")
    admin.wait_for_selector("#penalty-list")
    assert "二期厂房已竣工" in admin.locator("#answer").inner_text()
    row = admin.locator("#penalty-list tr[data-penalty]")
    row.locator("select[name=decision]").select_option("collected")
    pages.submit(admin, "#penalty-list button[type=submit]")
    assert admin.locator("#penalty-list tr[data-penalty] .penalty-status").inner_text() \
        .startswith("已收缴")
    assert admin.locator("#penalty-list form").count() == 0
