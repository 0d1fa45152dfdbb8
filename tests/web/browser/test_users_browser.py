"""用户管理 in a real browser: the admin adds a clerk, the clerk signs in with the one-time
password, must set its own and reaches 数据导入; the admin disables it and its session ends."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.store.models import User

NEW_PASSWORD = "Copper-kettle-on-the-ridge-58"


def test_admin_adds_a_clerk_who_must_change_the_password(new_page, live_store, shot) -> None:  # type: ignore[no-untyped-def]
    admin = new_page("admin")
    admin.goto("/users")
    assert admin.locator("header nav a.active").inner_text() == "用户管理"
    form = admin.locator("#add-user form")
    assert form.locator("select[name=department]").is_hidden()  # shown for a clerk only
    form.locator("input[name=username]").fill("tax3")
    form.locator("input[name=display_name]").fill("税务三")
    form.locator("select[name=role]").select_option("clerk")
    assert form.locator("select[name=department]").is_visible()
    assert form.locator("select[name=town]").is_hidden()
    form.locator("select[name=department]").select_option("tax")
    form.locator("button[type=submit]").click()
    admin.wait_for_selector("#one-time-password")
    assert "用户已创建" in admin.locator("#one-time").inner_text()
    assert admin.locator("#username").inner_text() == "tax3"
    otp = admin.locator("#one-time-password").inner_text().strip()
    shot(admin, "user-created")
    with Session(live_store) as s:
        user = s.scalars(select(User).where(User.username == "tax3")).one()
        assert (user.role, user.department, user.must_change_password) == ("clerk", "tax", True)

    admin.click("header form button[type=submit]")  # 退出
    admin.wait_for_url("**/login")
    assert admin.locator("h1").inner_text() == "登录"

    clerk = admin  # the same browser, now the clerk's
    clerk.fill("input[name=username]", "tax3")
    clerk.fill("input[name=password]", otp)
    clerk.click("form button[type=submit]")
    clerk.wait_for_url("**/password")
    assert "一次性密码" in clerk.locator("p.alert[role=status]").inner_text()
    clerk.goto("/imports")  # nothing else opens before the change
    assert clerk.url.endswith("/password")
    clerk.fill("input[name=current_password]", otp)
    clerk.fill("input[name=new_password]", NEW_PASSWORD)
    clerk.fill("input[name=new_password_again]", NEW_PASSWORD)
    clerk.click("main form button[type=submit]")
    clerk.wait_for_url("**/imports")
    assert "数据导入" in clerk.locator("h1").first.inner_text()
    assert "税务三" in clerk.locator("header .user").inner_text()

    admin = new_page("admin")
    admin.goto("/users?role=clerk")
    assert "tax3" in admin.locator("#users tbody").inner_text()
    admin.click("#users a[href='/users/tax3']")
    admin.wait_for_selector("#disable")
    admin.click("#disable")
    admin.wait_for_selector("#enable")
    assert admin.locator("#user-state").inner_text() == "已停用"

    clerk.goto("/imports")  # the clerk's session has ended
    assert "/login" in clerk.url
    assert clerk.locator("h1").inner_text() == "登录"
    clerk.fill("input[name=username]", "tax3")
    clerk.fill("input[name=password]", NEW_PASSWORD)
    clerk.click("form button[type=submit]")
    clerk.wait_for_selector("p.alert[role=alert]")
    assert clerk.locator("p.alert[role=alert]").inner_text() == "用户名或密码错误"
