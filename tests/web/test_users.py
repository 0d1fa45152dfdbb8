"""用户管理 in the web (issue 9, problem 8): the admin adds, changes, resets and disables accounts;
a new or reset account must change its one-time password first; refusals name the field in
Chinese; every change is audited. The route × role matrix on both stores is
tests/security/test_user_admin.py."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.web.conftest import Clock, SignIn
from tests.web.county import CODES, PASSWORD, TOWNS
from tests.web.html import tables

from mujun.engine.uscc import check_char
from mujun.services import demo_accounts, users
from mujun.services.demo import mark_demo_store
from mujun.services.errors import InvalidInput
from mujun.services.passwords import DEMO_PASSWORD
from mujun.services.schemas import UserUpdate
from mujun.store.models import AuditRecord, User

NEW_PASSWORD = "Lantern-harbour-47-quietly"
#: a well-formed credit code that is not in the fixture county's registry
UNKNOWN_USCC = "91331124MA2XY0123" + check_char("91331124MA2XY0123")


def _form(c: TestClient, **data: object) -> dict[str, object]:
    return {"csrf_token": c.headers["X-CSRF-Token"], **data}


def _login(app, username: str, password: str):  # type: ignore[no-untyped-def]
    c = TestClient(app)
    r = c.post("/api/auth/login", json={"username": username, "password": password})
    if r.status_code == 200:
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c, r


def _audit(engine: Engine, action: str) -> list[str]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditRecord.summary).where(AuditRecord.action == action)
                              .order_by(AuditRecord.id)))


def test_a_new_clerk_gets_a_one_time_password_and_must_change_it(
        app, engine: Engine, sign_in: SignIn) -> None:  # type: ignore[no-untyped-def]
    admin = sign_in("admin")
    r = admin.post("/api/users", json={"username": "tax2", "display_name": "税务二",
                                       "role": "clerk", "department": "tax"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["user"]["role"], body["user"]["department"]) == ("clerk", "tax")
    otp = body["one_time_password"]
    assert len(otp) >= 16
    assert admin.get("/api/users/tax2").json()["username"] == "tax2"  # never the password
    assert "password" not in admin.get("/api/users/tax2").text

    clerk, r = _login(app, "tax2", otp)
    assert r.json()["must_change_password"] is True
    assert clerk.get("/api/imports").status_code == 403  # only the password change is open
    assert clerk.get("/imports", follow_redirects=False).headers["location"] == "/password"
    r = clerk.post("/api/auth/password", json={"current_password": otp,
                                               "new_password": NEW_PASSWORD})
    assert r.status_code == 204
    assert clerk.get("/api/imports").status_code == 200
    assert _login(app, "tax2", otp)[1].status_code == 401  # the one-time password is spent
    assert _audit(engine, "user.create")[-1] == "tax2"


def test_the_page_shows_the_one_time_password_once(app, sign_in: SignIn) -> None:  # type: ignore[no-untyped-def]
    admin = sign_in("admin")
    r = admin.post("/users", data=_form(admin, username="xp2", display_name="西屏专员",
                                        role="officer", town=TOWNS[0]))
    assert r.status_code == 201
    otp = re.search(r'id="one-time-password">([^<]+)<', r.text).group(1)
    assert "用户已创建" in r.text
    assert _login(app, "xp2", otp)[1].json()["must_change_password"] is True
    page = admin.get("/users/xp2").text
    assert 'id="one-time-password"' not in page and "下次登录时必须修改密码" in page
    listed = tables(admin.get("/users?role=officer").text)["users"]
    assert listed[0][:7] == ["用户名", "显示名称", "角色", "部门", "乡镇街道", "统一社会信用代码",
                             "状态"]
    assert [row[:7] for row in listed[1:]] == [
        ["officer", "officer", "乡镇专员", "—", TOWNS[0], "—", "启用"],
        ["xp2", "西屏专员", "乡镇专员", "—", TOWNS[0], "—", "启用"]]


@pytest.mark.parametrize(("fields", "message"), [
    ({"username": "", "role": "leader"}, "用户名（username）：必须填写"),
    ({"username": "a b", "role": "leader"}, "用户名（username）：只能包含"),
    ({"username": "x1", "role": ""}, "角色（role）：必须填写"),
    ({"username": "x1", "role": "clerk"}, "部门（department）：部门填报员须选择部门"),
    ({"username": "x1", "role": "officer"}, "乡镇街道或园区（town/park）"),
    ({"username": "x1", "role": "enterprise"}, "企业信用代码（uscc）：企业用户须填写"),
    ({"username": "x1", "role": "enterprise", "uscc": "91331124000000001X"},
     "企业信用代码（uscc）：统一社会信用代码校验位错误"),
    ({"username": "x1", "role": "enterprise", "uscc": UNKNOWN_USCC},
     f"企业信用代码（uscc）：{UNKNOWN_USCC} 不在企业库中"),
    ({"username": "clerk", "role": "leader"}, "用户名（username）：clerk 已存在"),
])
def test_refusals_name_the_field_in_chinese(sign_in: SignIn, fields: dict[str, str],
                                            message: str) -> None:
    admin = sign_in("admin")
    r = admin.post("/users", data=_form(admin, **fields))
    assert r.status_code == 422
    shown = re.search(r'id="user-error">([^<]+)<', r.text).group(1)
    assert message in shown, shown
    assert admin.get("/api/users?q=x1").json()["total"] == 0


def test_refusals_in_english_mode(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    def shown(**fields: str) -> str:
        r = admin.post("/users?lang=en", data=_form(admin, **fields))
        assert r.status_code == 422
        return re.search(r'id="user-error">([^<]+)<', r.text).group(1)

    assert shown(username="", role="") == ("User name (username): is required; "
                                           "Role (role): is required")
    assert shown(username="x2", role="clerk") == (
        "Department (department): a department clerk needs a department")
    r = admin.post("/api/users", json={"active": False})  # the API: the store unchanged
    assert r.status_code == 422
    version = admin.get("/api/users/admin").json()["version"]
    r = admin.post("/users/admin/active?lang=en",
                   data=_form(admin, active="false", version=version))
    assert r.status_code == 422
    assert "You cannot disable your own account" in r.text


def test_change_role_and_scope_clears_the_old_scope(engine: Engine, sign_in: SignIn) -> None:
    admin = sign_in("admin")
    version = admin.get("/api/users/clerk").json()["version"]
    r = admin.post("/users/clerk", follow_redirects=False, data=_form(
        admin, version=version, display_name="原税务", role="officer", department="tax",
        town=TOWNS[1]))
    assert (r.status_code, r.headers["location"]) == (303, "/users/clerk?saved=1")
    got = admin.get("/api/users/clerk").json()
    assert (got["role"], got["town"], got["department"], got["display_name"]) == (
        "officer", TOWNS[1], None, "原税务")
    # the page's stale version is refused, not silently applied
    stale = admin.post("/users/clerk", data=_form(admin, version=version, role="leader"))
    assert stale.status_code == 409
    r = admin.post("/api/users/ent2", json={"role": "enterprise", "uscc": CODES[0]})
    assert r.status_code == 200 and r.json()["uscc"] == CODES[0]
    r = admin.post("/api/users/ent2", json={"uscc": UNKNOWN_USCC})
    assert (r.status_code, r.json()["detail"]) == (
        422, f"企业信用代码（uscc）：{UNKNOWN_USCC} 不在企业库中")
    r = admin.post("/api/users/leader", json={"role": "clerk"})
    assert r.status_code == 422 and "部门（department）" in r.json()["detail"]
    with Session(engine) as s:
        change = s.scalars(select(AuditRecord).where(AuditRecord.action == "user.update",
                                                     AuditRecord.summary == "clerk")).one()
        assert (change.actor, change.before["role"], change.after["role"]) == (
            "admin", "clerk", "officer")


def test_reset_password_ends_sessions_and_forces_a_change(
        app, engine: Engine, sign_in: SignIn) -> None:  # type: ignore[no-untyped-def]
    leader, admin = sign_in("leader"), sign_in("admin")
    r = admin.post("/users/leader/password-reset", data=_form(admin))
    assert r.status_code == 200 and "密码已重置" in r.text
    otp = re.search(r'id="one-time-password">([^<]+)<', r.text).group(1)
    assert leader.get("/api/cockpit").status_code == 401  # signed out at once
    assert _login(app, "leader", PASSWORD)[1].status_code == 401
    again, r = _login(app, "leader", otp)
    assert r.json()["must_change_password"] is True
    assert again.get("/cockpit", follow_redirects=False).headers["location"] == "/password"
    api = admin.post("/api/users/leader/password-reset")
    assert api.status_code == 200 and api.json()["one_time_password"] != otp
    assert _audit(engine, "user.password_reset") == ["leader: one-time password issued"] * 2


def test_disable_ends_the_session_and_sign_in(app, sign_in: SignIn) -> None:  # type: ignore[no-untyped-def]
    officer, admin = sign_in("officer"), sign_in("admin")
    assert officer.get("/api/land/low-efficiency").status_code == 200
    version = admin.get("/api/users/officer").json()["version"]
    r = admin.post("/users/officer/active", follow_redirects=False,
                   data=_form(admin, active="false", version=version))
    assert r.status_code == 303
    assert officer.get("/api/land/low-efficiency").status_code == 401
    assert _login(app, "officer", PASSWORD)[1].status_code == 401
    assert [u["username"] for u in admin.get("/api/users?active=false").json()["items"]] == [
        "officer"]
    assert 'id="enable"' in admin.get("/users/officer").text
    r = admin.post("/api/users/officer", json={"active": True})
    assert r.json()["active"] is True
    assert _login(app, "officer", PASSWORD)[1].status_code == 200


def test_the_admin_keeps_itself_and_the_store_keeps_an_admin(engine: Engine,
                                                             sign_in: SignIn) -> None:
    admin = sign_in("admin")
    r = admin.post("/api/users/admin", json={"active": False})
    assert (r.status_code, r.json()["detail"]) == (422, "不能停用自己的账号")
    r = admin.post("/api/users/admin", json={"role": "leader"})
    assert (r.status_code, r.json()["detail"]) == (422, "不能取消自己的管理员角色")
    assert admin.get("/api/auth/me").status_code == 200
    # the command line (no acting user) on the only admin
    with Session(engine) as s, pytest.raises(InvalidInput, match="至少要保留一个启用的管理员账号"):
        users.update_user(session=s, actor=None, username="admin",
                          user_in=UserUpdate(active=False))
    # with a second admin, one may disable the other
    assert admin.post("/api/users", json={"username": "admin2", "role": "admin"}).status_code \
        == 201
    assert admin.post("/api/users/admin2", json={"active": False}).json()["active"] is False


def test_list_filters_and_pages(sign_in: SignIn) -> None:
    admin = sign_in("admin")

    def names(query: str) -> list[str]:
        return [u["username"] for u in admin.get(f"/api/users?{query}").json()["items"]]

    assert names("") == ["admin", "clerk", "ent", "ent2", "leader", "officer"]
    assert names("role=enterprise") == ["ent", "ent2"]
    assert names("department=tax") == ["clerk"]
    assert names(f"town={TOWNS[0]}") == ["officer"]
    assert names("active=true&q=ent") == ["ent", "ent2"]
    page = admin.get("/api/users?per_page=2&page=2").json()
    assert (page["total"], [u["username"] for u in page["items"]]) == (6, ["ent", "ent2"])
    # the page's form with its defaults (every filter "全部") and with each filter
    assert admin.get("/users?role=&department=&town=&active=&q=").status_code == 200
    shown = tables(admin.get("/users?role=clerk&department=tax").text)["users"]
    assert [row[0] for row in shown[1:]] == ["clerk"]
    assert "税务" in shown[1][3]


def test_only_the_admin_sees_the_navigation_item(sign_in: SignIn) -> None:
    assert '<a href="/users"' in sign_in("admin").get("/policies").text
    for role in ("clerk", "officer", "ent", "leader"):
        page = sign_in(role).get("/policies").text
        assert 'href="/users"' not in page and "用户管理" not in page, role


def test_user_forms_need_the_csrf_token(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    del admin.headers["X-CSRF-Token"]
    assert admin.post("/users", data={"username": "x9", "role": "leader"}).status_code == 403
    assert admin.post("/users/leader/password-reset").status_code == 403
    assert admin.post("/api/users/leader", json={"active": False}).status_code == 403


# --- the demo accounts on the sign-in page -------------------------------------------------------


def test_sign_in_page_lists_demo_accounts_on_the_demo_store_only(app, client: TestClient,
                                                                 engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert 'id="demo-accounts"' not in client.get("/login").text  # the county is no demo
    with Session(engine) as s:
        demo_accounts.ensure_demo_accounts(session=s)  # as if it once was: still not listed
        s.commit()
    assert 'id="demo-accounts"' not in client.get("/login").text
    with Session(engine) as s:
        mark_demo_store(session=s, actor=None)
        s.commit()
    page = client.get("/login").text
    rows = tables(page)["demo-account-list"]
    assert rows[0] == ["角色", "用户名", "密码", "范围"]
    # the fixture's admin has its own password: only the accounts that sign in with the demo's
    # the fixture's admin, officer and leader have their own passwords: only the accounts made
    # with the demo's are listed
    assert rows[1:] == [["部门填报员", "clerk-tax", DEMO_PASSWORD, "税务"],
                        ["部门填报员", "clerk-devreform", DEMO_PASSWORD, "发改/商务"],
                        ["部门填报员", "clerk-power", DEMO_PASSWORD, "供电"],
                        ["部门填报员", "clerk-land", DEMO_PASSWORD, "自然资源"],
                        ["部门填报员", "clerk-finance", DEMO_PASSWORD, "金融服务中心"],
                        ["部门填报员", "clerk-econ", DEMO_PASSWORD, "经信"],
                        ["企业用户", "enterprise", DEMO_PASSWORD, CODES[1]]]
    signed = client.post("/api/auth/login", json={"username": "clerk-tax",
                                                  "password": DEMO_PASSWORD})
    assert signed.status_code == 200
    app.state.list_demo_accounts = False  # `mujun serve --host 0.0.0.0`
    assert 'id="demo-accounts"' not in client.get("/login").text


# --- the appeal block of the portrait -------------------------------------------------------------


def test_appeal_form_is_the_enterprise_s_own_during_the_notice(
        sign_in: SignIn, clock: Clock) -> None:
    admin, ent, officer = sign_in("admin"), sign_in("ent"), sign_in("officer")
    for other in (admin, officer):
        page = other.get(f"/enterprises/{CODES[0]}").text
        assert 'id="appeals"' in page and 'id="appeal-form"' not in page
    assert admin.get(f"/api/enterprises/{CODES[0]}").json()["can_appeal"] is False
    page = ent.get(f"/enterprises/{CODES[0]}").text
    assert 'id="appeal-form"' in page and "公示截止：2022-05-08 09:00 UTC" in page
    r = ent.post("/runs/2/appeals", data=_form(ent, uscc=CODES[0], reason="税收漏报"))
    assert r.status_code == 200
    number = re.search(r'id="appeal-number">(\d+)<', r.text).group(1)
    filed = re.search(r'id="appeal-filed"[^>]*>(.*?)</div>', r.text, re.S).group(1)
    assert f"申诉已提交 #<b id=\"appeal-number\">{number}</b>（2021-v1） · 状态：待处理" in filed
    assert "接下来：县经信局在公示期内审核申诉" in filed
    assert 'id="notice-until">2022-05-08 09:00 UTC' in filed
    admin.post(f"/api/appeals/{number}/resolve", json={"accept": False, "note": "无误"})
    assert 'id="appeal-form"' in ent.get(f"/enterprises/{CODES[0]}").text
    clock.now += timedelta(days=8)  # the notice is over (not yet finalised): no form
    page = sign_in("ent").get(f"/enterprises/{CODES[0]}").text
    assert 'id="appeal-form"' not in page and "已驳回" in page


def test_cli_user_add_prints_a_one_time_password(engine: Engine,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from mujun.cli.main import app as cli
    from mujun.store import db
    from mujun.store.settings import get_settings

    monkeypatch.setenv("MUJUN_DATABASE_URL", str(engine.url))
    get_settings.cache_clear()
    db.dispose_engines()
    try:
        out = CliRunner().invoke(cli, ["user", "add", "st1", "--role", "clerk",
                                       "--department", "stats"])
    finally:
        db.dispose_engines()
        get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    otp = re.search(r"one-time password \(shown only now\): (\S+)", out.output).group(1)
    with Session(engine) as s:
        user = s.scalars(select(User).where(User.username == "st1")).one()
        assert user.must_change_password and users.verify_password(user.password_hash, otp)
