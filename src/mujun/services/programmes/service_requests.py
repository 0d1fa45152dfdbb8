"""三服务2.0 requests: an enterprise submits, its department accepts, notes and closes, the
enterprise rates once (docs/programmes.md). Every write is audited; the rules are
``engine.programmes.service_requests``.

Days are the county's days (``county_day``): a request closed at 07:00 in 松阳 is closed that day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.engine.programmes.service_requests import (
    CATEGORIES,
    RATING_MAX,
    RATING_MIN,
    due_date,
    mean_rating,
)
from mujun.engine.texts import N_
from mujun.services import access, audit
from mujun.services.access import Action
from mujun.services.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from mujun.services.locking import check_version, conflicts
from mujun.store.models import Enterprise, RequestStatus, Role, ServiceRequest, User
from mujun.store.models.base import utcnow

COUNTY_TZ = ZoneInfo("Asia/Shanghai")
SUMMARY_MAX = 2000
TEXT_MAX = 2000
#: the departments that handle requests, in the order of the categories
HANDLING_DEPARTMENTS = tuple(dict.fromkeys(c.department for c in CATEGORIES.values()))


def county_day(now: datetime) -> date:
    """The county's calendar day at ``now``."""
    return now.astimezone(COUNTY_TZ).date()


def handles_requests(user: User) -> bool:
    """Whether the user's department (a clerk's) is responsible for some category."""
    return user.role == Role.CLERK and user.department in HANDLING_DEPARTMENTS


def _state(req: ServiceRequest) -> dict[str, Any]:
    return {"status": str(req.status), "department": req.department,
            "due_on": req.due_on.isoformat(), "reply": req.reply,
            "satisfaction": req.satisfaction, "notes": len(req.notes or [])}


def _audit(session: Session, actor: User | None, action: str, req: ServiceRequest,
           before: dict[str, Any] | None, summary: str) -> None:
    audit.record(session=session, actor=actor, action=action, entity="service_request",
                 entity_id=req.id, summary=f"{req.request_no} {req.uscc}: {summary}",
                 before=before, after=_state(req))


def may_see(user: User, req: ServiceRequest, town: str | None, park: str | None) -> bool:
    """The request is in the user's reach (``town``/``park``: its enterprise's)."""
    if not access.allowed(user, Action.REQUESTS_VIEW):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.CLERK:
        return user.department == req.department
    if user.role == Role.OFFICER:
        return bool((user.town and town == user.town) or (user.park and park == user.park))
    return user.role == Role.ENTERPRISE and user.uscc == req.uscc


def get_request(*, session: Session, actor: User, request_id: int) -> ServiceRequest:
    """The request if the user may see it; ``NotFound`` otherwise (also when it exists)."""
    access.require(actor, Action.REQUESTS_VIEW)
    req = session.get(ServiceRequest, request_id)
    place = None if req is None else session.execute(
        select(Enterprise.town, Enterprise.park).where(Enterprise.uscc == req.uscc)).first()
    town, park = place if place is not None else (None, None)
    if req is None or not may_see(actor, req, town, park):
        raise NotFound(N_("没有您可查看的诉求 #%(id)s"), id=request_id)
    return req


def next_number(session: Session, year: int) -> str:
    """The next free number of ``year``: SF2026-0001, SF2026-0002, …"""
    prefix = f"SF{year}-"
    last = session.scalar(select(func.max(ServiceRequest.request_no))
                          .where(ServiceRequest.request_no.like(f"{prefix}%")))
    n = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{n:04d}"


