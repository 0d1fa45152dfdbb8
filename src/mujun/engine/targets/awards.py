"""亩均效益领跑者 (targets.md §3): per group of a year's final run, the ``leaders_per_group``
highest scores among class-A enterprises that are not vetoed; equal scores by credit code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class AwardRow:
    """One result row of the run (the fields the award reads)."""

    uscc: str
    name: str | None
    group: str | None
    klass: str | None
    score: float | None
    vetoed: bool | None


@dataclass(frozen=True)
class Leader:
    place: int
    uscc: str
    name: str | None
    score: float


def leaders(rows: Sequence[AwardRow], per_group: int) -> dict[str, list[Leader]]:
    """Group → its leaders, best first; groups in the order the rows first name them."""
    out: dict[str, list[Leader]] = {}
    for group in dict.fromkeys(r.group for r in rows if r.group):
        eligible = [r for r in rows if r.group == group and r.klass == "A" and not r.vetoed
                    and r.score is not None]
        eligible.sort(key=lambda r: (-(r.score or 0.0), r.uscc))
        out[group] = [Leader(i, r.uscc, r.name, float(r.score or 0.0))
                      for i, r in enumerate(eligible[:per_group], 1)]
    return out
