"""The lists of the pages: enterprises with their result of a year, and the low-efficiency land.

Each list filters, sorts and pages (``list_query``) within the acting user's scope
(``access.enterprise_scope``), and hands the same rows, every page, to the .xlsx export.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, computed_field
from sqlalchemy import false, func, null, or_, select
from sqlalchemy.orm import Session

from mujun.engine.fields import M2_PER_MU
from mujun.services import access
from mujun.services.access import Action
from mujun.services.industries import industry_label
from mujun.services.land_status import flagged_status
from mujun.services.list_query import (
    ListQuery,
    Option,
    Page,
    list_rows,
    options,
    page_fields,
    sql_rows,
)
from mujun.services.published import RunRef, run_for_year
from mujun.store.models import Enterprise, Parcel, RunResult, User

#: 规上 / 规下 (engine.policy.GROUPS) as a filter accepts them, and 免评: those in no group
Group = Literal["above", "below", "exempt"]
EXEMPT = "exempt"


def group_is(column: Any, group: str) -> Any:
    """The WHERE clause of a group filter: 免评 is the rows without a group."""
    return column.is_(None) if group == EXEMPT else column == group

class EnterpriseFilter(ListQuery):
    """The enterprise list's query; by default each group's ranks in order, 规上 first."""

    SORTS: ClassVar[tuple[str, ...]] = ("rank", "score", "name", "uscc", "town", "industry",
                                        "class")
    DEFAULT_SORT: ClassVar[str] = "rank"

    year: int | None = Field(default=None, ge=1990, le=2100)
    q: str | None = Field(default=None, max_length=200, description="name or credit code contains")
    town: str | None = Field(default=None, max_length=64)
    industry_code: str | None = Field(default=None, max_length=8)
    group: Group | None = None
    klass: str | None = Field(default=None, pattern="^[ABCD]$")
    low_efficiency: bool | None = None


class EnterpriseRow(BaseModel):
    uscc: str
    name: str
    town: str | None
    industry_code: str | None
    industry: str
    group: str | None
    exempt_reason: str | None
    score: float | None
    #: the rank within the group (ties share it), of ``group_size`` ranked in the group
    rank: int | None
    group_size: int | None = None
    #: how many of the group share this rank (1: no tie)
    tied: int | None = None
    klass: str | None
    low_efficiency: bool | None


class EnterprisePage(Page[EnterpriseRow]):
    year: int | None
    years: list[int]
    run: RunRef | None


class FilterOptions(BaseModel):
    """What the filter dropdowns offer: the towns and industries of the enterprises in scope."""

    towns: list[Option]
    industries: list[Option]


def like_pattern(text: str) -> str:
    """A LIKE pattern for "contains ``text``" (its own % and _ taken literally)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _enterprise_query(actor: User, run_id: int | None, f: EnterpriseFilter) -> Any:
    """With a run: its result rows, named, placed and classed as the run saw them; without one:
    the registry."""
    name: Any
    town: Any
    industry: Any
    query: Any
    if run_id is None:
        name, town, industry = Enterprise.name, Enterprise.town, Enterprise.industry_code
        query = select(Enterprise.uscc, name, town, industry, *(null() for _ in range(6)))
    else:
        name = func.coalesce(RunResult.name, Enterprise.name)
        town, industry = RunResult.town, RunResult.industry_code
        query = select(Enterprise.uscc, name, town, industry, RunResult.group,
                       RunResult.exempt_reason, RunResult.score, RunResult.rank,
                       RunResult.class_, RunResult.low_efficiency) \
            .join(RunResult, RunResult.uscc == Enterprise.uscc).where(RunResult.run_id == run_id)
    query = query.where(access.enterprise_scope(actor))
    if f.q:
        pattern = like_pattern(f.q.strip())
        query = query.where(or_(name.like(pattern, escape="\\"),
                                Enterprise.uscc.like(pattern.upper(), escape="\\")))
    if f.town:
        query = query.where(town == f.town)
    if f.industry_code:
        query = query.where(industry == f.industry_code)
    if run_id is None:
        if f.group or f.klass or f.low_efficiency is not None:
            query = query.where(false())  # nothing is classed without a run
        return query.order_by(*_registry_order(f, name, town, industry), Enterprise.uscc)
    if f.group:
        query = query.where(group_is(RunResult.group, f.group))
    if f.klass:
        query = query.where(RunResult.class_ == f.klass)
    if f.low_efficiency is not None:
        query = query.where(RunResult.low_efficiency.is_(f.low_efficiency))
    columns: dict[str, list[Any]] = {
        # 规上 before 规下, then the rank within the group; the exempt (no group) last
        "rank": [RunResult.group.is_(None), RunResult.group, RunResult.rank],
        "score": [RunResult.score],
        "name": [name],
        "uscc": [Enterprise.uscc],
        "town": [town],
        "industry": [industry],
        "class": [RunResult.class_],
    }
    order = [_direction(c, f.descending) for c in columns[f.sort_key]]
    if f.sort_key == "class":
        order.append(RunResult.score.desc().nulls_last())
    return query.order_by(*order, Enterprise.uscc)


