"""The navigation bar: the pages a role reaches (the same rules as ``services.access``)."""

from __future__ import annotations

from dataclasses import dataclass

from mujun.engine.texts import N_
from mujun.services.access import Action, allowed
from mujun.services.projects import access as projects_access
from mujun.store.models import Role, User


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str  # Chinese; translated in the template
    active: bool


def nav_for(user: User, path: str) -> list[NavItem]:
    items: list[tuple[str, str]] = []
    if allowed(user, Action.COCKPIT):
        items.append(("/cockpit", N_("驾驶舱")))
    if user.role == Role.ENTERPRISE and user.uscc:
        items.append((f"/enterprises/{user.uscc}", N_("我的企业")))
    elif allowed(user, Action.ENTERPRISES):
        items.append(("/enterprises", N_("企业列表")))
    if allowed(user, Action.LAND):
        items.append(("/land", N_("低效用地")))
    if projects_access.may_view(user):
        items.append(("/projects", N_("招商项目")))
    if allowed(user, Action.RUNS_VIEW):
        items.append(("/runs", N_("评价批次")))
    if allowed(user, Action.IMPORTS):
        items.append(("/imports", N_("数据导入")))
    if allowed(user, Action.POLICIES_VIEW):
        items.append(("/policies", N_("评价办法")))
    if allowed(user, Action.USERS):
        items.append(("/users", N_("用户管理")))
    return [NavItem(h, label, path == h or path.startswith(h + "/")) for h, label in items]


def home_for(user: User) -> str:
    if user.role == Role.ENTERPRISE and user.uscc:
        return f"/enterprises/{user.uscc}"
    for item in nav_for(user, ""):
        return item.href
    return "/policies"
