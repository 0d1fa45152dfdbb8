"""One sign-in per role for the demo county, so a visitor can try every view.

The accounts are made only when missing, with the published demo password printed by
``mujun serve`` — only on a store holding the demo county served on this machine alone
(services/first_start.py); the admin gets it only if it has no password. Each scoped role
points at the demo's largest town and an enterprise evaluated in the newest published run, so
every page has something to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.services import audit, users
from mujun.services.demo import is_demo_store
from mujun.services.demo_enterprise import demo_town, demo_uscc
from mujun.services.departments import DEPARTMENTS
from mujun.services.passwords import DEMO_PASSWORD
from mujun.services.schemas import UserCreate
from mujun.store.models import Role, User

__all__ = ["DEMO_PASSWORD", "DemoAccount", "ensure_demo_accounts", "existing_demo_accounts",
           "login_page_accounts"]
DEMO_USERNAMES = ("admin", "clerk-tax", "clerk-devreform", "clerk-power", "clerk-land",
                  "clerk-finance", "clerk-econ", "officer", "enterprise", "leader")
#: the demo leader leads the projects of this title (demo/projects.py LEADS)
LEADER_TITLE = "县长"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope: str
    password: str


def _scope(user: User) -> str:
    if user.department in DEPARTMENTS:
        return DEPARTMENTS[user.department].name_zh
    return user.town or user.park or user.uscc or "—"


def _set_demo_password(session: Session, user: User, password: str) -> None:
    """The demo password, set past the policy (which refuses it everywhere else)."""
    user.password_hash = users.hash_password(password)
    session.flush()
    audit.record(session=session, actor=None, action="user.update", entity="user",
                 entity_id=user.id, summary=f"{user.username}: demo password",
                 after={"password": "(demo)"})


@lru_cache(maxsize=64)
def _holds(password_hash: str | None, password: str) -> bool:
    # argon2 is slow on purpose; the sign-in page asks about the same few hashes again and again
    return users.verify_password(password_hash, password)


def existing_demo_accounts(*, session: Session,
                           password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """The accounts that still sign in with the demo password (none on a real store)."""
    found = session.scalars(select(User).where(User.username.in_(DEMO_USERNAMES),
                                               User.active.is_(True)).order_by(User.id))
    return [DemoAccount(u.username, u.role, _scope(u), password) for u in found
            if _holds(u.password_hash, password)]


def login_page_accounts(*, session: Session, production: bool) -> list[DemoAccount]:
    """The demo accounts the sign-in page lists with their password, so a visitor can try
    every role without the terminal: only on a store holding the demo county outside
    production (and ``mujun serve`` on another address than this machine's hides them:
    services/first_start.py); none anywhere else."""
    if production or not is_demo_store(session):
        return []
    return existing_demo_accounts(session=session)


def ensure_demo_accounts(*, session: Session, password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """The demo accounts (created when missing) — for a store holding the demo county only;
    the caller commits."""
    admin = users.ensure_admin(session=session)
    if not admin.password_hash:
        _set_demo_password(session, admin, password)
    town = demo_town(session)
    uscc = demo_uscc(session, town)
    wanted: list[tuple[str, Role, dict[str, str | None], str]] = [
        ("clerk-tax", Role.CLERK, {"department": "tax"}, "税务局填报员"),
        ("clerk-devreform", Role.CLERK, {"department": "devreform"}, "发改/商务填报员"),
        # the monthly power readings of 用电预警 (docs/monitoring.md) and the annual kWh
        ("clerk-power", Role.CLERK, {"department": "power"}, "供电公司填报员"),
        # the parcels (地块) and the land figures of the evaluation (docs/land.md)
        ("clerk-land", Role.CLERK, {"department": "land"}, "自然资源局填报员"),
        # 三服务 requests (docs/programmes.md): two of the handling departments
        ("clerk-finance", Role.CLERK, {"department": "finance"}, "金融服务中心办理员"),
        ("clerk-econ", Role.CLERK, {"department": "econ"}, "经信局办理员"),
        ("officer", Role.OFFICER, {"town": town}, f"{town}专员"),
        ("enterprise", Role.ENTERPRISE, {"uscc": uscc}, "企业用户"),
        ("leader", Role.LEADER, {"lead_title": LEADER_TITLE}, "县领导")]
    out = [DemoAccount(admin.username, Role.ADMIN, "—", password)]
    for username, role, scope, display in wanted:
        if (role == Role.OFFICER and not town) or (role == Role.ENTERPRISE and not uscc):
            continue
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user_in = UserCreate.model_validate({"username": username, "display_name": display,
                                                 "role": role, **scope})
            user = users.create_user(session=session, actor=None, user_in=user_in)
            _set_demo_password(session, user, password)
        out.append(DemoAccount(user.username, user.role, _scope(user), password))
    return out
