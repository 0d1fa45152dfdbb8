"""What each page must show, read from the store through the services the pages use, and the
checks that the browser shows it; forms are submitted with their defaults.

The expected text is formatted here (two decimals with thousands separators, "—" for none), not by
the app's own filters, so a page that drops or misformats a number fails.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.web.county import T0 as COUNTY_T0

from mujun.services import (
    cockpit,
    import_views,
    lists,
    policy_view,
    portrait,
    run_views,
    user_views,
)
from mujun.services.labels import LABELS
from mujun.services.land import candidates, case_views, review_views
from mujun.services.targets import report as targets_report
from mujun.store.models import User

#: a job's worker process starts from a forkserver that imports the modules first (seconds on a
#: loaded machine); a bound, not a timing test
JOB_TIMEOUT_MS = 120_000


def num(value: float | int | None, digits: int = 2) -> str:
    """Half away from zero, thousands separators, the minus sign U+2212, never "−0.00"."""
    if value is None:
        return "—"
    r = Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{abs(r):,.{digits}f}"
    return "−" + text if r < 0 else text


def county(value: float | None, unit: str) -> str:
    """A county total as the cockpit shows it: 万元 in 亿元."""
    return num(value / 10_000 if value is not None and unit == "万元" else value)


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def cells(page: Any, selector: str) -> list[list[str]]:
    """The text of each body row's cells of the table ``selector`` (not the "none" row)."""
    return page.locator(f"{selector} tbody tr").evaluate_all(
        "trs => trs.filter(tr => !tr.querySelector('td.empty'))"
        ".map(tr => [...tr.cells].map(c => c.innerText.trim()))")


def settle(page: Any) -> None:
    """Wait until a loaded page has drawn its data: no fetch of app.js still pending (it marks
    ``<html aria-busy>`` while one is), then an animation frame and a turn of the event loop, so
    that the charts are painted and an error thrown while drawing has been reported. Much
    quicker than the browser's idle network, which waits half a second on every page."""
    page.wait_for_function("() => !document.documentElement.hasAttribute('aria-busy')")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")


def submit(page: Any, button: str) -> Any:
    """Click a form's submit button as it is (its defaults); the new page must load with 200."""
    with page.expect_navigation() as nav:
        page.click(button)
    response = nav.value
    assert response is not None and response.status == 200, (button, page.url, response.status)
    settle(page)
    return response


# --- pages ------------------------------------------------------------------------------------


def check_cockpit(page: Any, session: Session, who: User) -> None:
    data = cockpit.cockpit(session=session, actor=who)
    assert data.year is not None and data.groups, "the county has a published year"
    assert page.locator("#kpi-evaluated").inner_text() == str(
        sum(g.evaluated for g in data.groups))
    for table, rows in (("#mix-groups", data.groups), ("#mix-towns", data.by_town),
                        ("#mix-industries", data.by_industry)):
        assert cells(page, table) == [[r.label, *(str(n) for n in (r.evaluated, r.A, r.B, r.C,
                                                                     r.D))] for r in rows], table
    assert cells(page, "#trend") == [
        [str(t.year), str(t.evaluated), str(t.A), str(t.B), str(t.C), str(t.D),
         num(t.mean_score), num(t.low_efficiency_mu)] for t in data.trend]
    for target in data.targets:
        shown = [t.strip() for t in
                 page.locator(f"#targets tr[data-key={target.key}] td").all_inner_texts()]
        assert shown[1] == county(target.base, target.unit), target.key
        assert shown[2].split(" (")[0] == county(target.value, target.unit)
        assert shown[3] == county(target.goal, target.unit)
        assert shown[6] == county(target.projection, target.unit), target.key
    for table, ranked in (("#top", data.top), ("#bottom", data.bottom)):
        assert cells(page, table) == [[str(r.rank) if r.rank else "—", r.name or "", r.town or "—",
                                       num(r.score), r.klass or "—"] for r in ranked], table


def _enterprise_rows(items: list[lists.EnterpriseRow]) -> list[list[str]]:
    """Columns 0–3 and 5–8 of the list (the group column is a label)."""
    return [[r.uscc, r.name, r.town or "—", r.industry, num(r.score),
             _rank(r), r.klass or "—", "✓" if r.low_efficiency else ""]
            for r in items]


def _rank(r: lists.EnterpriseRow) -> str:
    """``3/412`` within the group, ``1/8 (并列 37)`` when others share the place."""
    if not r.rank:
        return "—"
    return f"{r.rank}/{r.group_size}" + (f" (并列 {r.tied})" if r.tied and r.tied > 1 else "")


