"""Monthly power readings (``power-monthly.csv``, docs/monitoring.md): each enterprise's yearly
``electricity_kwh`` spread over the months it produced in.

A month's share of the year is its weight: the season (the Spring Festival dip, the summer peak,
the tea harvest for 精制茶), a little noise, a path between the years' levels (a change builds up
across the turn of the year), a new plant's ramp-up, a leaver's wind-down and the events planted
by :mod:`mujun.demo.power_events`. Each year's months are whole kWh that add up exactly to the
year's figure: a stop or a slump inside a year is paid for by the year's other months. A year
without a figure has no rows (missing, never 0), nor do the months before production or after
leaving.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from mujun.demo.county import YEARS
from mujun.demo.model import Enterprise
from mujun.demo.power_events import plant_events

MONTHS = 12
#: the usual month of a factory, January … December: a summer peak (cooling), a year-end push
SEASON = np.array([1.00, 1.00, 1.00, 0.98, 1.00, 1.03, 1.10, 1.12, 1.04, 0.98, 1.00, 1.04])
#: 精制茶 plants follow the harvest: spring tea (March–May) is most of their year
TEA_SEASON = np.array([0.55, 0.75, 1.70, 1.80, 1.35, 1.00, 0.95, 0.90, 0.80, 0.75, 0.70, 0.75])
TEA = "15"
#: 正月初一 of each year; plants slow from a week before to twelve days after
SPRING_FESTIVAL = {2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1),
                   2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29)}
FESTIVAL_DAYS = (-7, 12)
FESTIVAL_ACTIVITY = 0.5
#: February and March 2020: work resumed slowly after the epidemic's lockdown
COVID_2020 = {1: 0.55, 2: 0.85}
#: monthly noise (log sd) of a 规上 and of a smaller enterprise
NOISE = (0.05, 0.10)
#: the largest year-on-year change (log) the months lean towards
TILT = 0.4
#: a new plant's first months reach 40 %, 60 %, 80 % of a full month
RAMP = (0.4, 0.6, 0.8)
#: a leaver's last months, oldest first: moving out winds down, closing down nearly stops
WIND_DOWN = {"moved_out": (0.8, 0.6, 0.4, 0.25), "deregistered": (0.7, 0.45, 0.05, 0.03)}
#: the earliest month (1-based) a leaver's meter can go quiet in its last year
EARLIEST_EXIT = 6


@dataclass(frozen=True)
class MonthlyPower:
    """The readings, by credit code then month: the rows of ``power-monthly.csv``."""

    uscc: np.ndarray  # str
    month: np.ndarray  # year × 12 + month − 1, as engine/monitoring/months counts
    kwh: np.ndarray  # whole kWh, int64

    def __len__(self) -> int:
        return len(self.kwh)


def _festival(year: int) -> np.ndarray:
    """Each month's factor for the days of the year's Spring Festival slowdown it holds."""
    first = SPRING_FESTIVAL[year] + timedelta(days=FESTIVAL_DAYS[0])
    slow = np.zeros(MONTHS)
    for i in range(FESTIVAL_DAYS[1] - FESTIVAL_DAYS[0]):
        day = first + timedelta(days=i)
        if day.year == year:
            slow[day.month - 1] += 1
    length = np.array([monthrange(year, m + 1)[1] for m in range(MONTHS)])
    return 1 - (1 - FESTIVAL_ACTIVITY) * slow / length


def calendar_factors(tea: np.ndarray) -> np.ndarray:
    """(enterprise, year, month) season and holidays, for enterprises flagged ``tea``."""
    holidays = np.stack([_festival(y) for y in YEARS])
    for month, factor in COVID_2020.items():
        holidays[YEARS.index(2020), month] *= factor
    season = np.where(tea[:, None], TEA_SEASON, SEASON)
    return season[:, None, :] * holidays[None, :, :]


def yearly_kwh(enterprises: list[Enterprise]) -> np.ndarray:
    """(enterprise, year) ``electricity_kwh``; NaN where the year has no figure or no table row."""
    kwh = np.full((len(enterprises), len(YEARS)), np.nan)
    for i, e in enumerate(enterprises):
        for year, figures in e.figures.items():
            if figures.electricity_kwh is not None:
                kwh[i, YEARS.index(year)] = figures.electricity_kwh
    return kwh


def lifecycle(rng: np.random.Generator, enterprises: list[Enterprise]
              ) -> tuple[np.ndarray, np.ndarray]:
    """(enterprise, year, month) whether the plant draws power, and the ramp-up and wind-down
    factors. Production starts in its month; a leaver's meter goes quiet in a month of its last
    year (``EARLIEST_EXIT`` … December), after its wind-down."""
    shape = (len(enterprises), len(YEARS), MONTHS)
    active = np.zeros(shape, dtype=bool)
    factor = np.ones(shape)
    exits = rng.integers(EARLIEST_EXIT, MONTHS + 1, size=len(enterprises))
    for i, e in enumerate(enterprises):
        for year in e.data_years():
            y = YEARS.index(year)
            first, last = 0, MONTHS - 1
            start = e.production_start
            if start is not None and start.year == year:
                first = start.month - 1
                ramp = RAMP[:MONTHS - first]
                factor[i, y, first:first + len(ramp)] = ramp
            if e.left_year == year + 1:
                last = max(int(exits[i]) - 1, first)
                down = WIND_DOWN[e.left_kind][-(last - first):] if last > first else ()
                factor[i, y, last + 1 - len(down):last + 1] = down
            active[i, y, first:last + 1] = True
    return active, factor


def spread(kwh: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Each year's whole kWh over its months in proportion to ``weight`` (0 where no reading):
    the rounded running totals, differenced, so the months add up exactly to the year's."""
    running = np.cumsum(weight, axis=-1)
    total = running[..., -1:]
    share = np.divide(running, total, out=np.zeros_like(running), where=total > 0)
    cumulative = np.rint(np.nan_to_num(kwh)[..., None] * share)
    return np.diff(cumulative, axis=-1, prepend=0.0).astype(np.int64)


