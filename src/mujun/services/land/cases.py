"""腾笼换鸟 disposal cases (处置项目, land.md §4): open, work on, complete, cancel, correct.

A case is opened (立案) on one candidate of a year (``candidates``), goes 立案 → 整治中 → 办结 with
the area optimised, or is cancelled (撤销) with a reason. A completed case is never edited; a
correction is a new case naming the one it corrects, which no longer counts. Dated progress notes
are only ever added. Every write is audited. The admin works on every case, an officer on those of
its own town or park (another's answers 404, as if it did not exist); leaders only read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.services import access, audit
from mujun.services.access import Action
from mujun.services.errors import ConflictError, InvalidInput, InvalidTransition, NotFound
from mujun.services.land.candidates import candidate
from mujun.services.locking import check_version, conflicts
from mujun.store.models import DisposalCase, Enterprise, Parcel, Role, User
from mujun.store.models.base import utcnow
from mujun.store.models.disposal import OPEN_STAGES, CaseNote, Method, Stage

ENTITY = "disposal_case"
MAX_AREA_MU = 100_000.0


class CaseOpen(BaseModel):
    """立案 on a candidate of ``year``: an enterprise (its credit code) or a parcel (its code)."""

    year: int = Field(ge=1990, le=2100)
    kind: str = Field(pattern="^(enterprise|parcel)$")
    key: str = Field(min_length=1, max_length=64)
    method: Method
    #: the responsible officer's user id (default: the acting officer)
    officer_id: int | None = Field(default=None, ge=1)
    target_date: date
    area_mu: float = Field(gt=0, le=MAX_AREA_MU)
    description: str | None = Field(default=None, max_length=2000)


class CaseUpdate(BaseModel):
    """What may change while a case is open; a field left out stays as it is."""

    method: Method | None = None
    officer_id: int | None = Field(default=None, ge=1)
    target_date: date | None = None
    area_mu: float | None = Field(default=None, gt=0, le=MAX_AREA_MU)


class CaseCorrection(BaseModel):
    """A completed case's correction: the values it gets (left out: the corrected case's) and
    why."""

    reason: str = Field(min_length=1, max_length=2000)
    method: Method | None = None
    officer_id: int | None = Field(default=None, ge=1)
    target_date: date | None = None
    area_mu: float | None = Field(default=None, gt=0, le=MAX_AREA_MU)
    completed_on: date | None = None


def state(case: DisposalCase) -> dict[str, Any]:
    """What the audit records of a case, before and after a change."""
    return {"year": case.year, "enterprise_id": case.enterprise_id, "parcel_id": case.parcel_id,
            "method": str(case.method), "officer_id": case.officer_id, "town": case.town,
            "park": case.park, "target_date": case.target_date.isoformat(),
            "area_mu": case.area_mu, "stage": str(case.stage),
            "cancel_reason": case.cancel_reason,
            "completed_on": case.completed_on.isoformat() if case.completed_on else None,
            "corrects_case_id": case.corrects_case_id}


def in_scope(actor: User, case: DisposalCase) -> bool:
    if actor.role == Role.OFFICER:
        return access.in_officer_place(actor, case.town, case.park)
    return True


def get_case(*, session: Session, actor: User, case_id: int) -> DisposalCase:
    """The case if the actor may see it; ``NotFound`` otherwise (also when it exists)."""
    access.require(actor, Action.CASES_VIEW)
    case = session.get(DisposalCase, case_id)
    if case is None or not in_scope(actor, case):
        raise NotFound(N_("没有您可查看的处置项目 #%(id)s"), id=case_id)
    return case


def _writable(session: Session, actor: User, case_id: int,
              expected_version: int | None) -> DisposalCase:
    access.require(actor, Action.CASES_MANAGE)
    case = get_case(session=session, actor=actor, case_id=case_id)
    check_version(case, expected_version, f"处置项目 #{case.id}")
    return case


def _require_open(case: DisposalCase) -> None:
    if case.stage not in OPEN_STAGES:
        message = N_("处置项目 #%(id)s 已办结或撤销，不能再修改（办结项目请提交更正）")
        raise InvalidTransition(message, id=case.id)


def officers_for(*, session: Session, town: str | None, park: str | None) -> list[User]:
    """The active officers who may be responsible for a case in ``town`` or ``park``."""
    query = select(User).where(User.role == Role.OFFICER, User.active.is_(True)) \
        .order_by(User.display_name, User.username)
    return [u for u in session.scalars(query)
            if access.in_officer_place(u, town, park)]


def _officer(session: Session, officer_id: int | None, town: str | None,
             park: str | None) -> int | None:
    if officer_id is None:
        return None
    if officer_id not in {u.id for u in officers_for(session=session, town=town, park=park)}:
        raise InvalidInput(N_("负责专员（officer_id）：用户 #%(id)s 不是%(place)s的在职专员"),
                           id=officer_id, place=town or park or "—")
    return officer_id


def _dated(on: date, case: DisposalCase, today: date) -> None:
    """A day of a case's life: not before it was opened, not after today."""
    opened = case.created_at.date()
    if not opened <= on <= today:
        raise InvalidInput(N_("日期 %(on)s 须在立案日期（%(opened)s）与今天（%(today)s）之间"),
                           on=on.isoformat(), opened=opened.isoformat(), today=today.isoformat())


