"""Attack: signing in with the published demo password on a store that is not the demo, or on
the demo served to the network. ``mujun serve`` on a new store used to create admin, clerk and
leader accounts with the demo password; now only a store holding the demo county (marked by its
loader) served on loopback gets them, and everywhere else the admin gets a random one-time
password that the web makes it change before anything else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.web.county import PASSWORD
from typer.testing import CliRunner

from mujun.cli.main import app as cli
from mujun.services import first_start
from mujun.services.demo import mark_demo_store
from mujun.services.passwords import DEMO_PASSWORD
from mujun.services.users import verify_password
from mujun.store import db
from mujun.store.models import User
from mujun.store.settings import get_settings
from mujun.web.app import PASSWORD_CHANGE_REQUIRED, create_app

NEW_PASSWORD = "walnut-ferry-39-cobalt"


@pytest.fixture
def served(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """``mujun serve`` on an empty store of each kind, without listening (the calls of
    ``uvicorn.run`` are recorded) and without fetching ECharts."""
    import uvicorn

    from mujun.cli import serve

    calls: list[dict[str, Any]] = []
    monkeypatch.setenv("MUJUN_DATABASE_URL", db_url)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setattr(serve, "_install_echarts", lambda: None)
    get_settings.cache_clear()
    db.dispose_engines()
    yield calls
    db.dispose_engines()
    get_settings.cache_clear()


def _users(engine: Engine) -> list[User]:
    with Session(engine) as s:
        return list(s.scalars(select(User).order_by(User.id)))


def test_serve_no_demo_makes_no_known_password_but_a_one_time_admin_password(
    served: list[dict[str, Any]],
) -> None:
    result = CliRunner().invoke(cli, ["serve", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD not in result.output
    found = re.search(r"one-time password\s+(\S+)", result.output)
    assert found, result.output
    one_time = found.group(1)
    engine = db.get_engine()
    accounts = _users(engine)
    assert [u.username for u in accounts] == ["admin"]
    assert accounts[0].must_change_password
    assert not verify_password(accounts[0].password_hash, DEMO_PASSWORD)
    # a second start prints no password (it was shown once) and changes nothing
    again = CliRunner().invoke(cli, ["serve", "--no-demo"])
    assert "one-time password" not in again.output
    assert _users(engine)[0].password_hash == accounts[0].password_hash

    # the web: signed in with it, the admin reaches only the change-password page and API
    with TestClient(served[0]["app"]) as c:
        r = c.post("/api/auth/login", json={"username": "admin", "password": one_time})
        assert r.status_code == 200 and r.json()["must_change_password"] is True
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        r = c.get("/api/enterprises")
        assert (r.status_code, r.json()) == (403, {"detail": PASSWORD_CHANGE_REQUIRED})
        assert c.get("/api/auth/me").status_code == 403
        for page in ("/", "/cockpit", "/runs"):
            r = c.get(page, follow_redirects=False)
            assert (r.status_code, r.headers["location"]) == (303, "/password"), page
        assert c.get("/password").status_code == 200
        r = c.post("/api/auth/password", json={"current_password": one_time,
                                               "new_password": "password"})
        assert r.status_code == 422
        r = c.post("/api/auth/password", json={"current_password": one_time,
                                               "new_password": NEW_PASSWORD})
        assert r.status_code == 204, r.text
        assert c.get("/api/enterprises").status_code == 200
        assert c.get("/api/auth/me").json()["must_change_password"] is False


def test_change_password_form_after_a_one_time_sign_in(served: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(cli, ["serve", "--no-demo"])
    found = re.search(r"one-time password\s+(\S+)", result.output)
    assert found, result.output
    with TestClient(served[0]["app"]) as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
        assert token
        r = c.post("/login", data={"username": "admin", "password": found.group(1),
                                   "csrf_token": token.group(1), "next": "/runs"},
                   follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (303, "/password")
        page = c.get("/password").text
        assert "一次性密码" in page
        form = {"csrf_token": re.findall(r'name="csrf_token" value="([^"]+)"', page)[0],
                "current_password": found.group(1), "new_password": "qwertyuiop",
                "new_password_again": "qwertyuiop"}
        r = c.post("/password", data=form)
        assert r.status_code == 422 and "密码太常见或太容易猜到" in r.text
        form |= {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD + "x"}
        assert "两次输入的新密码不一致" in c.post("/password", data=form).text
        form |= {"new_password_again": NEW_PASSWORD}
        r = c.post("/password", data=form, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (303, "/cockpit")
        assert c.get("/cockpit").status_code == 200


NETWORK = ("0.0.0.0", "192.168.1.20", "::", "[::ffff:10.0.0.1]", "example.org", "localhost.evil")
LOOPBACK = ("127.0.0.1", "::1", "[::1]", "localhost", "127.0.1.1")


def test_loopback_addresses() -> None:
    assert all(first_start.is_loopback(h) for h in LOOPBACK)
    assert not any(first_start.is_loopback(h) for h in NETWORK)


def _start(engine: Engine, host: str, *, production: bool = False) -> first_start.FirstStart:
    """``prepare_sign_in`` on a store whose admin has no password yet."""
    with Session(engine, expire_on_commit=False) as s:
        s.scalars(select(User).where(User.username == "admin")).one().password_hash = None
        start = first_start.prepare_sign_in(session=s, host=host, production=production)
        s.commit()
    return start


def _mark_demo(engine: Engine) -> None:
    with Session(engine) as s:
        mark_demo_store(session=s, actor=None)
        s.commit()


def test_demo_store_served_to_the_network_gets_no_demo_accounts(county_engine: Engine) -> None:
    _mark_demo(county_engine)
    for host in NETWORK:
        start = _start(county_engine, host)
        assert start.demo_accounts == [] and start.admin_password, host
    names = {u.username for u in _users(county_engine)}
    assert not names & {"clerk-tax", "enterprise"}
    assert not any(verify_password(u.password_hash, DEMO_PASSWORD)
                   for u in _users(county_engine))


def test_demo_store_on_loopback_gets_one_demo_account_per_role(county_engine: Engine) -> None:
    _mark_demo(county_engine)
    for host in ("127.0.0.1", "::1", "localhost"):
        start = _start(county_engine, host)
        assert start.admin_password is None
        assert {a.username for a in start.demo_accounts} == {
            "admin", "clerk-tax", "clerk-devreform", "clerk-power", "clerk-land", "clerk-finance",
            "clerk-econ", "officer", "enterprise", "leader"}, host
    with TestClient(create_app(engine=county_engine)) as c:
        r = c.post("/api/auth/login", json={"username": "leader", "password": DEMO_PASSWORD})
        # the county's own leader keeps its password; the demo accounts sign in
        assert r.status_code == 401
        r = c.post("/api/auth/login", json={"username": "clerk-tax", "password": DEMO_PASSWORD})
        assert r.status_code == 200 and r.json()["must_change_password"] is False


def test_no_demo_accounts_on_an_unmarked_store_or_in_production(county_engine: Engine) -> None:
    start = _start(county_engine, "127.0.0.1")
    assert start.demo_accounts == [] and start.admin_password
    _mark_demo(county_engine)
    start = _start(county_engine, "127.0.0.1", production=True)
    assert start.demo_accounts == [] and start.admin_password
    with TestClient(create_app(engine=county_engine)) as c:
        for password in (PASSWORD, DEMO_PASSWORD):
            r = c.post("/api/auth/login", json={"username": "admin", "password": password})
            assert r.status_code == 401
