"""What the list templates' controls need besides the list itself (docs/lists.md): the labelled
choices of the group and class dropdowns, one place for every list page."""

from __future__ import annotations

from typing import Any

from mujun.engine.labels import GROUP_ZH
from mujun.engine.policy import CLASSES
from mujun.services.list_query import options


def controls(**more: Any) -> dict[str, Any]:
    """The template context of a list page's controls, with ``more`` (e.g. the list's years)."""
    return {"groups": options(GROUP_ZH), "classes": options(CLASSES), **more}