def _subject(session: Session, kind: str, key: str) -> tuple[int | None, int | None]:
    if kind == "enterprise":
        return session.scalar(select(Enterprise.id).where(Enterprise.uscc == key)), None
    return None, session.scalar(select(Parcel.id).where(Parcel.parcel_code == key))


def _flush_new(session: Session, case: DisposalCase, refusal: ConflictError) -> None:
    session.add(case)
    try:
        session.flush()
    except IntegrityError:  # a unique index: the same case written at the same moment
        raise refusal from None


def open_case(*, session: Session, actor: User, case_in: CaseOpen,
              now: datetime | None = None) -> DisposalCase:
    """立案 on a candidate of ``case_in.year`` the actor may see; one open case per enterprise
    and per parcel."""
    access.require(actor, Action.CASES_MANAGE)
    now = now or utcnow()
    found = candidate(session=session, actor=actor, year=case_in.year, kind=case_in.kind,
                      key=case_in.key)
    if found.open_case_id is not None:
        raise ConflictError(N_("%(key)s 已有在办的处置项目 #%(id)s"), key=found.key,
                            id=found.open_case_id)
    if case_in.target_date < now.date():
        raise InvalidInput(N_("目标日期（%(on)s）不能早于立案日期（%(today)s）"),
                           on=case_in.target_date.isoformat(), today=now.date().isoformat())
    officer_id = case_in.officer_id
    if officer_id is None and actor.role == Role.OFFICER:
        officer_id = actor.id
    enterprise_id, parcel_id = _subject(session, found.kind, found.key)
    case = DisposalCase(
        year=case_in.year, enterprise_id=enterprise_id, parcel_id=parcel_id,
        method=case_in.method, town=found.town, park=found.park,
        officer_id=_officer(session, officer_id, found.town, found.park),
        target_date=case_in.target_date, area_mu=case_in.area_mu, stage=Stage.OPENED,
        description=(case_in.description or "").strip() or None,
        created_at=now, updated_at=now, created_by_id=actor.id)
    _flush_new(session, case, ConflictError(N_("%(key)s 已有在办的处置项目"), key=found.key))
    audit.record(session=session, actor=actor, action="case.open", entity=ENTITY,
                 entity_id=case.id, at=now, after=state(case),
                 summary=f"立案 {found.key} ({case_in.year}, {case_in.method})")
    return case


def _change(session: Session, actor: User, case: DisposalCase, action: str, summary: str,
            now: datetime, **values: Any) -> DisposalCase:
    before = state(case)
    for key, value in values.items():
        setattr(case, key, value)
    case.updated_at = now
    with conflicts(f"处置项目 #{case.id}"):
        session.flush()
    audit.record(session=session, actor=actor, action=action, entity=ENTITY, entity_id=case.id,
                 at=now, before=before, after=state(case), summary=summary)
    return case


def update_case(*, session: Session, actor: User, case_id: int, changes: CaseUpdate,
                expected_version: int | None = None,
                now: datetime | None = None) -> DisposalCase:
    """Change an open case's method, responsible officer, target date or area."""
    now = now or utcnow()
    case = _writable(session, actor, case_id, expected_version)
    _require_open(case)
    values = changes.model_dump(exclude_unset=True, exclude_none=True)
    if "officer_id" in values:
        values["officer_id"] = _officer(session, values["officer_id"], case.town, case.park)
    if "target_date" in values and values["target_date"] < case.created_at.date():
        raise InvalidInput(N_("目标日期（%(on)s）不能早于立案日期（%(opened)s）"),
                           on=values["target_date"].isoformat(),
                           opened=case.created_at.date().isoformat())
    return _change(session, actor, case, "case.update", f"修改处置项目 #{case.id}", now,
                   **values)


def start_case(*, session: Session, actor: User, case_id: int,
               expected_version: int | None = None, now: datetime | None = None) -> DisposalCase:
    """立案 → 整治中."""
    now = now or utcnow()
    case = _writable(session, actor, case_id, expected_version)
    if case.stage != Stage.OPENED:
        raise InvalidTransition(N_("处置项目 #%(id)s 不在立案阶段，不能开始整治"), id=case.id)
    return _change(session, actor, case, "case.start", f"处置项目 #{case.id} 开始整治", now,
                   stage=Stage.IN_PROGRESS)


