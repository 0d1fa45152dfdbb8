"""One Playwright and one chromium per process, shared by every copy of the ``browser`` fixture.

A test module outside this folder (tests/security) imports the fixtures from conftest.py, which
makes a second session-scoped ``browser`` (and pytest imports conftest.py under another module
name than that import does). A second sync Playwright cannot start while the first one runs
("Playwright Sync API inside the asyncio loop"), so both copies take the browser from here: this
module is imported under one name only (``tests.web.browser.chromium``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_state: dict[str, Any] = {"users": 0}


@contextmanager
def shared(executable: str, args: list[str]) -> Iterator[Any]:
    """The process's chromium, launched by the first user and closed when the last one leaves."""
    if _state["users"] == 0:
        from playwright.sync_api import sync_playwright

        _state["playwright"] = sync_playwright().start()
        try:
            _state["browser"] = _state["playwright"].chromium.launch(executable_path=executable,
                                                                     args=args)
        except BaseException:
            _state.pop("playwright").stop()
            raise
    _state["users"] += 1
    try:
        yield _state["browser"]
    finally:
        _state["users"] -= 1
        if _state["users"] == 0:
            _state.pop("browser").close()
            _state.pop("playwright").stop()
