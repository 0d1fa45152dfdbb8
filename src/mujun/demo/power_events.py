"""The events planted in the demo's monthly power readings, so that the early warning
(docs/monitoring.md) has something to find, now and in every earlier year.

As of 2025-12: about ten plants stopped in the last months of 2025 (停产预警), a few dozen whose
last quarter fell well below 2024's (减产预警), a few meters without data for November and December
(数据中断); the demo officer's town has one stop and one decline at least. Before that, every year
2021–2025 has a few temporary stops (停产整顿, repairs) and slumps of a few months that recover,
and a couple of meters that lose two months of data at the year's end. The demo enterprise
account's enterprise (one of the first 规上 of the officer's town) is left alone.

An event is a factor on a month's weight, or a month without a row; the year's figure is fixed, so
the year's other months carry what a stop or slump does not use.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from mujun.demo.county import LAST_YEAR, YEARS
from mujun.demo.model import Enterprise

#: planted as of the last month: stops, declines, silent meters (outside the officer's town)
END_STOPS, END_DECLINES, END_SILENT = 9, 24, 3
#: planted in each year 2021–2025 (ending by September in the last year)
TEMPORARY_STOPS, SLUMPS, SILENT_PER_YEAR = 3, 8, 2
#: a stopped month uses 2–6 % of its usual power; a declining one 35–55 %
STOP_LEVEL = (0.02, 0.06)
DECLINE_LEVEL = (0.35, 0.55)
SLUMP_LEVEL = (0.4, 0.6)
#: the first few 规上 of the officer's town, one of which is the demo enterprise account's
PROTECTED = 5
_LAST = YEARS.index(LAST_YEAR)


@dataclass(frozen=True)
class Events:
    #: (enterprise, year, month) factor on the month's weight
    factor: np.ndarray
    #: (enterprise, year, month) months whose reading is lost
    lost: np.ndarray


def demo_town(enterprises: list[Enterprise]) -> str:
    """The town with the most enterprises: the demo officer's (services/demo_enterprise.py)."""
    return Counter(e.town for e in enterprises).most_common(1)[0][0]


def protected(enterprises: list[Enterprise]) -> set[str]:
    """The officer's town's first 规上 of the last year by credit code: the demo enterprise
    account is the first of them the evaluation does not exempt."""
    town = demo_town(enterprises)
    above = sorted(e.uscc for e in enterprises if e.town == town and LAST_YEAR in e.figures
                   and e.figures[LAST_YEAR].above_scale)
    return set(above[:PROTECTED])


class _Planter:
    def __init__(self, rng: np.random.Generator, enterprises: list[Enterprise], kwh: np.ndarray,
                 active: np.ndarray):
        self.rng = rng
        self.factor = np.ones(active.shape)
        self.lost = np.zeros(active.shape, dtype=bool)
        keep = protected(enterprises)
        # a year is open to an event when the plant ran all of it, with a figure
        self.open = active.all(axis=2) & ~np.isnan(kwh)
        self.open[[i for i, e in enumerate(enterprises) if e.uscc in keep]] = False
        town = demo_town(enterprises)
        self.in_town = np.array([e.town == town for e in enterprises])
        with np.errstate(invalid="ignore", divide="ignore"):
            self.change = kwh[:, _LAST] / kwh[:, _LAST - 1]

    def pick(self, n: int, year: int, where: np.ndarray | None = None) -> np.ndarray:
        """``n`` enterprises open in ``year`` (and ``where``), no longer open that year."""
        y = YEARS.index(year)
        candidates = self.open[:, y] if where is None else self.open[:, y] & where
        found = np.flatnonzero(candidates)
        chosen = self.rng.choice(found, size=min(n, len(found)), replace=False)
        self.open[chosen, y] = False
        return np.sort(chosen)

    def ended_lower(self, below: float) -> np.ndarray:
        """Open in both last years, using less power in the last: a plausible stop or decline
        (the months before it carry a year's figure close to the one before)."""
        with np.errstate(invalid="ignore"):
            return self.open[:, _LAST - 1] & (self.change < below)

    def block(self, chosen: np.ndarray, year: int, first: np.ndarray, length: np.ndarray,
              level: tuple[float, float]) -> None:
        y = YEARS.index(year)
        for i, start, n in zip(chosen, first, length, strict=True):
            self.factor[i, y, start:start + n] = self.rng.uniform(*level, size=n)

    def at_end(self, chosen: np.ndarray, year: int, length: np.ndarray,
               level: tuple[float, float]) -> None:
        self.block(chosen, year, 12 - length, length, level)

    def temporary(self, year: int) -> None:
        """Stops and slumps of a few months, inside the year (by September in the last)."""
        last = 9 if year == LAST_YEAR else 12
        stops = self.pick(TEMPORARY_STOPS, year)
        n = self.rng.integers(2, 4, size=len(stops))
        self.block(stops, year, self.rng.integers(0, last - n + 1), n, STOP_LEVEL)
        slumps = self.pick(SLUMPS, year)
        n = self.rng.integers(3, 6, size=len(slumps))
        self.block(slumps, year, self.rng.integers(0, last - n + 1), n, SLUMP_LEVEL)

    def silent(self, n: int, year: int) -> None:
        self.lost[self.pick(n, year), YEARS.index(year), 10:] = True


def plant_events(rng: np.random.Generator, enterprises: list[Enterprise], kwh: np.ndarray,
                 active: np.ndarray) -> Events:
    """``kwh``: (enterprise, year) figures (NaN: none); ``active``: (enterprise, year, month)."""
    p = _Planter(rng, enterprises, kwh, active)
    stops = np.concatenate([p.pick(1, LAST_YEAR, p.ended_lower(1.0) & p.in_town),
                            p.pick(END_STOPS, LAST_YEAR, p.ended_lower(1.0))])
    p.at_end(stops, LAST_YEAR, rng.choice([2, 2, 3], size=len(stops)), STOP_LEVEL)
    declines = np.concatenate([p.pick(1, LAST_YEAR, p.ended_lower(1.05) & p.in_town),
                               p.pick(END_DECLINES, LAST_YEAR, p.ended_lower(1.05))])
    p.at_end(declines, LAST_YEAR, np.full(len(declines), 3), DECLINE_LEVEL)
    p.silent(END_SILENT, LAST_YEAR)
    for year in YEARS[1:]:
        p.temporary(year)
        if year != LAST_YEAR:
            p.silent(SILENT_PER_YEAR, year)
    return Events(p.factor, p.lost)
