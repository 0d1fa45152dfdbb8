"""What the project pages and the API read: the pipeline by stage, the project list (filters,
sort, pager, export through ``services/list_query.py``) and one project with its history.

Everything is scoped by ``services/projects/access.py`` and judged 滞后 on the ``today`` the
caller passes (the web's clock)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mujun.engine.fields import M2_PER_MU
from mujun.engine.projects.stages import STAGE_ORDER, STAGES
from mujun.services import audit
from mujun.services.industries import industry_label
from mujun.services.list_query import ListQuery, Option, Page, list_rows, options, page_fields
from mujun.services.projects import access
from mujun.services.projects.queries import signed_on
from mujun.services.projects.stages import lag, stage_limits
from mujun.store.models import Enterprise, Parcel, Project, Role, User


class ProjectQuery(ListQuery):
    """The project list: by project number by default."""

    SORTS: ClassVar[tuple[str, ...]] = ("code", "name", "stage", "lead", "industry", "planned",
                                        "actual", "signed", "days")
    DEFAULT_SORT: ClassVar[str] = "code"

    stage: str | None = Field(default=None, max_length=24)
    lead: str | None = Field(default=None, max_length=64)
    industry_code: str | None = Field(default=None, max_length=8)
    behind: bool | None = None
    signed_year: int | None = Field(default=None, ge=1990, le=2100)


class ProjectRow(BaseModel):
    id: int
    code: str
    name: str
    stage: str
    lead: str | None
    industry_code: str | None
    industry: str
    planned_investment_wan: float | None
    actual_investment_wan: float | None
    signed: date | None
    since: date | None
    days: int | None
    limit: int | None
    behind: bool
    uscc: str | None
    parcel_code: str | None


class ProjectPage(Page[ProjectRow]):
    stages: list[Option]
    leads: list[Option]
    industries: list[Option]
    signed_years: list[Option]
    today: date


class StageTotal(BaseModel):
    stage: str
    count: int
    planned_investment_wan: float
    actual_investment_wan: float
    behind: int


class Pipeline(BaseModel):
    stages: list[StageTotal]
    total: StageTotal
    today: date


def _rows(session: Session, actor: User, today: date) -> list[ProjectRow]:
    limits = stage_limits(session, today)
    projects = session.scalars(select(Project).where(access.scope(actor))
                               .options(selectinload(Project.stages)).order_by(Project.code))
    return [_row(p, today, limits) for p in projects]


def _row(p: Project, today: date, limits: Mapping[str, int]) -> ProjectRow:
    state = lag(p, today, limits)
    return ProjectRow(id=p.id, code=p.code, name=p.name, stage=p.stage, lead=p.lead,
                      industry_code=p.industry_code, industry=industry_label(p.industry_code),
                      planned_investment_wan=p.planned_investment_wan,
                      actual_investment_wan=p.actual_investment_wan, signed=signed_on(p),
                      since=state.since, days=state.days, limit=state.limit,
                      behind=state.behind, uscc=p.uscc, parcel_code=p.parcel_code)


def _keep(row: ProjectRow, f: ProjectQuery, mine: str | None) -> bool:
    return ((f.stage is None or row.stage == f.stage) and (f.lead is None or row.lead == f.lead)
            and (mine is None or same_title(row.lead, mine))
            and (f.industry_code is None or row.industry_code == f.industry_code)
            and (f.behind is None or row.behind == f.behind)
            and (f.signed_year is None or (row.signed is not None
                                           and row.signed.year == f.signed_year)))


_SORT_KEYS: dict[str, Any] = {
    "code": lambda r: r.code, "name": lambda r: r.name, "stage": lambda r: STAGE_ORDER[r.stage],
    "lead": lambda r: r.lead, "industry": lambda r: r.industry_code,
    "planned": lambda r: r.planned_investment_wan, "actual": lambda r: r.actual_investment_wan,
    "signed": lambda r: r.signed, "days": lambda r: r.days,
}


def same_title(lead: str | None, title: str | None) -> bool:
    """Whether a project's 牵头领导 is a leader's title (its account's 牵头领导职务), however
    either was typed: full- or half-width characters (（分管工业） or (分管工业)) and spaces,
    an input method's full-width space included, do not count."""
    return bool(lead and title) and _title_key(lead or "") == _title_key(title or "")


def _title_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def list_projects(*, session: Session, actor: User, today: date,
                  filters: ProjectQuery | None = None, mine: bool = False,
                  paged: bool = True) -> ProjectPage:
    """The projects in the user's scope that the filters select; ``mine``: a leader's own (those
    whose lead is its ``lead_title``)."""
    access.require_view(actor)
    f = filters or ProjectQuery()
    lead = (actor.lead_title or "") if mine else None
    everything = _rows(session, actor, today)
    kept = [r for r in everything if _keep(r, f, lead)]
    total, rows = list_rows(kept, f, _SORT_KEYS, paged=paged)
    return ProjectPage(
        items=rows, **page_fields(f, total, paged),
        stages=options({s: s for s in STAGES}),
        leads=options(sorted({r.lead for r in everything if r.lead})),
        industries=[Option(value=c, label=industry_label(c))
                    for c in sorted({r.industry_code for r in everything if r.industry_code})],
        signed_years=options(sorted({r.signed.year for r in everything if r.signed},
                                    reverse=True)),
        today=today)


def pipeline(*, session: Session, actor: User, today: date, mine: bool = False) -> Pipeline:
    """Per stage: how many projects, their planned and actual investment (万元), how many 滞后."""
    access.require_view(actor)
    rows = _rows(session, actor, today)
    if mine:
        rows = [r for r in rows if same_title(r.lead, actor.lead_title)]

    def total(stage: str, chosen: list[ProjectRow]) -> StageTotal:
        return StageTotal(stage=stage, count=len(chosen),
                          planned_investment_wan=sum(r.planned_investment_wan or 0
                                                     for r in chosen),
                          actual_investment_wan=sum(r.actual_investment_wan or 0 for r in chosen),
                          behind=sum(r.behind for r in chosen))

    return Pipeline(stages=[total(s, [r for r in rows if r.stage == s]) for s in STAGES],
                    total=total("", rows), today=today)


class StageEntry(BaseModel):
    stage: str
    entered_on: date | None
    reason: str | None
    back: bool


class AuditEntry(BaseModel):
    at: Any
    actor: str
    summary: str


class ProjectDetail(BaseModel):
    project: ProjectRow
    history: list[StageEntry]
    enterprise_name: str | None
    #: the enterprise's portrait is open to this user
    enterprise_link: bool
    parcel_area_mu: float | None
    parcel_town: str | None
    may_manage: bool
    audit: list[AuditEntry]


def project_detail(*, session: Session, actor: User, project_id: int,
                   today: date) -> ProjectDetail:
    project = access.visible_project(session=session, user=actor, project_id=project_id)
    row = _row(project, today, stage_limits(session, today))
    history, previous = [], -1
    for entry in project.stages:
        order = STAGE_ORDER[entry.stage]
        history.append(StageEntry(stage=entry.stage, entered_on=entry.entered_on,
                                  reason=entry.reason, back=order < previous))
        previous = order
    enterprise = session.scalar(select(Enterprise).where(Enterprise.uscc == project.uscc)) \
        if project.uscc else None
    parcel = session.scalar(select(Parcel).where(Parcel.parcel_code == project.parcel_code)) \
        if project.parcel_code else None
    link = enterprise is not None and actor.role in (Role.ADMIN, Role.OFFICER, Role.ENTERPRISE) \
        and (actor.role != Role.ENTERPRISE or actor.uscc == enterprise.uscc)
    records = audit.history(session=session, entity="project", entity_id=project.code,
                            limit=50) if access.may_manage(actor) else []
    return ProjectDetail(
        project=row, history=history, enterprise_name=enterprise.name if enterprise else None,
        enterprise_link=link, parcel_area_mu=parcel.area_m2 / M2_PER_MU if parcel else None,
        parcel_town=parcel.town if parcel else None, may_manage=access.may_manage(actor),
        audit=[AuditEntry(at=r.at, actor=r.actor, summary=r.summary) for r in records])