def _direction(column: Any, descending: bool) -> Any:
    return column.desc().nulls_last() if descending else column.asc().nulls_last()


def _registry_order(f: EnterpriseFilter, name: Any, town: Any, industry: Any) -> list[Any]:
    """Without a run only the registry's columns sort; the others fall back to the credit code."""
    column = {"name": name, "town": town, "industry": industry}.get(f.sort_key)
    return [] if column is None else [_direction(column, f.descending)]


Ties = dict[tuple[str | None, int | None], int]


def _rank_counts(session: Session, run_id: int) -> tuple[dict[str | None, int], Ties]:
    """How many are ranked in each group of the run, and how many share each rank."""
    sizes: dict[str | None, int] = {}
    ties: Ties = {}
    query = select(RunResult.group, RunResult.rank, func.count()) \
        .where(RunResult.run_id == run_id, RunResult.rank.is_not(None)) \
        .group_by(RunResult.group, RunResult.rank)
    for group, rank, n in session.execute(query):
        sizes[group] = sizes.get(group, 0) + n
        ties[(group, rank)] = n
    return sizes, ties


def _row(t: Any, sizes: dict[str | None, int], ties: Ties) -> EnterpriseRow:
    uscc, name, town, industry, group, exempt, score, rank, klass, low = t
    return EnterpriseRow(uscc=uscc, name=name, town=town, industry_code=industry,
                         industry=industry_label(industry), group=group, exempt_reason=exempt,
                         score=score, rank=rank,
                         group_size=sizes.get(group) if rank is not None else None,
                         tied=ties.get((group, rank)) if rank is not None else None,
                         klass=klass, low_efficiency=low)


def enterprises(*, session: Session, actor: User, filters: EnterpriseFilter,
                paged: bool = True) -> EnterprisePage:
    """Enterprises the actor may see, with their published result of the year."""
    access.require(actor, Action.ENTERPRISES)
    run, years = run_for_year(session, filters.year)
    query = _enterprise_query(actor, run.id if run else None, filters)
    total, rows = sql_rows(session, query, filters, paged=paged)
    sizes, ties = _rank_counts(session, run.id) if run else ({}, {})
    return EnterprisePage(
        year=run.year if run else filters.year, years=years,
        run=RunRef.model_validate(run) if run else None,
        items=[_row(t, sizes, ties) for t in rows], **page_fields(filters, total, paged),
    )


def enterprise_options(*, session: Session, actor: User, run_id: int | None) -> FilterOptions:
    """The towns and industries to filter by: those of the run's rows (or the registry's) that
    the actor may see."""
    access.require(actor, Action.ENTERPRISES)
    if run_id is None:
        base = select(Enterprise.town, Enterprise.industry_code)
    else:
        base = select(RunResult.town, RunResult.industry_code) \
            .join(Enterprise, Enterprise.uscc == RunResult.uscc).where(RunResult.run_id == run_id)
    rows = session.execute(base.where(access.enterprise_scope(actor)).distinct()).all()
    return town_and_industry_options(rows)


