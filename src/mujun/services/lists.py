"""The lists of the pages: enterprises with their result of a year, and the low-efficiency land.

Each list filters, sorts and pages in the query, within the acting user's scope
(``access.enterprise_scope``), and hands the same rows to the .xlsx export.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, computed_field, field_validator
from sqlalchemy import false, func, null, or_, select
from sqlalchemy.orm import Session

from mujun.engine.fields import M2_PER_MU
from mujun.services import access
from mujun.services.access import Action
from mujun.services.industries import industry_label
from mujun.services.published import RunRef, run_for_year
from mujun.store.models import Enterprise, Parcel, RunResult, User

MAX_PAGE_SIZE = 500


class EnterpriseSort(StrEnum):
    SCORE_DESC = "-score"
    SCORE = "score"
    NAME = "name"
    USCC = "uscc"
    TOWN = "town"
    CLASS = "class"


class EnterpriseFilter(BaseModel):
    year: int | None = None
    q: str | None = Field(default=None, max_length=200, description="name or credit code contains")
    town: str | None = Field(default=None, max_length=64)
    industry_code: str | None = Field(default=None, max_length=8)
    group: str | None = Field(default=None, max_length=8)
    klass: str | None = Field(default=None, pattern="^[ABCD]$")
    low_efficiency: bool | None = None
    sort: EnterpriseSort = EnterpriseSort.SCORE_DESC
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_default(cls, value: Any, info: ValidationInfo) -> Any:
        """A form's empty field (年度 "最新", 档次 "全部") means "not given", not an error."""
        if value == "" and info.field_name is not None:
            return cls.model_fields[info.field_name].get_default(call_default_factory=True)
        return value


class EnterpriseRow(BaseModel):
    uscc: str
    name: str
    town: str | None
    industry_code: str | None
    industry: str
    group: str | None
    exempt_reason: str | None
    score: float | None
    rank: int | None
    klass: str | None
    low_efficiency: bool | None


class EnterprisePage(BaseModel):
    year: int | None
    years: list[int]
    run: RunRef | None
    total: int
    page: int
    per_page: int
    items: list[EnterpriseRow]


def _like(text: str) -> str:
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
        pattern = _like(f.q.strip())
        query = query.where(or_(name.like(pattern, escape="\\"),
                                Enterprise.uscc.like(pattern.upper(), escape="\\")))
    if f.town:
        query = query.where(town == f.town)
    if f.industry_code:
        query = query.where(industry == f.industry_code)
    if run_id is None:
        if f.group or f.klass or f.low_efficiency is not None:
            query = query.where(false())  # nothing is classed without a run
        return query.order_by(*_registry_order(f.sort, name, town), Enterprise.uscc)
    if f.group:
        query = query.where(RunResult.group == f.group)
    if f.klass:
        query = query.where(RunResult.class_ == f.klass)
    if f.low_efficiency is not None:
        query = query.where(RunResult.low_efficiency.is_(f.low_efficiency))
    order: list[Any] = {
        EnterpriseSort.SCORE_DESC: [RunResult.score.desc().nulls_last()],
        EnterpriseSort.SCORE: [RunResult.score.asc().nulls_last()],
        EnterpriseSort.NAME: [name],
        EnterpriseSort.USCC: [],
        EnterpriseSort.TOWN: [town.asc().nulls_last()],
        EnterpriseSort.CLASS: [RunResult.class_.asc().nulls_last(),
                               RunResult.score.desc().nulls_last()],
    }[f.sort]
    return query.order_by(*order, Enterprise.uscc)


def _registry_order(sort: EnterpriseSort, name: Any, town: Any) -> list[Any]:
    if sort is EnterpriseSort.NAME:
        return [name]
    if sort is EnterpriseSort.TOWN:
        return [town.asc().nulls_last()]
    return []


def _row(t: Any) -> EnterpriseRow:
    uscc, name, town, industry, group, exempt, score, rank, klass, low = t
    return EnterpriseRow(uscc=uscc, name=name, town=town, industry_code=industry,
                         industry=industry_label(industry), group=group, exempt_reason=exempt,
                         score=score, rank=rank, klass=klass, low_efficiency=low)


