"""Attack: replaying a saved session cookie. Sessions live in the store: sign-out and a password
change end them, an idle session ends, and no activity extends a session past its absolute
lifetime (the old signed cookie stayed valid after sign-out and renewed itself on every
response). On both stores."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.web.conftest import Clock, SignIn
from tests.web.county import PASSWORD

from mujun.services import users
from mujun.services.schemas import UserUpdate
from mujun.web.settings import get_web_settings

NEW_PASSWORD = "larch-harbour-7-quill"


def _replay(app: FastAPI, client: TestClient) -> TestClient:
    """A new client holding a copy of ``client``'s cookie and CSRF header, as a thief would."""
    copy = TestClient(app, cookies=dict(client.cookies))
    copy.headers["X-CSRF-Token"] = client.headers["X-CSRF-Token"]
    return copy


def test_saved_cookie_is_dead_after_logout(county_app: FastAPI, county_sign_in: SignIn,
                                           county_engine: Engine) -> None:
    c = county_sign_in("leader")
    saved = _replay(county_app, c)
    assert saved.get("/api/auth/me").status_code == 200
    assert c.post("/api/auth/logout").status_code == 204
    assert saved.get("/api/auth/me").status_code == 401
    assert saved.get("/cockpit", follow_redirects=False).status_code == 303
    # the store keeps only a hash of the token, and the session is marked revoked
    from mujun.store.models import WebSession

    with Session(county_engine) as s:
        rows = s.scalars(select(WebSession)).all()
    assert len(rows) == 1 and rows[0].revoked_at is not None
    assert all(len(r.token_hash) == 64 for r in rows)
    assert rows[0].token_hash not in str(saved.cookies.get("mujun_session"))


def test_password_change_ends_the_other_sessions(county_app: FastAPI, county_sign_in: SignIn,
                                                 county_engine: Engine) -> None:
    here, elsewhere = county_sign_in("ent"), county_sign_in("ent")
    stolen = _replay(county_app, elsewhere)
    r = here.post("/api/auth/password", json={"current_password": PASSWORD,
                                              "new_password": NEW_PASSWORD})
    assert r.status_code == 204, r.text
    assert here.get("/api/auth/me").status_code == 200
    assert elsewhere.get("/api/auth/me").status_code == 401
    assert stolen.get("/api/auth/me").status_code == 401
    with TestClient(county_app) as c:
        assert c.post("/api/auth/login", json={"username": "ent", "password": PASSWORD}
                      ).status_code == 401
        assert c.post("/api/auth/login", json={"username": "ent", "password": NEW_PASSWORD}
                      ).status_code == 200
    # a password set by an admin ends every session of the user
    with Session(county_engine, expire_on_commit=False) as s:
        users.update_user(session=s, actor=None, username="ent",
                          user_in=UserUpdate(password="otter-granite-52-lamp"))
        s.commit()
    assert here.get("/api/auth/me").status_code == 401


def test_wrong_current_password_changes_nothing(county_sign_in: SignIn) -> None:
    c = county_sign_in("ent")
    r = c.post("/api/auth/password", json={"current_password": "not-the-password",
                                           "new_password": NEW_PASSWORD})
    assert (r.status_code, r.json()) == (422, {"detail": "当前密码不正确"})
    # without the CSRF token the change is refused
    r = c.post("/api/auth/password", json={"current_password": PASSWORD,
                                           "new_password": NEW_PASSWORD},
               headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403


def test_activity_does_not_extend_the_absolute_lifetime(county_sign_in: SignIn,
                                                        clock: Clock) -> None:
    web = get_web_settings()
    lifetime = timedelta(seconds=web.session_max_age)
    step = timedelta(seconds=web.session_idle_timeout) - timedelta(minutes=5)
    c = county_sign_in("leader")
    start = clock.now
    while clock.now + step < start + lifetime:
        clock.now += step
        assert c.get("/api/auth/me").status_code == 200, clock.now - start
    clock.now = start + lifetime
    assert c.get("/api/auth/me").status_code == 401


def test_idle_session_ends(county_sign_in: SignIn, clock: Clock) -> None:
    c = county_sign_in("leader")
    clock.now += timedelta(seconds=get_web_settings().session_idle_timeout)
    assert c.get("/api/auth/me").status_code == 401
