"""五个翻番 (targets.md §1): double the base year's value by the target year.

A year's values come from that year's enterprise table (the rows of its final run's snapshot) and
the enterprises its run evaluated; the fifth, 工业投资, is the county's own yearly figure. The
canonical table has no gross-output field: revenue stands in for 规上工业产值.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mujun.engine.policy import Targets
from mujun.engine.targets.figure import TargetFigure, ratio

DOUBLING_KEYS = ("above_scale_output", "rd_expense", "va_per_mu", "tax_per_mu",
                 "industrial_investment")


@dataclass(frozen=True)
class EnterpriseRow:
    """One row of a year's enterprise table (the fields the targets read)."""

    uscc: str
    above_scale: bool
    revenue: float | None = None
    rd_expense: float | None = None
    value_added: float | None = None
    tax_paid: float | None = None
    industry_code: str | None = None


@dataclass(frozen=True)
class EvaluatedRow:
    """An enterprise the year's run evaluated (not exempt; vetoed ones included), with the land
    the run counted for it."""

    uscc: str
    land_mu: float | None


@dataclass(frozen=True)
class YearTable:
    """What a year's final run froze: its enterprise table, whom it evaluated, the county's
    工业投资 and the run's total 城镇土地使用税 reduction."""

    year: int
    enterprises: Sequence[EnterpriseRow]
    evaluated: Sequence[EvaluatedRow]
    industrial_investment: float | None = None
    land_tax_reduction_wan: float = 0.0


def _sum(values: Sequence[float | None]) -> float:
    return sum(v or 0.0 for v in values)  # a missing value counts as 0 (§1)


def doubling_values(table: YearTable) -> dict[str, float | None]:
    """The five values of one year."""
    above = [e for e in table.enterprises if e.above_scale]
    by_uscc = {e.uscc: e for e in table.enterprises}
    land = _sum([r.land_mu for r in table.evaluated])
    evaluated = [by_uscc[r.uscc] for r in table.evaluated if r.uscc in by_uscc]
    return {
        "above_scale_output": _sum([e.revenue for e in above]),
        "rd_expense": _sum([e.rd_expense for e in above]),
        "va_per_mu": _sum([e.value_added for e in evaluated]) / land if land > 0 else None,
        "tax_per_mu": _sum([e.tax_paid for e in evaluated]) / land if land > 0 else None,
        "industrial_investment": table.industrial_investment,
    }


def needed_growth(policy: Targets) -> float:
    """The yearly growth that doubles a value from the base to the target year (≈ 14.87 % over
    five years)."""
    return float(2 ** (1 / (policy.target_year - policy.base_year)) - 1)


def doubling_target(key: str, values: Mapping[int, float | None], *, year: int,
                    policy: Targets) -> TargetFigure:
    """One target of §1 for ``year`` from its values by year (a year absent: no data)."""
    base_year, target_year = policy.base_year, policy.target_year
    value, base = values.get(year), values.get(base_year)
    goal = 2 * base if base is not None else None
    growth = projection = None
    if value is not None and base is not None and value > 0 and base > 0 and year > base_year:
        growth = (value / base) ** (1 / (year - base_year)) - 1
        projection = value * (1 + growth) ** (target_year - year)
    on_track = projection >= goal if projection is not None and goal is not None else None
    return TargetFigure(
        key=key, family="doubling", year=year, value=value, goal=goal, progress=ratio(value, goal),
        series=tuple((y, values.get(y)) for y in range(base_year, year + 1)),
        base=base, actual_growth=growth, needed_growth=needed_growth(policy),
        projection=projection, on_track=on_track,
    )
