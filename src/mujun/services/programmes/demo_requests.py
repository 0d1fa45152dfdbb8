"""The demo county's 三服务2.0 requests: ``service_requests.csv`` (the county's requests as of the
file's date, kept exactly), then a few requests of the demo's own enterprise dated just before the
demo's "now" — one waiting, one in progress, one closed and not yet rated — so its account and the
demo clerks of 金融服务中心 and 经信 have something to do (docs/programmes.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.engine.programmes.service_requests import CATEGORIES, due_date
from mujun.engine.texts import N_
from mujun.io.service_requests import RequestInput
from mujun.services import audit
from mujun.services.demo_enterprise import demo_town, demo_uscc
from mujun.services.errors import InvalidInput
from mujun.services.programmes.service_requests import county_day, next_number
from mujun.store.models import Enterprise, RequestStatus, ServiceRequest, User

#: (category, summary, days before now submitted, status, the handling notes and the reply)
DEMO_OWN = (
    ("finance", "申请应急转贷资金，3 月底有一笔 500 万元贷款到期", 2, RequestStatus.SUBMITTED,
     (), None),
    ("policy", "2025 年度亩均效益领跑者奖励资金兑现进度咨询", 6, RequestStatus.IN_PROGRESS,
     ("已联系企业财务，核对奖励资金申报材料。",), None),
    ("finance", "流动资金贷款续贷困难，请求协调银行", 20, RequestStatus.CLOSED,
     ("已组织县农商行、工商银行上门对接。",),
     "经协调，县农商行同意续贷 800 万元，已于本周放款。"),
)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def load_requests(*, session: Session, actor: User | None, found: RequestInput,
                  now: datetime) -> int:
    """The file's requests (all or nothing), then the demo enterprise's own; the number
    written."""
    known = set(session.scalars(select(Enterprise.uscc)))
    unknown = [r for r in found.records if r.uscc not in known]
    if unknown:
        first = unknown[0]
        raise InvalidInput(N_("%(file)s 第 %(line)s 行：企业 %(uscc)s 不在企业库中，诉求未导入"),
                           file=found.file, line=first.line, uscc=first.uscc)
    for r in found.records:
        session.add(ServiceRequest(
            request_no=r.request_id, uscc=r.uscc, category=r.category, summary=r.summary,
            department=CATEGORIES[r.category].department, status=r.status,
            submitted_on=r.submitted, due_on=r.due, accepted_on=None, closed_on=r.closed,
            notes=[], reply=None, satisfaction=r.satisfaction,
            rated_at=_at(r.closed) if r.satisfaction is not None and r.closed else None,
            created_at=_at(r.submitted), version=1))
    session.flush()
    audit.record(session=session, actor=actor, action="requests.load", entity="service_request",
                 summary=f"{len(found.records)} requests from {found.file}",
                 after={"rows": len(found.records)})
    return len(found.records) + _demo_own(session, actor, now)


def _demo_own(session: Session, actor: User | None, now: datetime) -> int:
    uscc = demo_uscc(session, demo_town(session))
    if uscc is None:
        return 0
    today = county_day(now)
    for category, summary, days, status, notes, reply in DEMO_OWN:
        submitted = today - timedelta(days=days)
        accepted = submitted + timedelta(days=1) if status != RequestStatus.SUBMITTED else None
        closed = today - timedelta(days=5) if status == RequestStatus.CLOSED else None
        req = ServiceRequest(
            request_no=next_number(session, today.year), uscc=uscc, category=category,
            summary=summary,
            department=CATEGORIES[category].department, status=status, submitted_on=submitted,
            due_on=due_date(submitted, category), accepted_on=accepted, closed_on=closed,
            notes=[{"on": (accepted or submitted).isoformat(), "by": "demo", "text": t}
                   for t in notes],
            reply=reply, satisfaction=None, created_at=_at(submitted), version=1)
        session.add(req)
        session.flush()
        audit.record(session=session, actor=actor, action="request.submit",
                     entity="service_request", entity_id=req.id,
                     summary=f"{req.request_no} {uscc}: demo ({status})")
    return len(DEMO_OWN)
