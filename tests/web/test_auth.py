"""Sign-in, the session cookie, CSRF and the lockout."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.web.county import PASSWORD

from mujun.services.auth import MAX_FAILURES


def test_login_answers_the_user_and_a_csrf_token(client: TestClient) -> None:
    r = client.post("/api/auth/login", json={"username": "ent", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    token = body.pop("csrf_token")
    assert len(token) >= 40
    body["user"].pop("created_at")
    assert body == {"user": {"username": "ent", "display_name": "ent", "role": "enterprise",
                             "department": None, "town": None, "park": None,
                             "uscc": "91331124000000001H", "lead_title": None, "active": True,
                             "id": 4, "version": 1},
                    "must_change_password": False}
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("mujun_session=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert client.get("/api/auth/me").json()["user"]["username"] == "ent"


def test_wrong_password_is_401_without_saying_which_part(client: TestClient) -> None:
    r = client.post("/api/auth/login", json={"username": "ent", "password": "wrong-password"})
    assert (r.status_code, r.json()) == (401, {"detail": "用户名或密码错误"})
    r = client.post("/api/auth/login", json={"username": "nobody", "password": "wrong-password"})
    assert (r.status_code, r.json()) == (401, {"detail": "用户名或密码错误"})
    r = client.post("/api/auth/login?lang=en", json={"username": "ent", "password": "wrong"})
    assert (r.status_code, r.json()) == (401, {"detail": "wrong user name or password"})


def test_lockout_after_repeated_failures_even_with_the_right_password(client: TestClient) -> None:
    for _ in range(MAX_FAILURES - 1):
        assert client.post("/api/auth/login",
                           json={"username": "ent", "password": "nope-nope"}).status_code == 401
    r = client.post("/api/auth/login", json={"username": "ent", "password": "nope-nope"})
    assert r.status_code == 429
    r = client.post("/api/auth/login", json={"username": "ent", "password": PASSWORD})
    assert r.status_code == 429
    assert r.json()["detail"].startswith("登录失败次数过多，请在 ")
    # other users are not affected
    assert client.post("/api/auth/login",
                       json={"username": "ent2", "password": PASSWORD}).status_code == 200


def test_post_without_csrf_token_is_refused(client: TestClient) -> None:
    r = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200
    r = client.post("/api/runs", json={"year": 2021})
    assert (r.status_code, r.json()) == (403, {
        "detail": "页面已过期（CSRF 令牌缺失或不对），请刷新页面后重试"})
    r = client.post("/api/runs", json={"year": 2021}, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403


def _form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_login_form_needs_its_csrf_token_and_redirects_home(client: TestClient) -> None:
    r = client.post("/login", data={"username": "leader", "password": PASSWORD})
    assert r.status_code == 403
    token = _form_token(client.get("/login").text)
    r = client.post("/login", data={"username": "leader", "password": PASSWORD,
                                    "csrf_token": token}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/cockpit")
    # the token changes at sign-in (no fixation); the old one no longer works
    token2 = _form_token(client.get("/cockpit").text)
    assert token2 != token
    assert client.post("/logout", data={"csrf_token": token}).status_code == 403
    r = client.post("/logout", data={"csrf_token": token2}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login")
    assert client.get("/api/auth/me").status_code == 401


def test_login_form_next_stays_on_this_site(client: TestClient) -> None:
    token = _form_token(client.get("/login").text)
    r = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                    "csrf_token": token, "next": "//evil.example/x"},
                    follow_redirects=False)
    assert r.headers["location"] == "/cockpit"


def test_security_headers(client: TestClient) -> None:
    r = client.get("/login")
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src" not in r.headers["content-security-policy"]  # default-src 'self' applies
    assert "default-src 'self'" in r.headers["content-security-policy"]