def town_and_industry_options(rows: Any) -> FilterOptions:
    """Dropdown choices from (town, industry code) pairs: towns by name, industries by code
    with their name."""
    towns = sorted({t for t, _ in rows if t})
    codes = sorted({c for _, c in rows if c})
    return FilterOptions(towns=[Option(value=t, label=t) for t in towns],
                             industries=[Option(value=c, label=industry_label(c))
                                         for c in codes])


# --- low-efficiency land ---------------------------------------------------------------------


class LandQuery(ListQuery):
    SORTS: ClassVar[tuple[str, ...]] = ("land_mu", "tax_per_mu", "score", "name", "town",
                                        "industry", "class")
    DEFAULT_SORT: ClassVar[str] = "-land_mu"

    year: int | None = Field(default=None, ge=1990, le=2100)
    town: str | None = Field(default=None, max_length=64)
    industry_code: str | None = Field(default=None, max_length=8)
    group: Group | None = None
    klass: str | None = Field(default=None, pattern="^[ABCD]$")


class LandRow(BaseModel):
    uscc: str
    name: str | None
    town: str | None
    industry_code: str | None
    industry: str
    group: str | None
    klass: str | None
    score: float | None
    land_mu: float | None
    tax_per_mu: float | None
    vetoed: bool | None


class IdleParcel(BaseModel):
    parcel_code: str
    owner_uscc: str | None
    owner: str | None
    town: str | None
    zone: str | None
    area_m2: float
    agreed_construction_start: date | None
    #: 闲置 one year past the agreed start, reclaimable (可收回) after two
    status: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def area_mu(self) -> float:
        """The area in 亩, as the pages show land."""
        return self.area_m2 / M2_PER_MU


class LandTotals(BaseModel):
    count: int
    land_mu: float
    idle_count: int
    idle_mu: float
    reclaimable_count: int
    reclaimable_mu: float


class LandPage(Page[LandRow]):
    year: int | None
    years: list[int]
    run: RunRef | None
    #: over everything the filters select, not only the page
    totals: LandTotals
    idle: list[IdleParcel]
    towns: list[Option]
    industries: list[Option]


_LAND_KEYS: dict[str, Any] = {
    "land_mu": lambda r: r.land_mu,
    "tax_per_mu": lambda r: r.tax_per_mu,
    "score": lambda r: r.score,
    "name": lambda r: r.name,
    "town": lambda r: r.town,
    "industry": lambda r: r.industry_code,
    "class": lambda r: r.klass,
}


def low_efficiency_land(*, session: Session, actor: User, filters: LandQuery | None = None,
                        today: date | None = None, paged: bool = True) -> LandPage:
    """低效用地 of the year's published run (evaluation.md §6) and idle parcels, with totals."""
    access.require(actor, Action.LAND)
    f = filters or LandQuery()
    run, years = run_for_year(session, f.year)
    rows: list[LandRow] = []
    seen: list[tuple[str | None, str | None]] = []
    if run is not None:
        # the town and industry the run saw; the scope is the registry's (who may see whom now)
        query = select(RunResult) \
            .join(Enterprise, Enterprise.uscc == RunResult.uscc) \
            .where(RunResult.run_id == run.id, RunResult.low_efficiency.is_(True),
                   access.enterprise_scope(actor)).order_by(RunResult.uscc)
        for res in session.scalars(query):
            seen.append((res.town, res.industry_code))
            if ((f.town and res.town != f.town) or (f.group and res.group != _group(f.group))
                    or (f.industry_code and res.industry_code != f.industry_code)
                    or (f.klass and res.class_ != f.klass)):
                continue
            rows.append(LandRow(
                uscc=res.uscc, name=res.name, town=res.town, industry_code=res.industry_code,
                industry=industry_label(res.industry_code), group=res.group, klass=res.class_,
                score=res.score, land_mu=res.explanation.get("land_mu"),
                tax_per_mu=res.row.get("value_tax_per_mu"), vetoed=res.vetoed))
    total, items = list_rows(rows, f, _LAND_KEYS, paged=paged)
    choices = town_and_industry_options(seen)
    idle = _idle_parcels(session, actor, f.town, today or date.today())
    idle_only = [p for p in idle if p.status == "idle"]
    reclaim = [p for p in idle if p.status == "reclaimable"]
    return LandPage(
        year=run.year if run else f.year, years=years,
        run=RunRef.model_validate(run) if run else None,
        totals=LandTotals(
            count=len(rows), land_mu=sum(r.land_mu or 0.0 for r in rows),
            idle_count=len(idle_only), idle_mu=sum(p.area_mu for p in idle_only),
            reclaimable_count=len(reclaim),
            reclaimable_mu=sum(p.area_mu for p in reclaim)),
        idle=idle, items=items, towns=choices.towns, industries=choices.industries,
        **page_fields(f, total, paged),
    )


