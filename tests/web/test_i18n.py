"""Every text of the pages has its English; keyed labels have both languages."""

from __future__ import annotations

import re
from pathlib import Path

from mujun.web.messages_en import EN, ZH_KEYED
from mujun.web.nav import NavItem

TEMPLATES = Path(__file__).parents[2] / "src/mujun/web/templates"


def test_every_template_text_has_english() -> None:
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r'_\("([^"]+)"\)', path.read_text(encoding="utf-8")))
        for mapping in re.findall(r"_\(\{([^}]+)\}", path.read_text(encoding="utf-8")):
            used |= set(re.findall(r'"[a-z]+": "([^"]+)"', mapping))
    missing = sorted(t for t in used if t not in EN)
    assert missing == []


def test_keyed_labels_have_both_languages() -> None:
    assert sorted(k for k in ZH_KEYED if k not in EN) == []
    assert sorted(k for k in EN if ":" in k and k not in ZH_KEYED) == []


def test_nav_labels_have_english() -> None:
    from mujun.store.models import User

    for role, extra in (("admin", {}), ("clerk", {"department": "tax"}),
                        ("officer", {"town": "x"}), ("enterprise", {"uscc": "x"}),
                        ("leader", {})):
        from mujun.web.nav import nav_for

        items: list[NavItem] = nav_for(User(username="u", role=role, active=True, **extra), "/")
        assert [i.label for i in items if i.label not in EN] == []
