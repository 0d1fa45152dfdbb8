"""The known-long tests start first, the longest first (tests/ordering.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from tests.ordering import longest_first, seconds


@dataclass
class Item:
    name: str
    takes: float | None = None

    def get_closest_marker(self, name: str):  # type: ignore[no-untyped-def]
        assert name == "takes"
        return pytest.mark.takes(self.takes).mark if self.takes is not None else None


def test_marked_first_longest_first_the_others_in_their_order() -> None:
    items = [Item("a"), Item("b", 10), Item("c"), Item("d", 50), Item("e", 10), Item("f")]
    longest_first(items)  # type: ignore[arg-type]
    assert [i.name for i in items] == ["d", "b", "e", "a", "c", "f"]


def test_this_session_starts_with_the_marked_tests(request: pytest.FixtureRequest) -> None:
    """The hook ran on this very collection: every marked test precedes every unmarked one,
    longest first (whatever part of the suite was selected)."""
    taken = [seconds(item) for item in request.session.items]
    marked = [s for s in taken if s > 0]
    assert taken[:len(marked)] == sorted(marked, reverse=True)
