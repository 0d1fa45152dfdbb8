"""奖补兑现 in a real browser: the admin records a payment with the form's defaults where it has
them, the list's total moves, the year filter keeps it; the enterprise sees it on its own list."""

from __future__ import annotations

from tests.web.county import CODES, NAMES


def test_admin_records_a_payment_and_the_total_moves(new_page) -> None:  # type: ignore[no-untyped-def]
    admin = new_page("admin")
    admin.goto("/programmes")
    assert admin.locator("header nav a.active").inner_text() == "专项工作"
    admin.click("#programme-tabs a[href='/programmes/payments']")
    admin.wait_for_url("**/programmes/payments")
    assert admin.locator("#total-amount").inner_text() == "0.00 万元"
    form = admin.locator("#record-payment form")
    form.locator("input[name=uscc]").fill(CODES[0])
    form.locator("input[name=year]").fill("2021")
    assert form.locator("select[name=programme]").input_value() == "per_mu_award"  # the default
    form.locator("input[name=amount_wan]").fill("25.5")
    form.locator("button[type=submit]").click()
    admin.wait_for_url("**/programmes/payments?year=2021*")
    assert admin.locator("#total-amount").inner_text() == "25.50 万元"
    row = admin.locator("#payments tbody tr").first
    assert NAMES[0] in row.inner_text() and "亩均效益奖励" in row.inner_text()
    assert "2021" in admin.locator("h1").inner_text()
    # a second payment of another programme: the total is the sum
    form = admin.locator("#record-payment form")
    form.locator("input[name=uscc]").fill(CODES[1])
    form.locator("input[name=year]").fill("2021")
    form.locator("select[name=programme]").select_option("tech_upgrade")
    form.locator("input[name=amount_wan]").fill("10")
    form.locator("button[type=submit]").click()
    admin.wait_for_url("**/programmes/payments?year=2021*")
    assert admin.locator("#total-amount").inner_text() == "35.50 万元"
    # the filter form with its defaults: every year, the same two payments
    admin.goto("/programmes/payments")
    admin.locator("main form.filters[method=get] button[type=submit]").click()
    admin.wait_for_load_state()
    assert admin.locator("#total-amount").inner_text() == "35.50 万元"
    assert admin.locator("#payments tbody tr:not(.total)").count() == 2

    ent = new_page("ent")
    ent.goto("/programmes/payments")
    assert ent.locator("#total-amount").inner_text() == "25.50 万元"
    assert NAMES[1] not in ent.locator("#payments").inner_text()
    assert ent.locator("#record-payment").count() == 0  # the admin's form only
