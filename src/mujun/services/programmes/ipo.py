"""股改上市: the listing pipeline, 股改 → 辅导 → 申报 → 上市 (targets.md §3).

Each enterprise in the pipeline has one record: its stage and the date it reached each stage
(empty: not given). This table is the one source of an enterprise's stage; the registry file's
``ipo_stage`` column is read by :func:`import_pipeline` (the registry import does not keep it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from mujun.engine.programmes.registers import IPO_STAGES
from mujun.engine.texts import N_
from mujun.io.programmes import read_ipo
from mujun.services import audit
from mujun.services.errors import InvalidInput
from mujun.services.list_query import ListQuery, Option, Page, options, page_fields, sql_rows
from mujun.services.programmes.files import ImportSummary, imported, read_known, registered
from mujun.services.programmes.scope import enterprises_in_scope, require_manage, require_view
from mujun.store.models import Enterprise, IpoRecord, User


class IpoQuery(ListQuery):
    SORTS: ClassVar[tuple[str, ...]] = ("stage", "name", "town", "since")
    DEFAULT_SORT: ClassVar[str] = "-stage"

    stage: str | None = Field(default=None, max_length=16)
    town: str | None = Field(default=None, max_length=64)


class IpoRow(BaseModel):
    uscc: str
    name: str
    town: str | None
    stage: str
    #: the date each stage was reached, by stage
    dates: dict[str, date | None]
    note: str | None

    @property
    def since(self) -> date | None:
        return self.dates.get(self.stage)


class StageCount(BaseModel):
    stage: str
    count: int


class IpoPage(Page[IpoRow]):
    counts: list[StageCount]
    towns: list[Option]


class StageIn(BaseModel):
    uscc: str = Field(min_length=1, max_length=18)
    stage: str
    on: date | None = None
    note: str | None = Field(default=None, max_length=500)


_ORDER = case({s: i for i, s in enumerate(IPO_STAGES)}, value=IpoRecord.stage)
_DATE = {"reform": IpoRecord.reform_on, "tutoring": IpoRecord.tutoring_on,
         "filed": IpoRecord.filed_on, "listed": IpoRecord.listed_on}
_SINCE = case({s: col for s, col in _DATE.items()}, value=IpoRecord.stage)
_SORT_COLUMNS: dict[str, Any] = {"stage": _ORDER, "name": Enterprise.name,
                                 "town": Enterprise.town, "since": _SINCE}


def _row(rec: IpoRecord, ent: Enterprise) -> IpoRow:
    return IpoRow(uscc=ent.uscc, name=ent.name, town=ent.town, stage=rec.stage,
                  dates={s: getattr(rec, f"{s}_on") for s in IPO_STAGES}, note=rec.note)


def list_pipeline(*, session: Session, actor: User, filters: IpoQuery,
                  paged: bool = True) -> IpoPage:
    """The pipeline in the user's scope, with the count per stage (of the town filter)."""
    require_view(actor, "ipo")
    base = (select(IpoRecord, Enterprise).join(Enterprise, Enterprise.id == IpoRecord.enterprise_id)
            .where(enterprises_in_scope(actor)))
    if filters.town:
        base = base.where(Enterprise.town == filters.town)
    counts = dict.fromkeys(IPO_STAGES, 0)
    for (stage,) in session.execute(select(base.subquery().c.stage)):
        counts[stage] = counts.get(stage, 0) + 1
    if filters.stage:
        base = base.where(IpoRecord.stage == filters.stage)
    column = _SORT_COLUMNS[filters.sort_key]
    order = column.desc().nulls_last() if filters.descending else column.asc().nulls_last()
    total, rows = sql_rows(session, base.order_by(order, Enterprise.uscc), filters, paged=paged)
    towns = session.scalars(
        select(Enterprise.town).join(IpoRecord, IpoRecord.enterprise_id == Enterprise.id)
        .where(enterprises_in_scope(actor), Enterprise.town.is_not(None)).distinct())
    return IpoPage(items=[_row(rec, ent) for rec, ent in rows],
                   counts=[StageCount(stage=s, count=n) for s, n in counts.items()],
                   towns=options(sorted(t for t in towns if t)),
                   **page_fields(filters, total, paged))


def stage_of(*, session: Session, enterprise_id: int) -> IpoRecord | None:
    return session.scalar(select(IpoRecord).where(IpoRecord.enterprise_id == enterprise_id))


def _snapshot(rec: IpoRecord) -> dict[str, Any]:
    return {"stage": rec.stage, "note": rec.note,
            **{f"{s}_on": (d.isoformat() if (d := getattr(rec, f"{s}_on")) else None)
               for s in IPO_STAGES}}


def set_stage(*, session: Session, actor: User | None, stage_in: StageIn) -> IpoRecord:
    """Record that an enterprise reached ``stage`` (on a date, when given); the first stage puts
    it in the pipeline. A move back is recorded too (the audit keeps the stage before)."""
    require_manage(actor)
    if stage_in.stage not in IPO_STAGES:
        raise InvalidInput(N_("未知的股改上市阶段 %(stage)s"), stage=stage_in.stage)
    ent = registered(session, stage_in.uscc)
    rec = stage_of(session=session, enterprise_id=ent.id)
    before = None if rec is None else _snapshot(rec)
    if rec is None:
        rec = IpoRecord(enterprise_id=ent.id, stage=stage_in.stage, version=1)
        session.add(rec)
    rec.stage = stage_in.stage
    if stage_in.on is not None:
        setattr(rec, f"{stage_in.stage}_on", stage_in.on)
    if stage_in.note:
        rec.note = stage_in.note.strip()
    session.flush()
    audit.record(session=session, actor=actor, action="ipo.stage", entity="enterprise",
                 entity_id=ent.uscc, summary=f"{ent.name}: {stage_in.stage}", before=before,
                 after=_snapshot(rec))
    return rec


def import_pipeline(*, session: Session, actor: User | None, path: Path) -> ImportSummary:
    """Stages from a file (the registry file too: its ``ipo_stage`` column), all-or-nothing. A
    date left empty keeps the date already recorded; enterprises not in the file are kept."""
    require_manage(actor)
    found, ids = read_known(session, read_ipo, path)
    existing = {rec.enterprise_id: rec for rec in session.scalars(
        select(IpoRecord).where(IpoRecord.enterprise_id.in_(ids.values())))}
    added = changed = 0
    for r in found.records:
        rec = existing.get(ids[r.uscc])
        if rec is None:
            rec = IpoRecord(enterprise_id=ids[r.uscc], stage=r.stage, version=1)
            session.add(rec)
            added += 1
        before = _snapshot(rec)
        rec.stage = r.stage
        for stage, on in r.dates.items():
            if on is not None:
                setattr(rec, f"{stage}_on", on)
        if r.note:
            rec.note = r.note
        if rec.id is not None and _snapshot(rec) != before:
            changed += 1
    return imported(session=session, actor=actor, path=path, rows=len(found.records),
                    added=added, changed=changed, action="ipo.import", entity="enterprise")
