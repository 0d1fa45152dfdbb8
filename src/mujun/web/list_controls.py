"""What the list templates' controls need besides the list itself (docs/lists.md): the choices
of the class dropdown (the group's are ``_list.html``'s ``group_choice``), one place for every
list page."""

from __future__ import annotations

from typing import Any

from mujun.engine.policy import CLASSES
from mujun.services.list_query import options


def controls(**more: Any) -> dict[str, Any]:
    """The template context of a list page's controls, with ``more`` (e.g. the list's years)."""
    return {"classes": options(CLASSES), **more}
