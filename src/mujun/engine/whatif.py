"""政策模拟 (what-if): the same enterprises under two policies, and who changes class."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mujun.engine.evaluate import Evaluation
from mujun.engine.policy import CLASSES, GROUPS


@dataclass(frozen=True)
class ClassChange:
    uscc: str
    name: str | None
    group_before: str | None
    group_after: str | None
    class_before: str | None
    class_after: str | None
    score_before: float | None
    score_after: float | None


@dataclass(frozen=True)
class WhatIf:
    base_policy: str
    other_policy: str
    changes: list[ClassChange]
    #: {group: {class: count}} under each policy (exempt enterprises are left out)
    mix_before: dict[str, dict[str, int]]
    mix_after: dict[str, dict[str, int]]


def class_mix(ev: Evaluation) -> dict[str, dict[str, int]]:
    rows = ev.table.select(["group", "class"]).to_pylist()
    counts = Counter((r["group"], r["class"]) for r in rows if r["group"] is not None)
    return {g: {k: counts.get((g, k), 0) for k in CLASSES} for g in GROUPS if g in ev.policy.groups}


def compare(before: Evaluation, after: Evaluation) -> WhatIf:
    """Enterprises whose class differs between ``before`` and ``after`` (same input rows)."""
    cols = ["uscc", "name", "group", "class", "score"]
    later = {r["uscc"]: r for r in after.table.select(cols).to_pylist()}
    changes = []
    for r in before.table.select(cols).to_pylist():
        o = later.get(r["uscc"])
        if o is not None and o["class"] != r["class"]:
            changes.append(
                ClassChange(
                    uscc=r["uscc"],
                    name=r["name"],
                    group_before=r["group"],
                    group_after=o["group"],
                    class_before=r["class"],
                    class_after=o["class"],
                    score_before=r["score"],
                    score_after=o["score"],
                )
            )
    return WhatIf(
        base_policy=before.policy.name,
        other_policy=after.policy.name,
        changes=changes,
        mix_before=class_mix(before),
        mix_after=class_mix(after),
    )