def enterprises(*, session: Session, actor: User, filters: EnterpriseFilter,
                paged: bool = True) -> EnterprisePage:
    """Enterprises the actor may see, with their published result of the year."""
    access.require(actor, Action.ENTERPRISES)
    run, years = run_for_year(session, filters.year)
    query = _enterprise_query(actor, run.id if run else None, filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if paged:
        query = query.limit(filters.per_page).offset((filters.page - 1) * filters.per_page)
    return EnterprisePage(
        year=run.year if run else filters.year, years=years,
        run=RunRef.model_validate(run) if run else None, total=total or 0,
        page=filters.page, per_page=filters.per_page,
        items=[_row(t) for t in session.execute(query)],
    )


# --- low-efficiency land ---------------------------------------------------------------------


class LandSort(StrEnum):
    LAND_DESC = "-land_mu"
    TAX_PER_MU = "tax_per_mu"
    SCORE = "score"
    NAME = "name"


class LandRow(BaseModel):
    uscc: str
    name: str | None
    town: str | None
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


class LandPage(BaseModel):
    year: int | None
    years: list[int]
    run: RunRef | None
    totals: LandTotals
    items: list[LandRow]
    idle: list[IdleParcel]


def low_efficiency_land(*, session: Session, actor: User, year: int | None = None,
                        town: str | None = None, sort: LandSort = LandSort.LAND_DESC,
                        today: date | None = None) -> LandPage:
    """低效用地 of the year's published run (evaluation.md §6) and idle parcels, with totals."""
    access.require(actor, Action.LAND)
    run, years = run_for_year(session, year)
    items: list[LandRow] = []
    if run is not None:
        # the town and industry the run saw; the scope is the registry's (who may see whom now)
        query = select(RunResult, RunResult.town, RunResult.industry_code) \
            .join(Enterprise, Enterprise.uscc == RunResult.uscc) \
            .where(RunResult.run_id == run.id, RunResult.low_efficiency.is_(True),
                   access.enterprise_scope(actor))
        if town:
            query = query.where(RunResult.town == town)
        for res, ent_town, industry in session.execute(query):
            items.append(LandRow(
                uscc=res.uscc, name=res.name, town=ent_town, industry=industry_label(industry),
                group=res.group, klass=res.class_, score=res.score,
                land_mu=res.explanation.get("land_mu"), tax_per_mu=res.row.get("value_tax_per_mu"),
                vetoed=res.vetoed))
    key = {
        LandSort.LAND_DESC: lambda r: (-(r.land_mu or 0.0), r.uscc),
        LandSort.TAX_PER_MU: lambda r: (
            r.tax_per_mu if r.tax_per_mu is not None else 1e300, r.uscc),
        LandSort.SCORE: lambda r: (r.score if r.score is not None else 1e300, r.uscc),
        LandSort.NAME: lambda r: (r.name or "", r.uscc),
    }[sort]
    items.sort(key=key)
    idle = _idle_parcels(session, actor, town, today or date.today())
    idle_only = [p for p in idle if p.status == "idle"]
    reclaim = [p for p in idle if p.status == "reclaimable"]
    return LandPage(
        year=run.year if run else year, years=years,
        run=RunRef.model_validate(run) if run else None,
        totals=LandTotals(
            count=len(items), land_mu=sum(r.land_mu or 0.0 for r in items),
            idle_count=len(idle_only), idle_mu=sum(p.area_mu for p in idle_only),
            reclaimable_count=len(reclaim),
            reclaimable_mu=sum(p.area_mu for p in reclaim)),
        items=items, idle=idle,
    )


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _idle_parcels(session: Session, actor: User, town: str | None, today: date) -> list[IdleParcel]:
    query = select(Parcel, Enterprise.uscc, Enterprise.name) \
        .outerjoin(Enterprise, Enterprise.id == Parcel.owner_id) \
        .where(Parcel.construction_started_on.is_(None),
               Parcel.agreed_construction_start.is_not(None),
               Parcel.agreed_construction_start < _add_years(today, -1))
    if actor.role != "admin":
        # beyond the admin, only parcels of enterprises in scope (reserve land is the county's)
        query = query.where(Parcel.owner_id.is_not(None), access.enterprise_scope(actor))
    if town:
        query = query.where(Parcel.town == town)
    out = []
    for parcel, uscc, name in session.execute(query.order_by(Parcel.parcel_code)):
        agreed = parcel.agreed_construction_start
        status = "reclaimable" if agreed and _add_years(agreed, 2) < today else "idle"
        out.append(IdleParcel(parcel_code=parcel.parcel_code, owner_uscc=uscc, owner=name,
                              town=parcel.town, zone=parcel.zone, area_m2=parcel.area_m2,
                              agreed_construction_start=agreed, status=status))
    return out
