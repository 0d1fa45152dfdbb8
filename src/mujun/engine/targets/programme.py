"""个十百千万亿 (targets.md §2): value, goal (policy), progress and the yearly series of each.

Each source may be absent (``None``: the store keeps no such records): the target then has no value
and names the source in ``missing``; where a target adds two sources, the one present still counts
and the absent one is named. 百千万亿 count from 1 January of ``programme_from``; for them the page
also shows the pace — the value reached so far carried on at the same average rate to the target
year (targets.md defines a projection for 五个翻番 only; this one is ours, docs/targets.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from mujun.engine.policy import Targets
from mujun.engine.programmes.registers import TALENT_ZH
from mujun.engine.targets.doubling import YearTable
from mujun.engine.targets.figure import Category, TargetFigure, ratio
from mujun.engine.targets.meta import SIX_HUNDRED_EACH

PROGRAMME_KEYS = ("pillar_revenue_wan", "satisfaction", "investment_wan", "talent", "land_mu",
                  "benefit_wan")


@dataclass(frozen=True)
class ProgrammeInputs:
    """What each programme register gives per year; the rules that count a register's records
    (a request rated, a project landed, a case completed) live with the register
    (``services.programmes``, ``services.projects``, ``services.land``); here they only add up."""

    #: year → what that year's published run froze (its table and land-use tax reductions)
    tables: Mapping[int, YearTable]
    #: year → mean rating of the 三服务 requests closed in it (None: none rated)
    satisfaction: Mapping[int, float | None] | None = None
    #: year → Σ actual investment of the projects signed since ``programme_from`` that stand at
    #: 开工 or later at the end of the year (a stock, not a yearly flow)
    investment: Mapping[int, float] | None = None
    #: year → talent category → people recruited in that year
    talent: Mapping[int, Mapping[str, int]] | None = None
    #: year → 亩 of the disposal cases completed in it (land.md §4)
    cases: Mapping[int, float] | None = None
    #: year → 亩 of the 标准地 parcels acquired in it
    parcels: Mapping[int, float] | None = None
    #: year → 万元 of incentives paid (奖补兑现) for it
    payments: Mapping[int, float] | None = None


def pillar_revenue(table: YearTable, industries: Sequence[str]) -> float:
    return sum(e.revenue or 0.0 for e in table.enterprises
               if e.industry_code and e.industry_code.startswith(tuple(industries)))


def _pace(value: float | None, *, year: int, policy: Targets) -> float | None:
    first, last = policy.programme_from, policy.target_year
    if value is None or not first <= year <= last:
        return None
    return value * (last - first + 1) / (year - first + 1)


class _Build:
    def __init__(self, inputs: ProgrammeInputs, policy: Targets, year: int):
        self.inputs, self.policy, self.year = inputs, policy, year
        self.years = range(policy.base_year, year + 1)

    def figure(self, key: str, of_year: Callable[[int], float | None], *, cumulative: bool,
               missing: tuple[str, ...] = (), categories: tuple[Category, ...] = ()
               ) -> TargetFigure:
        series = tuple((y, of_year(y)) for y in self.years)
        value = series[-1][1] if series else None
        goal = float(getattr(self.policy.goals, key))
        projection = _pace(value, year=self.year, policy=self.policy) if cumulative else None
        return TargetFigure(
            key=key, family="programme", year=self.year, value=value, goal=goal,
            progress=ratio(value, goal), series=series, cumulative=cumulative,
            projection=projection,
            on_track=projection >= goal if projection is not None else None,
            missing=missing, categories=categories,
        )

    def counted(self, y: int) -> range:
        """The years a cumulative target adds up at the end of ``y``."""
        return range(self.policy.programme_from, y + 1)


def programme_targets(inputs: ProgrammeInputs, *, year: int, policy: Targets
                      ) -> list[TargetFigure]:
    """The six targets of §2 for ``year``, in targets.md's order."""
    b = _Build(inputs, policy, year)
    tables = inputs.tables

    def pillar(y: int) -> float | None:
        return pillar_revenue(tables[y], policy.pillar_industries) if y in tables else None

    ratings, landed, talent = inputs.satisfaction, inputs.investment, inputs.talent
    cases, parcels, payments = inputs.cases, inputs.parcels, inputs.payments

    def added(by_year: Mapping[int, float] | None, y: int) -> float:
        return sum((by_year or {}).get(x, 0.0) for x in b.counted(y))

    def investment(y: int) -> float | None:
        if landed is None:
            return None
        return landed.get(y, 0.0) if y >= policy.programme_from else 0.0

    def people(y: int, category: str | None = None) -> float | None:
        if talent is None:
            return None
        return float(sum(n for x in b.counted(y) for c, n in talent.get(x, {}).items()
                         if category is None or c == category))

    def land(y: int) -> float | None:
        if cases is None and parcels is None:
            return None
        return added(cases, y) + added(parcels, y)

    def benefit(y: int) -> float | None:
        reductions = sum(tables[x].land_tax_reduction_wan for x in b.counted(y) if x in tables)
        return reductions + added(payments, y)

    six = tuple(Category(c, TALENT_ZH.get(c, c), None if talent is None else int(people(year, c)
                         or 0), SIX_HUNDRED_EACH) for c in policy.six_hundred)
    return [
        b.figure("pillar_revenue_wan", pillar, cumulative=False),
        b.figure("satisfaction", lambda y: ratings.get(y) if ratings is not None else None,
                 cumulative=False, missing=("service_requests",) if ratings is None else ()),
        b.figure("investment_wan", investment, cumulative=True,
                 missing=("projects",) if landed is None else ()),
        b.figure("talent", people, cumulative=True, categories=six,
                 missing=("talent",) if talent is None else ()),
        b.figure("land_mu", land, cumulative=True,
                 missing=tuple(n for n, s in (("land_cases", cases), ("parcels", parcels))
                               if s is None)),
        b.figure("benefit_wan", benefit, cumulative=True,
                 missing=("incentive_payments",) if payments is None else ()),
    ]