def check_enterprises(page: Any, session: Session, who: User) -> None:
    data = lists.enterprises(session=session, actor=who, filters=lists.EnterpriseFilter())
    assert data.items, "someone is in scope"

    def shown() -> list[list[str]]:
        return [row[:4] + row[5:] for row in cells(page, "#enterprises")]

    assert page.locator("#total").inner_text() == str(data.total)
    assert shown() == _enterprise_rows(data.items)
    submit(page, "form.filters button[type=submit]")  # 筛选 with 年度 最新, 档次 全部 …
    assert page.locator("#total").inner_text() == str(data.total)
    assert shown() == _enterprise_rows(data.items)


def check_portrait(page: Any, session: Session, who: User, uscc: str) -> None:
    p = portrait.portrait(session=session, actor=who, uscc=uscc)
    e = p.explanation
    assert e is not None and e["group"], "the county's enterprises are all evaluated"
    assert page.locator("#ent-name").inner_text() == p.enterprise.name
    assert page.locator("#uscc").inner_text() == uscc
    assert page.locator("#score").inner_text() == num(e["score"])
    assert page.locator("#klass").inner_text() == e["klass"]
    indicators = page.locator("#indicators tr[data-indicator]")
    assert indicators.evaluate_all("trs => trs.map(tr => tr.dataset.indicator)") == [
        i["id"] for i in e["indicators"]]
    assert indicators.evaluate_all("trs => trs.map(tr => tr.cells[1].innerText.trim())") == [
        num(i["value"]) for i in e["indicators"]]


def _land_rows(items: list[lists.LandRow]) -> list[list[str]]:
    return [[r.name or "", r.town or "—", r.industry, r.klass or "", num(r.score), num(r.land_mu),
             num(r.tax_per_mu)] for r in items]


def check_land(page: Any, session: Session, who: User) -> None:
    data = lists.low_efficiency_land(session=session, actor=who, today=COUNTY_T0.date())
    assert data.items, "the county has low-efficiency land"

    def shown() -> list[list[str]]:
        rows = cells(page, "#low-efficiency")
        return [[row[0].replace(" 一票否决", ""), *row[1:]] for row in rows[:-1]]

    assert page.locator("#total-mu").inner_text() == f"{num(data.totals.land_mu)} 亩"
    assert cells(page, "#low-efficiency")[-1][-2] == num(data.totals.land_mu)
    assert page.locator("#idle-count").inner_text() == str(data.totals.idle_count)
    assert shown() == _land_rows(data.items)
    submit(page, "form.filters button[type=submit]")
    assert shown() == _land_rows(data.items)
    # the idle parcels are a list of their own, largest first
    idle = lists.idle_parcels(session=session, actor=who, today=COUNTY_T0.date())
    with page.expect_navigation():
        page.click("#to-idle")
    settle(page)
    assert [[row[0], row[4]] for row in cells(page, "#idle")] == [
        [p.parcel_code, f"{num(p.area_mu)} {num(p.area_m2, 0)} m²"] for p in idle.items]


def check_cases(page: Any, session: Session, who: User) -> None:
    """The case list shows its total; the candidates page, reached from it, the year's."""
    data = case_views.case_list(session=session, actor=who, today=COUNTY_T0.date())
    assert page.locator("#total").inner_text() == str(data.total)
    found = candidates.candidates(session=session, actor=who)
    with page.expect_navigation():
        page.click("#to-candidates")
    settle(page)
    assert [row[2] for row in cells(page, "#candidates")] == [r.key for r in found.items]


def check_land_reviews(page: Any, session: Session, who: User) -> None:
    """The reviews the role sees, with the counts of its rows; the filter form's defaults."""
    found = review_views.reviews(session=session, actor=who, paged=False).items
    expected = [[str(s.year), s.label, str(s.n_rows), str(s.n_breaches)] for s in found]

    def shown() -> list[list[str]]:
        return [[row[0], row[1], row[3], row[5]] for row in cells(page, "#reviews")]

    assert shown() == expected
    assert (page.locator("#review-create").count() == 1) == (who.role == "admin")
    submit(page, "form.filters[method=get] button[type=submit]")
    assert shown() == expected


def check_runs(page: Any, session: Session, who: User) -> None:
    runs = run_views.list_runs(session=session, actor=who)
    assert [[row[0], row[2], row[3], row[6]] for row in cells(page, "#runs")] == [
        [r.label, r.policy_title, str(r.n_results), r.snapshot_hash[:10]] for r in runs]
    # 冻结数据并评价 with its defaults: 2025, a year the county has no figures for. The run is
    # made by a job: its page polls, then reloads with why the job failed
    page.click("#create button[type=submit]")
    page.wait_for_selector("#job-failed", timeout=JOB_TIMEOUT_MS)
    assert "2025" in page.locator("#job-failed").inner_text()
    assert page.locator("#job-run").count() == 0
    assert run_views.list_runs(session=session, actor=who) == runs  # nothing was created


