"""The password policy, checked wherever a password is set (docs/security.md, Passwords).

A password needs ``MIN_LENGTH`` characters and must not be easy to guess: zxcvbn (Dropbox's
estimator, with its lists of common passwords, words, names, keyboard walks and dates) must
score it at least ``MIN_SCORE`` of 4, counting the user's own name and display name as known
words, and the demo county's published password is refused (the demo path sets it without
this check: services/demo_accounts.py). One-time passwords are random.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from mujun.engine.texts import N_
from mujun.services.errors import InvalidInput

#: printed by ``mujun serve`` for the demo county on this machine, and in the docs
DEMO_PASSWORD = "mujun-demo-2025"
MIN_LENGTH = 10
MIN_SCORE = 3
#: zxcvbn's time grows with the length; what lies beyond this adds strength anyway
_SCORED_CHARS = 100

TOO_SHORT = N_("密码至少需要 10 个字符")  # 10 = MIN_LENGTH
TOO_COMMON = N_("密码太常见或太容易猜到（常用密码、键盘顺序、单词、日期或用户名），"
                "请换一个更长、更独特的密码")
PUBLISHED = N_("这是公开的演示密码，不能使用")


class WeakPassword(InvalidInput):
    """The password breaks the policy; the message says how."""


def check_password(password: str, *, known: Iterable[str | None] = ()) -> None:
    """Raise ``WeakPassword`` unless ``password`` is long and hard enough to guess; ``known``
    holds words of the user (name, display name) that must not carry the password."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(TOO_SHORT)
    if password == DEMO_PASSWORD:
        raise WeakPassword(PUBLISHED)
    inputs = [word for word in known if word]
    # imported here: building its word lists takes 0.05–0.1 s, which every command that
    # imports the services (``mujun run create``) paid without ever checking a password
    from zxcvbn import zxcvbn

    if zxcvbn(password[:_SCORED_CHARS], user_inputs=inputs)["score"] < MIN_SCORE:
        raise WeakPassword(TOO_COMMON)


def one_time_password() -> str:
    """A random password to be changed at first sign-in (about 96 bits)."""
    return secrets.token_urlsafe(12)
