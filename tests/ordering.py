"""The order the tests start in: the known-long ones first (docs/testing.md, "The order of the
tests"), so that pytest-xdist shares the rest out while they run."""

from __future__ import annotations

from typing import Protocol


class Marked(Protocol):
    def get_closest_marker(self, name: str):  # type: ignore[no-untyped-def]
        ...


def seconds(item: Marked) -> float:
    """What the test's ``takes`` marker says it takes (0 without one)."""
    marker = item.get_closest_marker("takes")
    return float(marker.args[0]) if marker else 0.0


def longest_first(items: list[Marked]) -> None:
    """The tests marked ``takes(seconds)`` first, the longest first; the others keep their order.

    pytest-xdist (``--dist worksteal``) hands each worker a run of the list and lets an idle
    worker take the not-yet-started end of another's: a long test that starts last leaves the
    other core idle for its whole length, one that starts first runs while the short ones are
    shared out. The sort is stable, so it is the same in every worker, as xdist requires."""
    items.sort(key=lambda item: -seconds(item))
