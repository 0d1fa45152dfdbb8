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
from datetime import date

from mujun.engine.policy import Targets
from mujun.engine.targets.doubling import YearTable
from mujun.engine.targets.figure import Category, TargetFigure, ratio
from mujun.engine.targets.meta import LANDED_FROM, PROJECT_STAGES, SIX_HUNDRED_EACH, TALENT_ZH

PROGRAMME_KEYS = ("pillar_revenue_wan", "satisfaction", "investment_wan", "talent", "land_mu",
                  "benefit_wan")


@dataclass(frozen=True)
class ProjectInput:
    """An investment project: its actual investment, when it was signed and each stage it
    entered with the date (a step back is one more entry)."""

    actual_investment_wan: float | None
    signed_on: date | None
    stages: Sequence[tuple[date, str]]


@dataclass(frozen=True)
class Recruit:
    """One person of the talent register: category and year recruited."""

    category: str
    year: int


@dataclass(frozen=True)
class LandPiece:
    """Platform land: a disposal case completed or a 标准地 parcel acquired, on a day."""

    on: date
    area_mu: float


@dataclass(frozen=True)
class Payment:
    """An incentive paid (奖补兑现) for a year."""

    year: int
    amount_wan: float


@dataclass(frozen=True)
class ProgrammeInputs:
    #: year → what that year's final run froze (its table and land-use tax reductions)
    tables: Mapping[int, YearTable]
    #: year → mean rating of the 三服务 requests closed in it (None: none rated)
    satisfaction: Mapping[int, float | None] | None = None
    projects: Sequence[ProjectInput] | None = None
    talent: Sequence[Recruit] | None = None
    #: disposal cases completed (land.md §4)
    cases: Sequence[LandPiece] | None = None
    #: standard-land parcels acquired
    parcels: Sequence[LandPiece] | None = None
    payments: Sequence[Payment] | None = None


def _stage_at_end(project: ProjectInput, year: int) -> str | None:
    end = date(year, 12, 31)
    entered = sorted((d, PROJECT_STAGES.index(s)) for d, s in project.stages
                     if d <= end and s in PROJECT_STAGES)
    return PROJECT_STAGES[entered[-1][1]] if entered else None


def landed_investment(projects: Sequence[ProjectInput], *, year: int, since: int) -> float:
    """Σ actual investment of the projects signed on or after 1 January ``since`` whose stage at
    the end of ``year`` is 开工 or later."""
    first = PROJECT_STAGES.index(LANDED_FROM)
    total = 0.0
    for p in projects:
        if p.signed_on is None or p.signed_on.year < since:
            continue
        stage = _stage_at_end(p, year)
        if stage is not None and PROJECT_STAGES.index(stage) >= first:
            total += p.actual_investment_wan or 0.0
    return total


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

    ratings = inputs.satisfaction
    projects, talent = inputs.projects, inputs.talent
    cases, parcels, payments = inputs.cases, inputs.parcels, inputs.payments

    def investment(y: int) -> float | None:
        if projects is None:
            return None
        return landed_investment(projects, year=y, since=policy.programme_from)

    def people(y: int, category: str | None = None) -> float | None:
        if talent is None:
            return None
        return float(sum(1 for r in talent if r.year in b.counted(y)
                         and (category is None or r.category == category)))

    def land(y: int) -> float | None:
        if cases is None and parcels is None:
            return None
        pieces = [*(cases or ()), *(parcels or ())]
        return sum(p.area_mu for p in pieces if p.on.year in b.counted(y))

    def benefit(y: int) -> float | None:
        reductions = sum(tables[x].land_tax_reduction_wan for x in b.counted(y) if x in tables)
        paid = sum(p.amount_wan for p in payments or () if p.year in b.counted(y))
        return reductions + paid

    six = tuple(Category(c, TALENT_ZH.get(c, c), None if talent is None else int(people(year, c)
                         or 0), SIX_HUNDRED_EACH) for c in policy.six_hundred)
    return [
        b.figure("pillar_revenue_wan", pillar, cumulative=False),
        b.figure("satisfaction", lambda y: ratings.get(y) if ratings is not None else None,
                 cumulative=False, missing=("service_requests",) if ratings is None else ()),
        b.figure("investment_wan", investment, cumulative=True,
                 missing=("projects",) if projects is None else ()),
        b.figure("talent", people, cumulative=True, categories=six,
                 missing=("talent",) if talent is None else ()),
        b.figure("land_mu", land, cumulative=True,
                 missing=tuple(n for n, s in (("land_cases", cases), ("parcels", parcels))
                               if s is None)),
        b.figure("benefit_wan", benefit, cumulative=True,
                 missing=("incentive_payments",) if payments is None else ()),
    ]