def check_run(page: Any, session: Session, who: User, run_id: int) -> None:
    d = run_views.run_detail(session=session, actor=who, run_id=run_id)

    def results() -> list[list[str]]:
        return [[row[0], row[1], row[5], row[6], row[7]] for row in cells(page, "#run-results")]

    expected = [[r.uscc, r.name or "", num(r.score), str(r.rank) if r.rank else "—",
                 r.klass or "—"] for r in d.results.items]
    assert [row[1:] for row in cells(page, "#run-mix")] == [
        [str(m[k]) for k in "ABCD"] for m in d.mix.values()]
    assert results() == expected
    others = [r for r in run_views.list_runs(session=session, actor=who) if r.id != run_id]
    submit(page, "#diff")  # 比较 with the first other run: its own page, older → newer
    diff = run_views.run_diff(session=session, actor=who, run_a=run_id, run_b=others[0].id)
    assert page.locator("#diff-result h2 small").inner_text() == f"{diff.changes} 家档次变化"
    page.go_back()
    settle(page)
    submit(page, "#what-if")  # 模拟 with the first policy offered (one that covers the year)
    whatif = run_views.what_if(session=session, actor=who, run_id=run_id,
                               policy_name=run_views.what_if_policies(session, d.run.year)[0].name)
    assert page.locator("#whatif-result h2 small").inner_text().startswith(f"{whatif.changes} ")
    page.go_back()
    settle(page)
    submit(page, "#results form.filters button[type=submit]")  # 筛选 with every filter 全部
    assert results() == expected


def check_imports(page: Any, who: User) -> None:
    codes = [d.code for d in import_views.departments(actor=who)]
    assert codes
    shown = [row[0] for row in cells(page, "#templates table")]
    expected = [LABELS["department"][code] for code in codes]  # 税务, not tax
    if "land" in codes:  # the land department's parcels template follows its figures' one
        at = codes.index("land") + 1
        expected[at:at] = [f"{LABELS['department']['land']} · 地块"]
    assert shown == expected


def check_policies(page: Any, who: User) -> None:
    shipped = policy_view.list_policies(actor=who)
    assert [row[0] for row in cells(page, "#policies")] == [f"{s.title} {s.name}" for s in shipped]
    # the policy as a parameter table (key path, title, value with unit), not the raw YAML
    weight = page.locator("#parameters tr[data-key='groups.above.indicators.tax_per_mu.weight']")
    assert weight.locator("td.value").inner_text() == "40 分"


def check_users(page: Any, session: Session, who: User) -> None:
    data = user_views.list_users(session=session, actor=who, filters=user_views.UserFilter())
    assert page.locator("#total").inner_text() == str(data.total)
    assert [row[0] for row in cells(page, "#users")] == [u.username for u in data.items]
    submit(page, "form.filters[method=get] button[type=submit]")  # the filters' defaults
    assert [row[0] for row in cells(page, "#users")] == [u.username for u in data.items]


def check_targets(page: Any, session: Session, who: User) -> None:
    """目标任务: each 五个翻番 row and each 个十百千万亿 tile as the targets service gives them."""
    data = targets_report.targets(session=session, actor=who)
    for t in data.doubling:
        shown = [c.strip() for c in
                 page.locator(f"#targets tr[data-key={t.key}] td").all_inner_texts()]
        assert shown[1] == county(t.base, t.unit), t.key
        assert shown[2].split(" (")[0] == county(t.value, t.unit), t.key
        assert shown[3] == county(t.goal, t.unit), t.key
        assert shown[6] == county(t.projection, t.unit), t.key
    for t in data.programme:
        tile = page.locator(f"#programme .tile[data-key={t.key}]")
        digits = 0 if t.unit == "人" else 2
        value = county(t.value, t.unit) if t.unit == "万元" else num(t.value, digits)
        assert tile.locator(".value").inner_text().split(" ")[0] == value, t.key
        assert (tile.locator(".no-data").count() > 0) == bool(t.missing), t.key
    awards = targets_report.awards(session=session, actor=who, year=data.year)
    for g in awards.groups:
        assert [row[1] for row in cells(page, f"#awards-{g.group}")] == [
            x.name or "—" for x in g.leaders], g.group