def complete_case(*, session: Session, actor: User, case_id: int, completed_on: date,
                  area_mu: float, expected_version: int | None = None,
                  now: datetime | None = None) -> DisposalCase:
    """整治中 → 办结 on ``completed_on`` with the area optimised (亩), which becomes the case's
    area: land.md §4 sums the area of the cases completed in a year."""
    now = now or utcnow()
    case = _writable(session, actor, case_id, expected_version)
    if case.stage != Stage.IN_PROGRESS:
        raise InvalidTransition(N_("处置项目 #%(id)s 须先进入整治中才能办结"), id=case.id)
    if not 0 < area_mu <= MAX_AREA_MU:
        raise InvalidInput(N_("优化面积（area_mu）须大于 0 亩"))
    _dated(completed_on, case, now.date())
    return _change(session, actor, case, "case.complete",
                   f"处置项目 #{case.id} 办结，优化 {area_mu:g} 亩", now,
                   stage=Stage.COMPLETED, completed_on=completed_on, area_mu=area_mu)


def cancel_case(*, session: Session, actor: User, case_id: int, reason: str,
                expected_version: int | None = None,
                now: datetime | None = None) -> DisposalCase:
    """撤销 an open case, with the reason."""
    now = now or utcnow()
    case = _writable(session, actor, case_id, expected_version)
    _require_open(case)
    if not reason.strip():
        raise InvalidInput(N_("撤销需要填写理由"))
    return _change(session, actor, case, "case.cancel", f"撤销处置项目 #{case.id}", now,
                   stage=Stage.CANCELLED, cancel_reason=reason.strip())


def add_note(*, session: Session, actor: User, case_id: int, on: date, text: str,
             now: datetime | None = None) -> CaseNote:
    """A dated progress note on an open case (the day the progress happened)."""
    now = now or utcnow()
    case = _writable(session, actor, case_id, None)
    _require_open(case)
    if not text.strip():
        raise InvalidInput(N_("进展记录不能为空"))
    _dated(on, case, now.date())
    note = CaseNote(case_id=case.id, on=on, text=text.strip(), created_at=now,
                    created_by_id=actor.id)
    session.add(note)
    session.flush()
    audit.record(session=session, actor=actor, action="case.note", entity=ENTITY,
                 entity_id=case.id, at=now, after={"note_id": note.id, "on": on.isoformat(),
                                                   "text": note.text},
                 summary=f"处置项目 #{case.id} 进展 {on.isoformat()}")
    return note


def correction_of(session: Session, case_id: int) -> DisposalCase | None:
    """The case that corrects ``case_id``, if any."""
    return session.scalar(select(DisposalCase).where(DisposalCase.corrects_case_id == case_id))


def correct_case(*, session: Session, actor: User, case_id: int, correction: CaseCorrection,
                 now: datetime | None = None) -> DisposalCase:
    """A new completed case in place of the completed ``case_id`` (which stays as it was and no
    longer counts), with the corrected values."""
    now = now or utcnow()
    old = _writable(session, actor, case_id, None)
    if old.stage != Stage.COMPLETED:
        raise InvalidTransition(N_("只有办结的处置项目需要更正；在办的项目可直接修改"))
    newer = correction_of(session, old.id)
    if newer is not None:
        raise ConflictError(N_("处置项目 #%(id)s 已由 #%(new)s 更正，请更正 #%(new)s"),
                            id=old.id, new=newer.id)
    values = correction.model_dump(exclude_none=True, exclude={"reason"})
    completed_on: date = values.get("completed_on") or old.completed_on or now.date()
    _dated(completed_on, old, now.date())
    officer_id = values.get("officer_id", old.officer_id)
    if "officer_id" in values:
        officer_id = _officer(session, officer_id, old.town, old.park)
    case = DisposalCase(
        year=old.year, enterprise_id=old.enterprise_id, parcel_id=old.parcel_id,
        method=values.get("method", old.method), officer_id=officer_id, town=old.town,
        park=old.park, target_date=values.get("target_date", old.target_date),
        area_mu=values.get("area_mu", old.area_mu), stage=Stage.COMPLETED,
        completed_on=completed_on, corrects_case_id=old.id,
        description=correction.reason.strip(), created_at=now, updated_at=now,
        created_by_id=actor.id)
    _flush_new(session, case, ConflictError(N_("处置项目 #%(id)s 已被更正"), id=old.id))
    audit.record(session=session, actor=actor, action="case.correct", entity=ENTITY,
                 entity_id=case.id, at=now, before=state(old), after=state(case),
                 summary=f"更正处置项目 #{old.id}：{case.description}"[:500])
    return case
