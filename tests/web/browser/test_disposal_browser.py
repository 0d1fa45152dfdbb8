"""腾笼换鸟 in the browser: an officer opens a case on a candidate of its town, works it through
with the forms' defaults and a note, completes it, and the leader's cockpit counts its area."""

from __future__ import annotations

from sqlalchemy.orm import Session
from tests.web.browser import pages
from tests.web.county import CODES, T0

from mujun.services.land import candidates


def _area_2022(page) -> str:  # type: ignore[no-untyped-def]
    page.goto("/cockpit")
    pages.settle(page)
    return str(page.locator("#disposal-area tr[data-year='2022'] td:nth-child(2)").inner_text())


def test_officer_opens_a_case_adds_a_note_and_completes_it(new_page, live_store) -> None:  # type: ignore[no-untyped-def]
    leader = new_page("leader")
    assert _area_2022(leader) == "0.00"
    with Session(live_store) as session:
        found = candidates.candidate(session=session, actor=pages.user(session, "officer"),
                                     year=2020, kind="enterprise", key=CODES[0])
    area = pages.num(found.area_mu)
    page = new_page("officer")
    page.goto("/disposal/candidates")
    row = page.locator(f"#candidates tbody tr[data-key='{CODES[0]}']")
    assert row.locator("td").nth(8).inner_text() == "低效企业"
    with page.expect_navigation():
        row.locator("a.open-new").click()
    assert page.locator("#open-case input[name=area_mu]").input_value() == f"{found.area_mu:.2f}"
    pages.submit(page, "#open-case button[type=submit]")
    assert page.locator("#case-stage").inner_text() == "立案"
    assert page.locator("#case-officer").inner_text() == "officer"
    assert page.locator("#case-area").inner_text() == area
    pages.submit(page, "#start-case button[type=submit]")
    assert page.locator("#case-stage").inner_text() == "整治中"
    page.fill("#add-note textarea[name=text]", "约谈企业负责人，制定提升改造方案")
    pages.submit(page, "#add-note button[type=submit]")
    assert pages.cells(page, "#case-notes") == [[T0.date().isoformat(),
                                                 "约谈企业负责人，制定提升改造方案", "officer"]]
    pages.submit(page, "#complete-case button[type=submit]")
    assert page.locator("#case-stage").inner_text() == "办结"
    assert page.locator("#case-completed").inner_text() == T0.date().isoformat()
    assert page.locator("#add-note").count() == 0  # a completed case takes no more notes
    # the candidate now has no open case, and the cockpit counts the area in 2022
    page.goto("/disposal/candidates")
    assert page.locator(f"#candidates tbody tr[data-key='{CODES[0]}'] a.open-new").count() == 1
    assert _area_2022(leader) == area