def _text(value: str, what: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(N_("请填写%(what)s"), what=what)
    if len(text) > limit:
        raise InvalidInput(N_("%(what)s不能超过 %(n)s 个字符"), what=what, n=limit)
    return text


def submit_request(*, session: Session, actor: User, category: str, summary: str,
                   today: date, uscc: str | None = None) -> ServiceRequest:
    """An enterprise's request (the admin may submit one for an enterprise, naming ``uscc``);
    it goes to the category's department, due after the category's days."""
    access.require(actor, Action.REQUESTS_SUBMIT)
    if actor.role == Role.ENTERPRISE:
        if uscc and uscc.strip().upper() != actor.uscc:
            raise NotFound(N_("没有您可查看的企业 %(uscc)s"), uscc=uscc)
        uscc = actor.uscc
    code = (uscc or "").strip().upper()
    if not session.scalar(select(Enterprise.id).where(Enterprise.uscc == code)):
        raise NotFound(N_("没有您可查看的企业 %(uscc)s"), uscc=code or "—")
    if category not in CATEGORIES:
        raise InvalidInput(N_("诉求类别 %(category)s 不存在，可选：%(known)s"),
                           category=category, known="、".join(CATEGORIES))
    req = ServiceRequest(
        request_no=next_number(session, today.year), uscc=code, category=category,
        summary=_text(summary, N_("诉求内容"), SUMMARY_MAX),
        department=CATEGORIES[category].department, status=RequestStatus.SUBMITTED,
        submitted_on=today, due_on=due_date(today, category), notes=[], version=1,
        created_by_id=actor.id)
    session.add(req)
    session.flush()
    _audit(session, actor, "request.submit", req, None, f"submitted ({category})")
    return req


def _handled(session: Session, actor: User, request_id: int,
             version: int | None) -> ServiceRequest:
    """The request, for its department's clerk or the admin; refused once closed."""
    access.require(actor, Action.REQUESTS_HANDLE)
    req = get_request(session=session, actor=actor, request_id=request_id)
    check_version(req, version, f"诉求 {req.request_no}")
    if req.status == RequestStatus.CLOSED:
        raise InvalidTransition(N_("诉求 %(no)s 已办结，不能再办理"), no=req.request_no)
    return req


def accept_request(*, session: Session, actor: User, request_id: int, today: date,
                   version: int | None = None) -> ServiceRequest:
    """诉求 → 办理中."""
    req = _handled(session, actor, request_id, version)
    if req.status != RequestStatus.SUBMITTED:
        raise InvalidTransition(N_("诉求 %(no)s 已在办理中"), no=req.request_no)
    before = _state(req)
    req.status, req.accepted_on = RequestStatus.IN_PROGRESS, today
    with conflicts(f"诉求 {req.request_no}"):
        session.flush()
    _audit(session, actor, "request.accept", req, before, "accepted")
    return req


def add_note(*, session: Session, actor: User, request_id: int, text: str, today: date,
             version: int | None = None) -> ServiceRequest:
    """A handling note; a note on a request not yet accepted accepts it."""
    req = _handled(session, actor, request_id, version)
    before = _state(req)
    note = {"on": today.isoformat(), "by": actor.username,
            "text": _text(text, N_("办理记录"), TEXT_MAX)}
    req.notes = [*(req.notes or []), note]
    if req.status == RequestStatus.SUBMITTED:
        req.status, req.accepted_on = RequestStatus.IN_PROGRESS, today
    with conflicts(f"诉求 {req.request_no}"):
        session.flush()
    _audit(session, actor, "request.note", req, before, "note")
    return req


def close_request(*, session: Session, actor: User, request_id: int, reply: str, today: date,
                  version: int | None = None) -> ServiceRequest:
    """办结 with the reply to the enterprise (a request closed without being accepted first is
    accepted the same day)."""
    req = _handled(session, actor, request_id, version)
    if today < req.submitted_on:
        raise InvalidInput(N_("办结日期不能早于提交日期 %(day)s"), day=req.submitted_on.isoformat())
    before = _state(req)
    req.reply = _text(reply, N_("办结答复"), TEXT_MAX)
    req.status, req.closed_on = RequestStatus.CLOSED, today
    req.accepted_on = req.accepted_on or today
    with conflicts(f"诉求 {req.request_no}"):
        session.flush()
    _audit(session, actor, "request.close", req, before, "closed")
    return req


def rate_request(*, session: Session, actor: User, request_id: int, satisfaction: int,
                 now: datetime | None = None, version: int | None = None) -> ServiceRequest:
    """The enterprise's rating 1–10 of its closed request, once."""
    access.require(actor, Action.REQUESTS_SUBMIT)
    req = get_request(session=session, actor=actor, request_id=request_id)
    if actor.role != Role.ENTERPRISE:
        raise PermissionDenied(N_("满意度只能由提出诉求的企业评价"))
    check_version(req, version, f"诉求 {req.request_no}")
    if req.status != RequestStatus.CLOSED:
        raise InvalidTransition(N_("诉求 %(no)s 尚未办结，办结后才能评价"), no=req.request_no)
    if req.satisfaction is not None:
        raise InvalidTransition(N_("诉求 %(no)s 已评价过（%(score)s 分），每件只能评价一次"),
                                no=req.request_no, score=req.satisfaction)
    if not RATING_MIN <= satisfaction <= RATING_MAX:
        raise InvalidInput(N_("满意度须为 %(low)s 到 %(high)s 分"), low=RATING_MIN, high=RATING_MAX)
    before = _state(req)
    req.satisfaction, req.rated_at = satisfaction, now or utcnow()
    with conflicts(f"诉求 {req.request_no}"):
        session.flush()
    _audit(session, actor, "request.rate", req, before, f"rated {satisfaction}")
    return req


def satisfaction(session: Session, year: int) -> float | None:
    """十分满意 (targets.md §2 十): the mean rating of the requests closed in ``year`` that were
    rated; None when none was."""
    ratings = session.scalars(select(ServiceRequest.satisfaction).where(
        ServiceRequest.closed_on >= date(year, 1, 1),
        ServiceRequest.closed_on <= date(year, 12, 31),
        ServiceRequest.satisfaction.is_not(None)))
    return mean_rating(ratings)
