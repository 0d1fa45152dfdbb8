"""One target as every surface shows it (targets.md: key, title, unit, value, goal, progress, its
yearly series; projection and growth where §1 defines them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mujun.engine.targets.meta import TARGETS


@dataclass(frozen=True)
class Category:
    """One 六百工程 category against its 100 people."""

    key: str
    title: str
    value: int | None
    goal: int


@dataclass(frozen=True)
class TargetFigure:
    key: str
    #: ``doubling`` (五个翻番, §1) or ``programme`` (个十百千万亿, §2)
    family: str
    year: int
    value: float | None
    goal: float | None
    progress: float | None
    #: (year, value) from the base year to ``year``; a year without data has ``None``
    series: tuple[tuple[int, float | None], ...]
    #: whether the value adds up from ``programme_from`` (百亿投资, 千名人才, 万亩平台, 亿元惠企)
    cumulative: bool = False
    base: float | None = None
    actual_growth: float | None = None
    needed_growth: float | None = None
    projection: float | None = None
    on_track: bool | None = None
    #: 千名人才: the six 六百工程 categories
    categories: tuple[Category, ...] = field(default=())
    #: the sources the store does not keep (yet): ``projects``, ``talent``, ``land_cases``…
    missing: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return TARGETS[self.key][0]

    @property
    def unit(self) -> str:
        return TARGETS[self.key][1]


def ratio(value: float | None, goal: float | None) -> float | None:
    """``value / goal``, or None when either is unknown or the goal is 0."""
    if value is None or not goal:
        return None
    return value / goal
