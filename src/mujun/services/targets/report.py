"""The targets of a year and the 亩均效益领跑者 awards, as every surface shows them.

A year's figures come from its published run (the newest published version: final, or in public
notice before it is final): its frozen enterprise table, the enterprises it evaluated, the county
figures and the policy it froze — so an import or a policy change after publication never moves a
published year (docs/targets.md, docs/security.md). The goals and years are the ``targets:``
section of that policy; a year without a published run uses the policy that applies to it.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from mujun.engine.labels import GROUP_ZH
from mujun.engine.policy import Policy, load_policy_text
from mujun.engine.targets import (
    DOUBLING_KEYS,
    ProgrammeInputs,
    TargetFigure,
    doubling_target,
    doubling_values,
    leaders,
    programme_targets,
)
from mujun.engine.texts import N_
from mujun.services.access import Action, require
from mujun.services.policies.choice import policy_for
from mujun.services.published import RunRef, published_runs
from mujun.services.targets import sources
from mujun.services.targets.year_tables import award_rows, year_table
from mujun.store.models import Run, User

#: said wherever 规上工业产值 is shown (targets.md §1)
REVENUE_NOTE = N_("规上工业产值以营业收入计：企业数据中没有工业总产值字段。")


class SeriesPoint(BaseModel):
    year: int
    value: float | None


class CategoryPublic(BaseModel):
    key: str
    title: str
    value: int | None
    goal: int


class TargetPublic(BaseModel):
    key: str
    #: ``doubling`` (五个翻番) or ``programme`` (个十百千万亿)
    family: str
    title: str
    unit: str
    year: int
    value: float | None
    goal: float | None
    progress: float | None
    series: list[SeriesPoint]
    cumulative: bool
    #: 五个翻番: the base year's value, the actual and the needed yearly growth; projection and
    #: on_track also for the cumulative 个十百千万亿 (their pace, docs/targets.md)
    base: float | None
    actual_growth: float | None
    needed_growth: float | None
    projection: float | None
    on_track: bool | None
    categories: list[CategoryPublic]
    #: sources the store keeps no records of (yet): the value lacks them
    missing: list[str]
    note: str | None = None


class TargetsPublic(BaseModel):
    year: int
    #: the years with a published run
    years: list[int]
    run: RunRef | None
    policy_name: str
    base_year: int
    target_year: int
    programme_from: int
    note: str
    doubling: list[TargetPublic]
    programme: list[TargetPublic]


class LeaderPublic(BaseModel):
    place: int
    uscc: str
    name: str | None
    score: float


class AwardGroup(BaseModel):
    group: str
    title: str
    leaders: list[LeaderPublic]


class AwardsPublic(BaseModel):
    year: int | None
    years: list[int]
    run: RunRef | None
    leaders_per_group: int
    groups: list[AwardGroup]


def _public(figure: TargetFigure) -> TargetPublic:
    return TargetPublic(
        key=figure.key, family=figure.family, title=figure.title, unit=figure.unit,
        year=figure.year, value=figure.value, goal=figure.goal, progress=figure.progress,
        series=[SeriesPoint(year=y, value=v) for y, v in figure.series],
        cumulative=figure.cumulative, base=figure.base, actual_growth=figure.actual_growth,
        needed_growth=figure.needed_growth, projection=figure.projection,
        on_track=figure.on_track,
        categories=[CategoryPublic(key=c.key, title=c.title, value=c.value, goal=c.goal)
                    for c in figure.categories],
        missing=list(figure.missing),
        note=REVENUE_NOTE if figure.key == "above_scale_output" else None,
    )


def _policy(session: Session, run: Run | None, year: int) -> tuple[str, Policy]:
    if run is not None:
        return run.policy_name, load_policy_text(run.policy_text, run.policy_name).policy
    loaded = policy_for(session, year)
    return loaded.policy.name, loaded.policy


def compute(session: Session, year: int | None = None) -> TargetsPublic:
    """Every target of ``year`` (default: the latest year with a published run); no access check
    (the cockpit and :func:`targets` call it)."""
    runs = published_runs(session)
    if year is None:
        year = max(runs) if runs else _policy(session, None, 2000)[1].targets.target_year
    run = runs.get(year)
    policy_name, policy = _policy(session, run, year)
    goals = policy.targets
    tables = {y: year_table(session, r) for y, r in runs.items() if y <= year}
    values = {y: doubling_values(t) for y, t in tables.items()}
    doubling = [doubling_target(key, {y: v[key] for y, v in values.items()}, year=year,
                                policy=goals) for key in DOUBLING_KEYS]
    years = range(goals.base_year, year + 1)
    inputs = ProgrammeInputs(
        tables=tables, satisfaction=sources.satisfaction(session, years),
        investment=sources.investment(session, years, goals.programme_from),
        talent=sources.talent(session, years), cases=sources.disposal_cases(session, years),
        parcels=sources.standard_land(session, years), payments=sources.payments(session, years),
    )
    programme = programme_targets(inputs, year=year, policy=goals)
    return TargetsPublic(
        year=year, years=list(runs), run=RunRef.model_validate(run) if run else None,
        policy_name=policy_name, base_year=goals.base_year, target_year=goals.target_year,
        programme_from=goals.programme_from, note=REVENUE_NOTE,
        doubling=[_public(f) for f in doubling], programme=[_public(f) for f in programme],
    )


def targets(*, session: Session, actor: User, year: int | None = None) -> TargetsPublic:
    """The county's targets of ``year`` for the roles that see county aggregates."""
    require(actor, Action.TARGETS)
    return compute(session, year)


def awards(*, session: Session, actor: User, year: int | None = None) -> AwardsPublic:
    """亩均效益领跑者 of ``year`` (default: the latest published year): a public honour, so every
    role sees it."""
    require(actor, Action.AWARDS)
    runs = published_runs(session)
    if year is None and runs:
        year = max(runs)
    run = runs.get(year) if year is not None else None
    per_group = _policy(session, run, year or 2000)[1].awards.leaders_per_group
    named = leaders(award_rows(session, run), per_group) if run else {}
    return AwardsPublic(
        year=year, years=list(runs), run=RunRef.model_validate(run) if run else None,
        leaders_per_group=per_group,
        groups=[AwardGroup(group=g, title=GROUP_ZH.get(g, g),
                           leaders=[LeaderPublic(place=x.place, uscc=x.uscc, name=x.name,
                                                 score=x.score) for x in found])
                for g, found in named.items()],
    )
