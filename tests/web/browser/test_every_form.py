"""Every form and link works with its defaults (issue 9, point 1): each role of the demo county
walks every page it reaches from the navigation and the pages' links, submits each GET form with
its defaults and with each filter, follows each pager and export; the safe POST forms are
submitted once each (docs/testing.md, "The crawl").

The demo county (runs of 1,265 results, 2020–2024 final and 2025 in notice) is loaded once per
test session, as ``mujun demo`` loads it, and each test serves its own copy: its lists are long
enough to page, which the small test county's are not.
"""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.web import county
from tests.web.browser import crawl

import mujun.policies
from mujun.demo.generate import generate
from mujun.services import access, users
from mujun.services.demo import load_demo
from mujun.services.demo_accounts import ensure_demo_accounts
from mujun.services.monitoring import views as alert_views
from mujun.services.schemas import UserCreate
from mujun.store import db
from mujun.store.migrate import upgrade_to_head
from mujun.store.models import Appeal, Run, RunResult, User

#: the demo's "now": its 2025 run was published the day before, so it is in public notice
DEMO_NOW = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)
#: the demo accounts (services/demo_accounts.py) and the pages each reaches from its navigation
#: (services/access.py); the enterprise's own portrait stands for "我的企业"
NAV = {
    "admin": ["/cockpit", "/enterprises", "/land", "/alerts", "/disposal", "/land/reviews",
              "/projects", "/runs", "/imports", "/parcels", "/requests", "/programmes",
              "/policies", "/targets", "/users"],
    "clerk-tax": ["/imports", "/policies", "/targets"],
    "clerk-finance": ["/requests", "/policies", "/targets"],
    "clerk-econ": ["/requests", "/policies", "/targets"],
    "clerk-devreform": ["/projects", "/imports", "/policies", "/targets"],
    "clerk-power": ["/imports", "/requests", "/policies", "/targets"],
    "clerk-land": ["/imports", "/parcels", "/requests", "/policies", "/targets"],
    "officer": ["/enterprises", "/land", "/alerts", "/disposal", "/land/reviews", "/projects",
                "/parcels", "/requests", "/programmes", "/policies", "/targets"],
    "enterprise": ["/enterprises/{uscc}", "/land/reviews", "/projects", "/parcels", "/requests",
                   "/programmes", "/policies", "/targets/awards"],
    "leader": ["/cockpit", "/disposal", "/land/reviews", "/projects", "/parcels",
               "/requests/statistics", "/programmes", "/policies", "/targets"],
}

#: pages a role reaches only through links on its pages
REACHES = {
    "admin": {"/enterprises/{uscc}", "/enterprises/{uscc}/history", "/runs/{id}", "/password",
              "/land/reviews/{id}", "/land/review-rows/{id}", "/requests/{id}",
              "/requests/statistics", "/parcels/{code}", "/programmes/talent",
              "/programmes/ipo", "/programmes/payments", "/programmes/safety",
              "/land/idle", "/disposal/candidates", "/disposal/{id}", "/disposal/new",
              "/projects/{id}"},
    "clerk-tax": {"/password"},
    "clerk-finance": {"/requests/{id}", "/requests/statistics", "/password"},
    "clerk-econ": {"/requests/{id}", "/requests/statistics", "/password"},
    "clerk-devreform": {"/projects/{id}", "/password"},
    "clerk-power": {"/password"},
    "clerk-land": {"/password", "/parcels/{code}"},
    "officer": {"/enterprises/{uscc}", "/password", "/land/reviews/{id}", "/requests/{id}",
                "/parcels/{code}", "/land/idle", "/disposal/candidates", "/disposal/{id}",
                "/disposal/new", "/projects/{id}"},
    # the demo's enterprise holds no standard land, so no 达产复核 is its own to open
    "enterprise": {"/enterprises/{uscc}", "/password", "/requests/{id}", "/parcels/{code}"},
    "leader": {"/password", "/land/reviews/{id}", "/land/review-rows/{id}", "/parcels/{code}",
               "/programmes/talent", "/programmes/payments", "/programmes/safety",
               "/disposal/candidates", "/disposal/{id}", "/projects/mine", "/projects/{id}"},
}


