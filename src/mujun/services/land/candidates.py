"""Disposal candidates of a year (land.md §4): the ``low_efficiency`` enterprises of the year's
final run and the parcels idle or reclaimable at the end of the year, each with its area (亩),
class, tax per 亩, status and whether a case is open on it.

An officer sees the candidates of its own town or park: an enterprise's as the registry places
it, a parcel's where the parcel lies — the same town and park a case opened on it records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field
from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session

from mujun.engine.fields import M2_PER_MU
from mujun.engine.texts import N_
from mujun.services import access
from mujun.services.access import Action
from mujun.services.errors import NotFound
from mujun.services.land_status import IDLE, RECLAIMABLE, flagged_status
from mujun.services.list_query import ListQuery, Option, Page, list_rows, options, page_fields
from mujun.services.published import RunRef, published_runs
from mujun.store.models import (
    DisposalCase,
    Enterprise,
    Parcel,
    Role,
    Run,
    RunResult,
    RunStatus,
    User,
)
from mujun.store.models.disposal import OPEN_STAGES

LOW_EFFICIENCY = "low_efficiency"
Kind = Literal["enterprise", "parcel"]
Status = Literal["low_efficiency", "idle", "reclaimable"]


def place_scope(actor: User, town: Any, park: Any) -> Any:
    """Who sees which candidates and cases: the admin and leaders all, an officer its own town
    or park (``town``/``park``: the rows' columns), anyone else none."""
    if actor.role == Role.OFFICER:
        return access.officer_place(actor, town, park)
    return true()


def year_end(year: int) -> date:
    return date(year, 12, 31)


def final_run(session: Session, year: int) -> Run | None:
    """The year's final run (its newest final version), or None before it is final."""
    return session.scalar(select(Run).where(Run.year == year, Run.status == RunStatus.FINAL)
                          .order_by(Run.run_version.desc()).limit(1))


class CandidateQuery(ListQuery):
    SORTS: ClassVar[tuple[str, ...]] = ("area_mu", "tax_per_mu", "name", "town", "class",
                                        "status")
    DEFAULT_SORT: ClassVar[str] = "-area_mu"

    year: int | None = Field(default=None, ge=1990, le=2100)
    kind: Kind | None = None
    status: Status | None = None
    town: str | None = Field(default=None, max_length=64)
    park: str | None = Field(default=None, max_length=64)
    klass: str | None = Field(default=None, pattern="^[ABCD]$")
    #: ``open``: a case is open on it; ``none``: no open case
    case: Literal["open", "none"] | None = None


class Candidate(BaseModel):
    kind: Kind
    #: the enterprise's credit code or the parcel's code
    key: str
    name: str | None
    owner_uscc: str | None
    town: str | None
    park: str | None
    area_mu: float | None
    klass: str | None
    tax_per_mu: float | None
    #: ``low_efficiency``, ``idle`` or ``reclaimable``
    status: str
    open_case_id: int | None
    open_case_stage: str | None


class CandidateTotals(BaseModel):
    count: int
    area_mu: float
    low_efficiency: int
    idle: int
    reclaimable: int
    open_cases: int


class CandidatePage(Page[Candidate]):
    year: int | None
    years: list[int]
    #: the final run the enterprises come from (None: the year is not final yet)
    run: RunRef | None
    #: the day the parcels' status is taken (the end of the year)
    as_of: date | None
    totals: CandidateTotals
    towns: list[Option]
    parks: list[Option]


@dataclass(frozen=True)
class _Owner:
    klass: str | None
    tax_per_mu: float | None


def _enterprise_candidates(session: Session, actor: User, run: Run,
                           uscc: str | None = None) -> list[Candidate]:
    query = select(RunResult, Enterprise.town, Enterprise.park) \
        .join(Enterprise, Enterprise.uscc == RunResult.uscc) \
        .where(RunResult.run_id == run.id, RunResult.low_efficiency.is_(True),
               place_scope(actor, Enterprise.town, Enterprise.park)) \
        .order_by(RunResult.row_no)
    if uscc is not None:
        query = query.where(RunResult.uscc == uscc)
    return [Candidate(kind="enterprise", key=res.uscc, name=res.name, owner_uscc=res.uscc,
                      town=town, park=park, area_mu=res.explanation.get("land_mu"),
                      klass=res.class_, tax_per_mu=res.row.get("value_tax_per_mu"),
                      status=LOW_EFFICIENCY, open_case_id=None, open_case_stage=None)
            for res, town, park in session.execute(query)]


def _owners(session: Session, run: Run | None, uscc: str | None = None) -> dict[str, _Owner]:
    if run is None:
        return {}
    query = select(RunResult.uscc, RunResult.class_, RunResult.row["value_tax_per_mu"].as_float()) \
        .where(RunResult.run_id == run.id)
    if uscc is not None:
        query = query.where(RunResult.uscc == uscc)
    return {u: _Owner(k, t) for u, k, t in session.execute(query)}


def _parcel_candidates(session: Session, actor: User, year: int, run: Run | None,
                       code: str | None = None) -> list[Candidate]:
    day = year_end(year)
    query = select(Parcel, Enterprise.uscc, Enterprise.name) \
        .outerjoin(Enterprise, Enterprise.id == Parcel.owner_id) \
        .where(Parcel.agreed_construction_start.is_not(None),
               place_scope(actor, Parcel.town, Parcel.zone)) \
        .order_by(Parcel.parcel_code)
    holder = None
    if code is not None:
        query = query.where(Parcel.parcel_code == code)
        holder = session.scalar(select(Enterprise.uscc)
                                .join(Parcel, Parcel.owner_id == Enterprise.id)
                                .where(Parcel.parcel_code == code))
    owners = _owners(session, run, holder) if code is None or holder else {}
    out = []
    for parcel, uscc, name in session.execute(query):
        status = flagged_status(parcel, owner_uscc=uscc, today=day)  # land.md §2 at year end
        if status is None:
            continue
        owner = owners.get(uscc or "")
        out.append(Candidate(kind="parcel", key=parcel.parcel_code, name=name, owner_uscc=uscc,
                             town=parcel.town, park=parcel.zone,
                             area_mu=parcel.area_m2 / M2_PER_MU,
                             klass=owner.klass if owner else None,
                             tax_per_mu=owner.tax_per_mu if owner else None,
                             status=status, open_case_id=None, open_case_stage=None))
    return out


def _with_open_cases(session: Session, rows: list[Candidate]) -> list[Candidate]:
    query = select(DisposalCase.id, DisposalCase.stage, Enterprise.uscc, Parcel.parcel_code) \
        .outerjoin(Enterprise, Enterprise.id == DisposalCase.enterprise_id) \
        .outerjoin(Parcel, Parcel.id == DisposalCase.parcel_id) \
        .where(DisposalCase.stage.in_(OPEN_STAGES))
    if len(rows) == 1:
        query = query.where(or_(Enterprise.uscc == rows[0].key,
                                Parcel.parcel_code == rows[0].key))
    open_cases: dict[tuple[str, str], tuple[int, str]] = {}
    for case_id, stage, uscc, code in session.execute(query):
        key = ("enterprise", uscc) if uscc else ("parcel", code)
        open_cases[key] = (case_id, stage)
    for row in rows:
        found = open_cases.get((row.kind, row.key))
        if found:
            row.open_case_id, row.open_case_stage = found
    return rows


def candidate_years(session: Session) -> list[int]:
    """The years a candidate list can be asked for: those with a published run."""
    return list(published_runs(session))


def all_candidates(*, session: Session, actor: User, year: int) -> tuple[Run | None,
                                                                        list[Candidate]]:
    """Every candidate of ``year`` in the actor's scope, enterprises first, and the final run
    they come from."""
    access.require(actor, Action.CASES_VIEW)
    run = final_run(session, year)
    rows = _enterprise_candidates(session, actor, run) if run else []
    rows += _parcel_candidates(session, actor, year, run)
    return run, _with_open_cases(session, rows)


def _default_year(session: Session, years: list[int]) -> int | None:
    finals = session.scalars(select(Run.year).where(Run.status == RunStatus.FINAL)).all()
    return max(finals) if finals else (years[-1] if years else None)


def _selected(rows: list[Candidate], f: CandidateQuery) -> list[Candidate]:
    def keep(r: Candidate) -> bool:
        return not ((f.kind and r.kind != f.kind) or (f.status and r.status != f.status)
                    or (f.town and r.town != f.town) or (f.park and r.park != f.park)
                    or (f.klass and r.klass != f.klass)
                    or (f.case == "open" and r.open_case_id is None)
                    or (f.case == "none" and r.open_case_id is not None))
    return [r for r in rows if keep(r)]


_KEYS: dict[str, Any] = {
    "area_mu": lambda r: r.area_mu,
    "tax_per_mu": lambda r: r.tax_per_mu,
    "name": lambda r: r.name or r.key,
    "town": lambda r: r.town,
    "class": lambda r: r.klass,
    "status": lambda r: r.status,
}


def candidates(*, session: Session, actor: User, filters: CandidateQuery | None = None,
               paged: bool = True) -> CandidatePage:
    """The candidate list of the filters' year (default: the latest final year), filtered,
    sorted and paged, with totals over everything the filters select."""
    access.require(actor, Action.CASES_VIEW)
    f = filters or CandidateQuery()
    years = candidate_years(session)
    year = f.year if f.year is not None else _default_year(session, years)
    run, rows = all_candidates(session=session, actor=actor, year=year) if year else (None, [])
    chosen = _selected(rows, f)
    total, items = list_rows(chosen, f, _KEYS, paged=paged)
    return CandidatePage(
        year=year, years=years, run=RunRef.model_validate(run) if run else None,
        as_of=year_end(year) if year else None,
        totals=CandidateTotals(
            count=len(chosen), area_mu=sum(r.area_mu or 0.0 for r in chosen),
            low_efficiency=sum(r.status == LOW_EFFICIENCY for r in chosen),
            idle=sum(r.status == IDLE for r in chosen),
            reclaimable=sum(r.status == RECLAIMABLE for r in chosen),
            open_cases=sum(r.open_case_id is not None for r in chosen)),
        towns=options(sorted({r.town for r in rows if r.town})),
        parks=options(sorted({r.park for r in rows if r.park})),
        items=items, **page_fields(f, total, paged))


def candidate(*, session: Session, actor: User, year: int, kind: str, key: str) -> Candidate:
    """One candidate of ``year`` in the actor's scope (``NotFound`` otherwise: a case is only
    opened on a candidate)."""
    access.require(actor, Action.CASES_VIEW)
    key = key.strip().upper()
    run = final_run(session, year)
    if kind == "enterprise":
        rows = _enterprise_candidates(session, actor, run, key) if run else []
    else:
        rows = _parcel_candidates(session, actor, year, run, key)
    if rows:
        return _with_open_cases(session, rows)[0]
    raise NotFound(N_("%(key)s 不在您可查看的 %(year)s 年度处置候选名单中"), key=key, year=year)
