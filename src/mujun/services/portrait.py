"""亩均画像: one enterprise's result, explanation, history, upgrade path, pricing and appeals.

Reachable by whoever may see the enterprise (``access.visible_enterprise``: 404 otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pyarrow.compute as pc
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.engine.explain import Explanation, render
from mujun.services import access
from mujun.services.industries import industry_label
from mujun.services.land_status import flagged_status
from mujun.services.published import RunRef, published_runs
from mujun.services.schemas import AppealPublic
from mujun.services.snapshot import Snapshot
from mujun.services.values import decode, jsonable
from mujun.store.models import (
    Appeal,
    AppealStatus,
    Figure,
    Parcel,
    Role,
    Run,
    RunResult,
    RunStatus,
    User,
)
from mujun.store.models.base import utcnow
from mujun.store.models.registry import LIFECYCLE_ZH, Lifecycle


class EnterpriseInfo(BaseModel):
    uscc: str
    name: str
    town: str | None
    park: str | None
    industry_code: str | None
    industry: str
    above_scale: bool | None
    lifecycle: str | None
    lifecycle_zh: str | None
    tags: list[str]


class HistoryPoint(BaseModel):
    year: int
    run: str
    group: str | None
    exempt_reason: str | None
    score: float | None
    rank: int | None
    klass: str | None
    low_efficiency: bool | None


class ParcelBrief(BaseModel):
    parcel_code: str
    area_m2: float
    town: str | None
    zone: str | None
    idle: bool


class PortraitPublic(BaseModel):
    enterprise: EnterpriseInfo
    year: int | None
    years: list[int]
    run: RunRef | None
    #: the stored explanation of the year's result (engine.explain.Explanation as a mapping)
    explanation: dict[str, Any] | None
    #: the same in Chinese prose, as the 公示 letter reads
    explanation_zh: str | None
    history: list[HistoryPoint]
    #: the year's inputs: the published run's frozen row (empty fields left out), else the
    #: stored figures of a year no run speaks for
    figures: dict[str, Any]
    parcels: list[ParcelBrief]
    appeals: list[AppealPublic]
    #: run id → label, for the runs the appeals name (an appeal moves to a superseding version)
    appeal_runs: dict[int, str]
    #: the enterprise's pending appeal against the year's run (then it may not file another)
    open_appeal_id: int | None
    #: the end of the year's public notice, while the run is in notice (appeals until then)
    notice_until: datetime | None
    #: the appeal form is the enterprise's own, during the notice (the admin resolves appeals
    #: on the run's page)
    can_appeal: bool


def explanation_text(p: PortraitPublic, translate: Callable[[str], str]) -> str | None:
    """The year's explanation in the language of ``translate`` (a gettext function)."""
    if not p.explanation:
        return None
    return render(Explanation.from_dict(p.explanation), translate,
                  p.run.policy_title if p.run else None)


def _lifecycle_zh(code: str | None) -> str | None:
    try:
        return LIFECYCLE_ZH[Lifecycle(code)] if code else None
    except ValueError:
        return code


def _frozen_figures(run: Run, uscc: str) -> dict[str, Any]:
    """The enterprise's row of the run's frozen snapshot: what the run evaluated, never what was
    imported after it (an enterprise outside the run has none)."""
    table = Snapshot.from_parquet(run.enterprises_parquet, run.incidents_parquet).enterprises
    rows = table.filter(pc.equal(table.column("uscc"), uscc)).to_pylist()
    return {k: jsonable(v) for k, v in rows[0].items() if k != "uscc" and v is not None} \
        if rows else {}


def _live_figures(session: Session, enterprise_id: int, year: int | None) -> dict[str, Any]:
    """The stored figures of a year no published run speaks for."""
    if year is None:
        return {}
    return {f.field: jsonable(decode(f.field, f.value_num, f.value_text))
            for f in session.scalars(select(Figure).where(Figure.enterprise_id == enterprise_id,
                                                          Figure.year == year))}


def may_appeal(user: User, uscc: str) -> bool:
    """Whether the portrait offers ``user`` the appeal form: to the enterprise itself only."""
    return (access.allowed(user, access.Action.APPEAL) and user.role == Role.ENTERPRISE
            and user.uscc == uscc)


def portrait(*, session: Session, actor: User, uscc: str, year: int | None = None,
             today: date | None = None, now: datetime | None = None) -> PortraitPublic:
    ent = access.visible_enterprise(session=session, user=actor, uscc=uscc)
    runs = published_runs(session)
    years = list(runs)
    if year is None and years:
        year = years[-1]
    run = runs.get(year) if year is not None else None
    results = {r.run_id: r for r in session.scalars(
        select(RunResult).where(RunResult.uscc == ent.uscc,
                                RunResult.run_id.in_([r.id for r in runs.values()])))}
    history = []
    for y, r in runs.items():
        res = results.get(r.id)
        if res is not None:
            history.append(HistoryPoint(year=y, run=r.label, group=res.group,
                                        exempt_reason=res.exempt_reason, score=res.score,
                                        rank=res.rank, klass=res.class_,
                                        low_efficiency=res.low_efficiency))
    current = results.get(run.id) if run else None
    explanation = current.explanation if current else None
    figures = _frozen_figures(run, ent.uscc) if run is not None \
        else _live_figures(session, ent.id, year)
    today = today or date.today()
    parcels = [
        ParcelBrief(parcel_code=p.parcel_code, area_m2=p.area_m2, town=p.town, zone=p.zone,
                    idle=flagged_status(p, owner_uscc=ent.uscc, today=today) is not None)
        for p in session.scalars(select(Parcel).where(Parcel.owner_id == ent.id)
                                 .order_by(Parcel.parcel_code))
    ]
    appeals = [AppealPublic.model_validate(a) for a in session.scalars(
        select(Appeal).where(Appeal.uscc == ent.uscc).order_by(Appeal.id))]
    named = {a.run_id for a in appeals} | {a.new_run_id for a in appeals if a.new_run_id}
    appeal_runs = {r.id: r.label for r in session.scalars(select(Run).where(Run.id.in_(named)))}
    open_appeal = next((a.id for a in appeals if run is not None and a.run_id == run.id
                        and a.status == AppealStatus.PENDING), None)
    notice_until = run.notice_until if run and run.status == RunStatus.NOTICE else None
    in_notice = notice_until is not None and (now or utcnow()) < notice_until
    title = run.policy_title if run else None
    return PortraitPublic(
        enterprise=EnterpriseInfo(
            uscc=ent.uscc, name=ent.name, town=ent.town, park=ent.park,
            industry_code=ent.industry_code, industry=industry_label(ent.industry_code),
            above_scale=ent.above_scale, lifecycle=ent.lifecycle,
            lifecycle_zh=_lifecycle_zh(ent.lifecycle), tags=ent.tag_names),
        year=year,
        years=years,
        run=RunRef.model_validate(run) if run else None,
        explanation=explanation,
        explanation_zh=render(Explanation.from_dict(explanation), policy_title=title) if explanation
        else None,
        history=history,
        figures=figures,
        parcels=parcels,
        appeals=appeals,
        appeal_runs=appeal_runs,
        open_appeal_id=open_appeal,
        notice_until=notice_until,
        can_appeal=bool(in_notice and current is not None and open_appeal is None
                        and may_appeal(actor, ent.uscc)),
    )