def _tilt(kwh: np.ndarray) -> np.ndarray:
    """(enterprise, year, month) the path between the years' levels: each month's log level
    interpolated between its year's middle and the neighbouring year's (flat where a year has no
    figure), so a year-on-year change builds up across the turn of the year."""
    with np.errstate(invalid="ignore", divide="ignore"):
        change = np.log(kwh[:, 1:] / kwh[:, :-1])
    change = np.clip(np.nan_to_num(change, nan=0.0, posinf=0.0, neginf=0.0), -TILT, TILT)
    edge = np.zeros((len(kwh), 1))
    from_last = np.concatenate([edge, change], axis=1)[:, :, None]
    to_next = np.concatenate([change, edge], axis=1)[:, :, None]
    offset = (np.arange(MONTHS) - (MONTHS - 1) / 2) / MONTHS  # years from the year's middle
    return np.exp(np.where(offset < 0, offset * from_last, offset * to_next))


def draw_power(rng: np.random.Generator, enterprises: list[Enterprise]) -> MonthlyPower:
    """Every enterprise's readings; ``enterprises`` are read, never changed."""
    kwh = yearly_kwh(enterprises)
    tea = np.array([e.industry == TEA for e in enterprises])
    small = np.array([not any(f.above_scale for f in e.figures.values()) for e in enterprises])
    active, factor = lifecycle(rng, enterprises)
    noise = np.exp(rng.normal(0.0, 1.0, size=active.shape)
                   * np.where(small, NOISE[1], NOISE[0])[:, None, None])
    tilt = _tilt(kwh)
    events = plant_events(rng, enterprises, kwh, active)
    read = active & ~events.lost & ~np.isnan(kwh)[:, :, None]
    weight = calendar_factors(tea) * noise * tilt * factor * events.factor * read
    monthly = spread(kwh, weight)
    order = np.argsort([e.uscc for e in enterprises], kind="stable")
    read, monthly = read[order], monthly[order]
    who, year, month = np.nonzero(read)
    codes = np.array([enterprises[i].uscc for i in order], dtype=object)
    return MonthlyPower(
        uscc=codes[who],
        month=(np.array(YEARS)[year] * MONTHS + month).astype(np.int64),
        kwh=monthly[who, year, month],
    )
