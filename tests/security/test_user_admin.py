"""用户管理 is the admin's alone, on SQLite and on PostgreSQL: every other role gets 403 from each
route and page, nothing is written by a refused request, and a disabled account's session ends
at once on either store (docs/security.md, User management)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tests.security.conftest import SignIn

from mujun.store.models import AuditRecord, User

ROLES = ("admin", "clerk", "officer", "ent", "leader")
GETS = ["/api/users", "/api/users?role=clerk", "/api/users/leader", "/users", "/users/leader"]
POSTS = [
    ("/api/users", {"username": "tax5", "role": "clerk", "department": "tax"}, 201),
    ("/api/users/ent2", {"display_name": "企业二"}, 200),
    ("/api/users/ent2/password-reset", None, 200),
]


def _writes(engine: Engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count(AuditRecord.id))
                        .where(AuditRecord.action.like("user.%"))) or 0


def test_only_the_admin_manages_users(county_sign_in: SignIn, county_engine: Engine) -> None:
    for role in ROLES:
        c = county_sign_in(role)
        for url in GETS:
            r = c.get(url, follow_redirects=False)
            assert r.status_code == (200 if role == "admin" else 403), (role, url)
        if role == "admin":
            continue
        before = _writes(county_engine)
        for url, body, _ in POSTS:
            assert c.post(url, json=body).status_code == 403, (role, url)
        token = c.headers["X-CSRF-Token"]
        for url in ("/users", "/users/ent2/password-reset", "/users/ent2/active"):
            r = c.post(url, data={"csrf_token": token, "username": "x", "role": "admin",
                                  "active": "false", "version": "1"})
            assert r.status_code == 403, (role, url)
        assert _writes(county_engine) == before, role
    admin = county_sign_in("admin")
    for url, body, status in POSTS:
        assert admin.post(url, json=body).status_code == status, url
    with Session(county_engine) as s:
        assert s.scalars(select(User.role).where(User.username == "tax5")).one() == "clerk"


def test_a_disabled_user_is_signed_out_at_once(county_sign_in: SignIn,
                                               county_engine: Engine) -> None:
    leader, admin = county_sign_in("leader"), county_sign_in("admin")
    assert leader.get("/api/cockpit").status_code == 200
    assert admin.post("/api/users/leader", json={"active": False}).status_code == 200
    assert leader.get("/api/cockpit").status_code == 401
    assert leader.get("/cockpit", follow_redirects=False).headers["location"].startswith("/login")
    with Session(county_engine) as s:
        last = s.scalars(select(AuditRecord).where(AuditRecord.action == "user.update")
                         .order_by(AuditRecord.id.desc())).first()
        assert last is not None and (last.before["active"], last.after["active"]) == (True, False)
