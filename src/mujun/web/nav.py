"""The navigation bar: the pages a role reaches (the same rules as ``services.access``)."""

from __future__ import annotations

from dataclasses import dataclass

from mujun.engine.texts import N_
from mujun.services.access import Action, allowed, may_import_department
from mujun.services.land.parcels import may_see_parcels
from mujun.services.land.review_access import may_view as may_view_reviews
from mujun.services.programmes.scope import may_view_any as may_view_programmes
from mujun.services.programmes.service_requests import handles_requests
from mujun.services.projects import access as projects_access
from mujun.store.models import Role, User


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str  # Chinese; translated in the template
    active: bool


def _requests_entry(user: User) -> tuple[str, str] | None:
    """三服务 requests: an enterprise's own, a handling department's worklist, a town's, the
    admin's all; the leader reads the statistics."""
    if user.role == Role.ENTERPRISE and allowed(user, Action.REQUESTS_SUBMIT):
        return "/requests", N_("我的诉求")
    if user.role == Role.CLERK and handles_requests(user):
        return "/requests", N_("诉求办理")
    if user.role in (Role.OFFICER, Role.ADMIN) and allowed(user, Action.REQUESTS_VIEW):
        return "/requests", N_("企业诉求")
    if allowed(user, Action.REQUESTS_STATS) and user.role != Role.CLERK:
        return "/requests/statistics", N_("诉求统计")
    return None


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
    if allowed(user, Action.ALERTS_VIEW):
        items.append(("/alerts", N_("用电预警")))
    if allowed(user, Action.CASES_VIEW):
        items.append(("/disposal", N_("处置项目")))
    if may_view_reviews(user):
        items.append(("/land/reviews", N_("达产复核")))
    if projects_access.may_view(user):
        items.append(("/projects", N_("招商项目")))
    if allowed(user, Action.RUNS_VIEW):
        items.append(("/runs", N_("评价批次")))
    if allowed(user, Action.IMPORTS) and (user.role != Role.CLERK
                                          or may_import_department(user, user.department or "")):
        items.append(("/imports", N_("数据导入")))
    if may_see_parcels(user):
        items.append(("/parcels", N_("地块档案")))
    requests = _requests_entry(user)
    if requests:
        items.append(requests)
    if may_view_programmes(user):
        items.append(("/programmes", N_("专项工作")))
    if allowed(user, Action.POLICIES_VIEW):
        items.append(("/policies", N_("评价办法")))
    if allowed(user, Action.TARGETS):
        items.append(("/targets", N_("目标任务")))
    elif allowed(user, Action.AWARDS):
        items.append(("/targets/awards", N_("领跑者")))
    if allowed(user, Action.USERS):
        items.append(("/users", N_("用户管理")))
    # the deepest item containing the path is the active one (/land/reviews, not /land)
    active = max((h for h, _ in items if path == h or path.startswith(h + "/")), key=len,
                 default=None)
    return [NavItem(h, label, h == active) for h, label in items]


def home_for(user: User) -> str:
    if user.role == Role.ENTERPRISE and user.uscc:
        return f"/enterprises/{user.uscc}"
    for item in nav_for(user, ""):
        return item.href
    return "/policies"
