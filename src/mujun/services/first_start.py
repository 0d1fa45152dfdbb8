"""Who can sign in when ``mujun serve`` starts (docs/security.md, Accounts).

No account ever gets a known password, except on a store holding the demo county (marked by
its loader) served on this machine alone (a loopback address) outside production: there one
account per role gets the published demo password. Anywhere else an admin without a password
(a new store) gets a random one-time password, printed once, which the web makes the admin
change at first sign-in.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from mujun.services.demo import is_demo_store
from mujun.services.demo_accounts import (
    DemoAccount,
    ensure_demo_accounts,
    existing_demo_accounts,
)
from mujun.services.users import ensure_admin, set_first_admin_password


def is_loopback(host: str) -> bool:
    """``127.0.0.1``, ``::1``, ``localhost`` (and the rest of 127/8): reachable from this
    machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class FirstStart:
    #: accounts with the demo password, to print (a demo store on loopback only)
    demo_accounts: list[DemoAccount] = field(default_factory=list)
    #: the admin's one-time password, to print once; None when the admin has a password
    admin_password: str | None = None
    #: accounts still holding the demo password where they should not (a warning to print)
    exposed: list[DemoAccount] = field(default_factory=list)


def prepare_sign_in(*, session: Session, host: str, production: bool) -> FirstStart:
    """The accounts to announce when serving on ``host`` (the caller commits)."""
    if not production and is_loopback(host) and is_demo_store(session):
        if ensure_admin(session=session).password_hash:
            return FirstStart(demo_accounts=existing_demo_accounts(session=session))
        return FirstStart(demo_accounts=ensure_demo_accounts(session=session))
    return FirstStart(admin_password=set_first_admin_password(session=session),
                      exposed=existing_demo_accounts(session=session))
