"""用电预警 in the browser (issue 13, point 5): an alert of the officer's town reaches the
officer's worklist, the officer opens it, sees its months drawn, closes it with the note of a
visit, and the alert then shows as closed with the note — on its page, in the closed view and on
the enterprise's portrait; the leader's cockpit counts one open alert fewer."""

from __future__ import annotations

import pytest
from tests.web import monitoring_data
from tests.web.browser import pages
from tests.web.county import CODES, NAMES, T0

from mujun.engine.monitoring import months

NOTE = "走访企业负责人：设备检修停产，预计五月复产，已协调电力部门跟踪。"


def _open_count(page) -> str:  # type: ignore[no-untyped-def]
    page.goto("/cockpit")
    pages.settle(page)
    return str(page.locator("#monitoring-total").inner_text())


@pytest.mark.takes(14)
def test_officer_closes_an_alert_of_its_town_with_a_visit_note(new_page) -> None:  # type: ignore[no-untyped-def]
    leader = new_page("leader")
    assert _open_count(leader) == "3"
    assert leader.locator("#chart-county-kwh canvas").count() == 1
    page = new_page("officer")
    with page.expect_navigation():
        page.click("header nav a[href='/alerts']")
    pages.settle(page)
    assert pages.cells(page, "#alerts")[0][:5] == ["#1", NAMES[0], "西屏街道",
                                                   "31 黑色金属冶炼和压延加工业", "停产预警"]
    assert page.locator("#alerts tbody tr[data-alert='2']").count() == 0  # the other town's
    with page.expect_navigation():
        page.click("#alerts tbody tr[data-alert='1'] a[href='/alerts/1']")
    pages.settle(page)
    assert page.locator("#alert-status").inner_text() == "未关闭"
    assert page.locator("#chart-alert-kwh canvas").count() == 1
    assert page.locator("#visit-form input[name=visited_on]").input_value() == T0.date().isoformat()
    # the note is required: the browser does not send the form without it
    page.click("#visit-form button[type=submit]")
    assert page.locator("#visit-form").count() == 1 and page.url.endswith("/alerts/1")
    page.fill("#visit-form textarea[name=note]", NOTE)
    pages.submit(page, "#visit-form button[type=submit]")
    assert page.locator("#alert-done").count() == 1
    assert page.locator("#alert-status").inner_text() == "已关闭"
    assert page.locator("#closed-reason").inner_text() == "已走访"
    assert page.locator("#visit-note").inner_text() == NOTE
    assert page.locator("#visited-on").inner_text() == T0.date().isoformat()
    assert page.locator("#closed-by").inner_text() == "officer"
    assert page.locator("#visit-form").count() == 0
    # off the worklist, in the closed view, on the portrait
    page.goto("/alerts")
    assert page.locator("#alerts tbody tr[data-alert='1']").count() == 0
    page.goto("/alerts?status=closed")
    row = pages.cells(page, "#alerts")
    assert [row[0][0], row[0][-1]] == ["#1", "已走访 · officer"]
    page.goto(f"/enterprises/{CODES[0]}")
    assert pages.cells(page, "#power-alerts")[0][4:] == ["已关闭", "已走访",
                                                         T0.date().isoformat()]
    assert _open_count(leader) == "2"


@pytest.mark.takes(8)
def test_a_power_file_that_corrects_a_reading_is_imported_once_a_reason_is_given(
        new_page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The admin uploads a corrected March (stored and monitored already) and a new April: the
    page lists the change and writes nothing; the accept form with its default (an empty reason)
    is not sent by the browser; with a reason the file is imported and the reason shown."""
    march = months.index(2022, 3)
    old = monitoring_data.kwh(2, march)
    assert old is not None
    power = tmp_path / "更正.csv"
    power.write_text("统一社会信用代码,月份,用电量(千瓦时)\n"
                     f"{CODES[2]},2022-03,{old + 500}\n{CODES[2]},2022-04,1234\n",
                     encoding="utf-8")
    page = new_page("admin")
    page.goto("/imports")
    page.set_input_files("#power-import input[name=file]", str(power))
    pages.submit(page, "#power-import form[action='/imports/power'] button[type=submit]")
    assert page.locator("#power-waiting").is_visible()
    assert page.locator("#power-result").count() == 0
    changes = pages.cells(page, "#power-changes")
    assert len(changes) == 1 and CODES[2] in changes[0][1] and "2022-03" in changes[0][2]
    # the default: an empty reason; the browser keeps the form on the page
    page.click("#power-accept button[type=submit]")
    assert page.locator("#power-accept").count() == 1 and page.locator("#power-result").count() == 0
    page.fill("#power-accept input[name=reason]", "供电公司更正抄表")
    pages.submit(page, "#power-accept button[type=submit]")
    assert "更新 1 条" in page.locator("#power-result").inner_text()
    assert "新增 1 条" in page.locator("#power-result").inner_text()
    assert "供电公司更正抄表" in page.locator("#power-reason").inner_text()
    # the same file again: nothing to accept, nothing changed
    page.goto("/imports")
    page.set_input_files("#power-import input[name=file]", str(power))
    pages.submit(page, "#power-import form[action='/imports/power'] button[type=submit]")
    assert "新增 0 条，更新 0 条，未变 2 条" in page.locator("#power-result").inner_text()