def _group(group: str) -> str | None:
    return None if group == EXEMPT else group


class IdleQuery(ListQuery):
    """The idle parcels' list (闲置地块): the largest first."""

    SORTS: ClassVar[tuple[str, ...]] = ("area_mu", "parcel", "town", "zone", "agreed_start",
                                        "status")
    DEFAULT_SORT: ClassVar[str] = "-area_mu"

    town: str | None = Field(default=None, max_length=64)
    status: Literal["idle", "reclaimable"] | None = None


class IdlePage(Page[IdleParcel]):
    as_of: date
    #: over everything the filters select, not only the page
    area_mu: float
    towns: list[Option]


_IDLE_KEYS: dict[str, Any] = {
    "area_mu": lambda p: p.area_m2,
    "parcel": lambda p: p.parcel_code,
    "town": lambda p: p.town,
    "zone": lambda p: p.zone,
    "agreed_start": lambda p: p.agreed_construction_start,
    "status": lambda p: p.status,
}


def idle_parcels(*, session: Session, actor: User, filters: IdleQuery | None = None,
                 today: date, paged: bool = True) -> IdlePage:
    """The parcels idle or reclaimable on ``today`` that the actor may see, filtered, sorted
    and paged (the /land page's totals count the same parcels)."""
    access.require(actor, Action.LAND)
    f = filters or IdleQuery()
    every = _idle_parcels(session, actor, None, today)
    chosen = [p for p in every if (not f.town or p.town == f.town)
              and (not f.status or p.status == f.status)]
    total, items = list_rows(chosen, f, _IDLE_KEYS, paged=paged)
    return IdlePage(as_of=today, area_mu=sum(p.area_mu for p in chosen),
                    towns=options(sorted({p.town for p in every if p.town})),
                    items=items, **page_fields(f, total, paged))


def _idle_parcels(session: Session, actor: User, town: str | None, today: date) -> list[IdleParcel]:
    # a bound only (agreed start passed, not started by today); the rule has the last word
    query = select(Parcel, Enterprise.uscc, Enterprise.name) \
        .outerjoin(Enterprise, Enterprise.id == Parcel.owner_id) \
        .where(Parcel.agreed_construction_start < today,
               or_(Parcel.construction_started_on.is_(None),
                   Parcel.construction_started_on > today))
    if actor.role != "admin":
        # beyond the admin, only parcels of enterprises in scope (reserve land is the county's)
        query = query.where(Parcel.owner_id.is_not(None), access.enterprise_scope(actor))
    if town:
        query = query.where(Parcel.town == town)
    out = []
    for parcel, uscc, name in session.execute(query.order_by(Parcel.parcel_code)):
        agreed = parcel.agreed_construction_start
        status = flagged_status(parcel, owner_uscc=uscc, today=today)
        if status is None:
            continue
        out.append(IdleParcel(parcel_code=parcel.parcel_code, owner_uscc=uscc, owner=name,
                              town=parcel.town, zone=parcel.zone, area_m2=parcel.area_m2,
                              agreed_construction_start=agreed, status=status))
    return out