def _build_demo(path: Path) -> None:
    folder = path.parent / "demo-files"
    generate(folder)
    engine = db.make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    with Session(engine, expire_on_commit=False) as session:
        admin = users.ensure_admin(session=session)
        load_demo(session=session, actor=admin, folder=folder, say=lambda _: None, now=DEMO_NOW)
        # the demo accounts, signing in with the test county's password (new_page's)
        ensure_demo_accounts(session=session, password=county.PASSWORD)
        session.commit()
    engine.dispose()


@pytest.fixture(scope="session")
def county_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The county the server serves a copy of (conftest's ``live_store``): here the demo
    county, loaded once for the test run. The pytest-xdist workers share the run's temporary
    root and take turns through a lock, so only the first one loads it."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    path = root / "crawl-demo" / "demo.db"
    path.parent.mkdir(exist_ok=True)
    with (root / "crawl-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            part = path.with_suffix(".part")
            part.unlink(missing_ok=True)
            _build_demo(part)
            part.rename(path)
    return path


@pytest.fixture
def live(live):  # type: ignore[no-untyped-def]
    """conftest's server over the demo county, its clock at the demo's now."""
    _, clock = live
    clock.now = DEMO_NOW
    return live


def _alert_pages(engine: Engine, username: str) -> set[str]:
    """An alert's page, for a role whose worklist lists one (the demo's alerts are the store
    side's: docs/monitoring.md)."""
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        if not access.allowed(user, access.Action.ALERTS_VIEW):
            return set()
        return {"/alerts/{id}"} if alert_views.alert_list(session=session, actor=user).total \
            else set()


#: about how long each role's walk takes (seconds, quiet two-core machine): the suite starts the
#: longest first (tests/conftest.py)
TAKES = {"admin": 111, "officer": 90, "leader": 86, "clerk-devreform": 37, "enterprise": 35,
         "clerk-econ": 15, "clerk-finance": 10, "clerk-power": 10, "clerk-land": 10,
         "clerk-tax": 9}


@pytest.mark.parametrize("role", [pytest.param(role, marks=pytest.mark.takes(TAKES[role]))
                                  for role in NAV])
def test_every_role_crawls_every_page_form_pager_and_export(  # type: ignore[no-untyped-def]
        new_page, live_store, role: str) -> None:
    """One role per test, so the pytest-xdist workers share the roles' walks."""
    expected_nav = NAV[role]
    page = new_page(role)
    nav = page.locator("header nav a").evaluate_all("els => els.map(a => a.pathname)")
    shown = [crawl.pattern(h) for h in nav]
    assert sorted(shown) == sorted(expected_nav), (role, nav)
    walk = crawl.Crawl(role, page)
    walk.walk([*nav, "/password", "/"])
    # the language switch answers, and switches back
    for lang, html_lang in (("en", "en"), ("zh", "zh-CN")):
        if walk.visit(f"{nav[0]}?lang={lang}"):
            assert page.locator("html").get_attribute("lang") == html_lang
    # 退出 leads to the sign-in page
    walk.visit(nav[0])
    with page.expect_navigation() as out:
        page.click("header form[action='/logout'] button[type=submit]")
    walk.check_loaded(out.value, "/logout")
    assert not walk.problems, f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems)
    # the walk reached the pages behind the links, and used the lists' filters and pagers
    assert REACHES[role] | _alert_pages(live_store, role) <= walk.seen, (role, sorted(walk.seen))
    if "/enterprises" in nav:
        assert walk.filtered >= 5 and walk.paged >= 1, (role, walk.filtered, walk.paged)
    assert walk.visits <= crawl.MAX_VISITS, walk.visits


def _submit(page, walk: crawl.Crawl, button: str, what: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation() as nav:
        page.click(button)
    walk.check_loaded(nav.value, what)


@pytest.mark.takes(12)
def test_what_if_and_policy_check(new_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    admin = new_page("admin")
    walk = crawl.Crawl("admin", admin)
    walk.visit("/runs")
    newest = admin.locator("#runs tbody tr[data-run] a").first.get_attribute("href")
    assert newest
    # 模拟 with the first policy offered (the run page itself is the crawl's)
    admin.goto(newest)
    _submit(admin, walk, "#what-if", f"{newest}/what-if")
    result = admin.locator("#whatif-result")
    assert result.count() == 1, walk.problems
    assert crawl.rows_of(admin, result.locator("table.grid").first)[1], "the mix before/after"

    # 检查 a policy file: the shipped one passes, a broken one lists its problems by key
    walk.visit("/policies")
    shipped = Path(mujun.policies.__file__).parent / "songyang-2024.yaml"
    admin.set_input_files("#check input[name=file]", str(shipped))
    _submit(admin, walk, "#check button[type=submit]", "/policies/check")
    assert "songyang-2024" in admin.locator("#check-ok").inner_text(), walk.problems
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\nextends: zhejiang-template\nclasses:\n  above: nonsense\n",
                      encoding="utf-8")
    admin.set_input_files("#check input[name=file]", str(broken))
    with admin.expect_navigation() as nav:
        admin.click("#check button[type=submit]")
    assert nav.value.status in (200, 422)
    assert admin.locator("#check-problems tbody tr").count() >= 1
    assert not walk.problems, "\n".join(walk.problems)


def _throwaway(engine: Engine, username: str, role: str, **scope: str) -> None:
    with Session(engine) as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        users.create_user(session=session, actor=admin, user_in=UserCreate(
            username=username, display_name="临时", role=role, password=county.PASSWORD,
            **scope))
        session.commit()


def test_enterprise_files_an_appeal(new_page, live_store) -> None:  # type: ignore[no-untyped-def]
    """The demo's own enterprise account has an appeal pending; a throwaway account of an
    enterprise without one files an appeal against the 2025 run in notice, and sees it filed."""
    with Session(live_store) as session:
        run = session.scalars(select(Run).where(Run.status == "notice")).one()
        appealed = select(Appeal.uscc)
        uscc = session.scalars(select(RunResult.uscc).where(
            RunResult.run_id == run.id, RunResult.group == "above",
            RunResult.uscc.not_in(appealed)).order_by(RunResult.row_no).limit(1)).one()
    _throwaway(live_store, "throwaway-ent", "enterprise", uscc=uscc)
    page = new_page("throwaway-ent")
    walk = crawl.Crawl("enterprise", page)
    walk.visit(f"/enterprises/{uscc}?year={run.year}")
    page.fill("#appeal-form textarea[name=reason]", "税收数据有误，申请核实。")
    _submit(page, walk, "#appeal-form button[type=submit]", "/runs/{id}/appeals")
    assert page.locator("#appeal-filed").count() == 1
    assert "税收数据有误" in page.locator("#appeals tr[data-appeal]").last.inner_text()
    assert page.locator("#appeal-form").count() == 0  # one open appeal at a time
    assert not walk.problems, "\n".join(walk.problems)


@pytest.mark.takes(17)
def test_password_change_of_a_throwaway_user(new_page, live_store) -> None:  # type: ignore[no-untyped-def]
    _throwaway(live_store, "throwaway", "leader")
    page = new_page("throwaway")
    walk = crawl.Crawl("throwaway", page)
    walk.visit("/password")
    new = "Lan-Qiao-Shui-7391"
    page.fill("input[name=current_password]", county.PASSWORD)
    page.fill("input[name=new_password]", new)
    page.fill("input[name=new_password_again]", new)
    _submit(page, walk, "main form button[type=submit]", "/password (post)")
    assert page.url.endswith("/cockpit"), page.url  # the leader's home
    # the new password signs in; the old one no longer does
    for password, home in ((county.PASSWORD, "/login"), (new, "/cockpit")):
        page.context.clear_cookies()
        page.goto("/login")
        page.fill("input[name=username]", "throwaway")
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        assert page.url.endswith(home), (password, page.url)
    assert not walk.problems, "\n".join(walk.problems)

