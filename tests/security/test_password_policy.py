"""Attack: guessing a weak password. Every place that sets a password (the services, ``mujun user
add/set``, the web's change-password page and API) refuses short, common and guessable ones
with a clear message; the published demo password is refused outside the demo path."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.web.conftest import SignIn
from tests.web.county import PASSWORD
from typer.testing import CliRunner

from mujun.cli.main import app as cli
from mujun.services import users
from mujun.services.passwords import (
    DEMO_PASSWORD,
    PUBLISHED,
    TOO_COMMON,
    TOO_SHORT,
    WeakPassword,
    check_password,
)
from mujun.services.schemas import UserCreate, UserUpdate
from mujun.store import db
from mujun.store.settings import get_settings

COMMON = ("password", "12345678", "qwertyuiop", "password123", "1q2w3e4r5t6y",
          "iloveyou2024", "administrator", "abcdefghijk", "1234567890")
STRONG = ("larch-harbour-7-quill", "Tr0ub4dor&3-stays", "correct horse battery staple")


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword) as err:
        check_password(password)
    assert str(err.value) in (TOO_SHORT, TOO_COMMON)


def test_short_and_personal_and_published_passwords_are_refused() -> None:
    with pytest.raises(WeakPassword, match=TOO_SHORT):
        check_password("x7#Kq9!")
    with pytest.raises(WeakPassword, match=TOO_COMMON):
        check_password("zhangwei1988", known=("zhangwei1988",))
    with pytest.raises(WeakPassword, match=PUBLISHED):
        check_password(DEMO_PASSWORD)
    for password in STRONG:
        check_password(password)


def test_services_refuse_weak_passwords(engine: Engine) -> None:
    with Session(engine) as s:
        with pytest.raises(WeakPassword):
            users.create_user(session=s, actor=None, user_in=UserCreate(
                username="tax2", role="clerk", department="tax", password="12345678"))
        with pytest.raises(WeakPassword):
            users.update_user(session=s, actor=None, username="leader",
                              user_in=UserUpdate(password="qwertyuiop"))
        users.update_user(session=s, actor=None, username="leader",
                          user_in=UserUpdate(password=STRONG[0]))


@pytest.fixture
def cli_store(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``mujun`` (in-process) on the county's store."""
    monkeypatch.setenv("MUJUN_DATABASE_URL", str(engine.url))
    get_settings.cache_clear()
    db.dispose_engines()
    yield
    db.dispose_engines()
    get_settings.cache_clear()


def test_cli_refuses_weak_passwords(cli_store: None) -> None:
    runner = CliRunner()
    added = runner.invoke(cli, ["user", "add", "tax2", "--role", "clerk", "--department", "tax",
                                "--password", "password"])
    assert added.exit_code == 1 and TOO_SHORT in added.output
    for weak, message in (("12345678", TOO_SHORT), ("qwertyuiop", TOO_COMMON),
                          (DEMO_PASSWORD, PUBLISHED)):
        result = runner.invoke(cli, ["user", "set", "leader", "--password", weak])
        assert result.exit_code == 1 and message in result.output.replace("\n", ""), weak
    ok = runner.invoke(cli, ["user", "set", "leader", "--password", STRONG[0]])
    assert ok.exit_code == 0, ok.output
    listed = runner.invoke(cli, ["user", "list"]).output
    assert "tax2" not in listed


@pytest.mark.parametrize("weak", ["password", "12345678", "qwertyuiop", DEMO_PASSWORD])
def test_web_change_password_refuses_weak_ones(sign_in: SignIn, weak: str) -> None:
    c = sign_in("officer")
    r = c.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": weak})
    assert r.status_code == 422
    assert r.json()["detail"] in (TOO_SHORT, TOO_COMMON, PUBLISHED)
    r = c.post("/api/auth/password", json={"current_password": PASSWORD,
                                           "new_password": PASSWORD})
    assert (r.status_code, r.json()) == (422, {"detail": "新密码不能与当前密码相同"})
