"""三服务2.0 requests through the services, on SQLite and PostgreSQL: submit → accept → note →
close → rate, who may do each, rating once and only after closing, the audit, the statistics and
十分满意 (targets.md §2 十, §3)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.store.store_helpers import make_uscc

from mujun.services import users
from mujun.services.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from mujun.services.programmes import request_views as views
from mujun.services.programmes import service_requests as sr
from mujun.services.schemas import UserCreate
from mujun.store.models import AuditRecord, Enterprise, ServiceRequest, User

OWN, OTHER = make_uscc(1), make_uscc(2)
DAY = date(2025, 3, 3)


@pytest.fixture
def people(session: Session, admin: User) -> dict[str, User]:
    session.add_all([Enterprise(uscc=OWN, name="甲公司", town="西屏街道", version=1),
                     Enterprise(uscc=OTHER, name="乙公司", town="水南街道", version=1)])
    out = {"admin": admin}
    for name, role, scope in (("ent", "enterprise", {"uscc": OWN}),
                              ("ent2", "enterprise", {"uscc": OTHER}),
                              ("finance", "clerk", {"department": "finance"}),
                              ("land", "clerk", {"department": "land"}),
                              ("officer", "officer", {"town": "西屏街道"}),
                              ("leader", "leader", {})):
        out[name] = users.create_user(session=session, actor=admin, user_in=UserCreate(
            username=name, display_name=name, role=role, **scope))
    session.commit()
    return out


def _submit(session: Session, who: User, category: str = "finance",
            day: date = DAY) -> ServiceRequest:
    req = sr.submit_request(session=session, actor=who, category=category,
                            summary="流动资金贷款续贷困难", today=day)
    session.commit()
    return req


def test_the_loop_submit_accept_note_close_rate(session: Session,
                                                people: dict[str, User]) -> None:
    req = _submit(session, people["ent"])
    assert (req.request_no, req.uscc, req.department, req.status) == (
        "SF2025-0001", OWN, "finance", "submitted")
    assert req.due_on == date(2025, 3, 18)  # 融资: 15 days
    assert _submit(session, people["ent"]).request_no == "SF2025-0002"
    clerk = people["finance"]
    sr.accept_request(session=session, actor=clerk, request_id=req.id, today=date(2025, 3, 4))
    sr.add_note(session=session, actor=clerk, request_id=req.id, text="已联系银行",
                today=date(2025, 3, 5))
    sr.close_request(session=session, actor=clerk, request_id=req.id, reply="已续贷",
                     today=date(2025, 3, 18))
    session.commit()
    assert (req.status, req.accepted_on, req.closed_on, req.reply) == (
        "closed", date(2025, 3, 4), date(2025, 3, 18), "已续贷")
    assert req.notes == [{"on": "2025-03-05", "by": "finance", "text": "已联系银行"}]
    detail = views.request_detail(session=session, actor=people["ent"], request_id=req.id,
                                  today=date(2025, 4, 1))
    assert (detail.on_time, detail.overdue) == (True, False)
    assert sr.satisfaction(session, 2025) is None  # closed, not rated yet
    sr.rate_request(session=session, actor=people["ent"], request_id=req.id, satisfaction=9)
    session.commit()
    assert req.satisfaction == 9
    assert sr.satisfaction(session, 2025) == 9.0
    assert sr.satisfaction(session, 2024) is None
    actions = session.scalars(select(AuditRecord.action).where(
        AuditRecord.entity == "service_request", AuditRecord.entity_id == str(req.id))
        .order_by(AuditRecord.id)).all()
    assert actions == ["request.submit", "request.accept", "request.note", "request.close",
                       "request.rate"]


def test_rating_only_after_closing_and_only_once(session: Session,
                                                 people: dict[str, User]) -> None:
    req = _submit(session, people["ent"])
    with pytest.raises(InvalidTransition, match="尚未办结"):
        sr.rate_request(session=session, actor=people["ent"], request_id=req.id, satisfaction=8)
    sr.close_request(session=session, actor=people["finance"], request_id=req.id, reply="已办",
                     today=DAY)
    assert req.accepted_on == DAY  # closed without an explicit acceptance: accepted that day
    for bad in (0, 11):
        with pytest.raises(InvalidInput, match="1 到 10"):
            sr.rate_request(session=session, actor=people["ent"], request_id=req.id,
                            satisfaction=bad)
    sr.rate_request(session=session, actor=people["ent"], request_id=req.id, satisfaction=10)
    with pytest.raises(InvalidTransition, match="只能评价一次"):
        sr.rate_request(session=session, actor=people["ent"], request_id=req.id, satisfaction=3)
    assert req.satisfaction == 10
    # another enterprise, the admin and the clerk do not rate
    with pytest.raises(NotFound):
        sr.rate_request(session=session, actor=people["ent2"], request_id=req.id, satisfaction=1)
    with pytest.raises(PermissionDenied):
        sr.rate_request(session=session, actor=people["admin"], request_id=req.id,
                        satisfaction=1)
    with pytest.raises(PermissionDenied):
        sr.rate_request(session=session, actor=people["finance"], request_id=req.id,
                        satisfaction=1)


def test_who_handles_and_who_sees(session: Session, people: dict[str, User]) -> None:
    req = _submit(session, people["ent"])
    other = _submit(session, people["ent2"], category="land")
    # another department's clerk and the officer do not handle it
    with pytest.raises(NotFound):
        sr.accept_request(session=session, actor=people["land"], request_id=req.id, today=DAY)
    for who in ("officer", "leader", "ent"):
        with pytest.raises(PermissionDenied):
            sr.accept_request(session=session, actor=people[who], request_id=req.id, today=DAY)
    sr.accept_request(session=session, actor=people["admin"], request_id=req.id, today=DAY)
    with pytest.raises(InvalidTransition, match="已在办理中"):
        sr.accept_request(session=session, actor=people["finance"], request_id=req.id, today=DAY)
    sr.close_request(session=session, actor=people["finance"], request_id=req.id, reply="好",
                     today=DAY)
    with pytest.raises(InvalidTransition, match="已办结"):
        sr.add_note(session=session, actor=people["finance"], request_id=req.id, text="再记",
                    today=DAY)
    # an enterprise submits for itself only
    with pytest.raises(NotFound):
        sr.submit_request(session=session, actor=people["ent"], category="land", summary="x",
                          today=DAY, uscc=OTHER)
    with pytest.raises(InvalidInput, match="诉求类别"):
        sr.submit_request(session=session, actor=people["ent"], category="nonsense",
                          summary="x", today=DAY)
    with pytest.raises(InvalidInput, match="请填写"):
        sr.submit_request(session=session, actor=people["ent"], category="land", summary="  ",
                          today=DAY)
    with pytest.raises(PermissionDenied):
        sr.submit_request(session=session, actor=people["finance"], category="land",
                          summary="x", today=DAY)

    def seen(who: str) -> list[str]:
        page = views.list_requests(session=session, actor=people[who], today=DAY)
        return sorted(r.request_no for r in page.items)

    assert seen("admin") == [req.request_no, other.request_no]
    assert seen("ent") == [req.request_no] and seen("ent2") == [other.request_no]
    assert seen("finance") == [req.request_no] and seen("land") == [other.request_no]
    assert seen("officer") == [req.request_no]  # 西屏街道's enterprise only
    with pytest.raises(PermissionDenied):
        seen("leader")
    with pytest.raises(NotFound):
        views.request_detail(session=session, actor=people["officer"], request_id=other.id,
                             today=DAY)


def test_list_filters_overdue_and_statistics(session: Session, people: dict[str, User]) -> None:
    late = _submit(session, people["ent"], day=date(2025, 1, 2))  # due 01-17
    on_time = _submit(session, people["ent"], day=date(2025, 2, 1))  # due 02-16
    open_ = _submit(session, people["ent2"], day=date(2025, 6, 1))  # due 06-16, never closed
    clerk = people["finance"]
    sr.close_request(session=session, actor=clerk, request_id=late.id, reply="迟了",
                     today=date(2025, 1, 20))
    sr.close_request(session=session, actor=clerk, request_id=on_time.id, reply="按期",
                     today=date(2025, 2, 16))
    sr.rate_request(session=session, actor=people["ent"], request_id=late.id, satisfaction=6)
    sr.rate_request(session=session, actor=people["ent"], request_id=on_time.id, satisfaction=9)
    session.commit()
    today = date(2025, 7, 1)

    def numbers(**filters: object) -> list[str]:
        q = views.RequestQuery.model_validate(filters)
        return [r.request_no for r in views.list_requests(session=session, actor=clerk,
                                                          today=today, filters=q).items]

    assert numbers() == [open_.request_no, on_time.request_no, late.request_no]
    assert numbers(overdue="true") == [open_.request_no]
    assert numbers(overdue="false", sort="submitted") == [late.request_no, on_time.request_no]
    assert numbers(status="closed", sort="-satisfaction") == [on_time.request_no,
                                                             late.request_no]
    assert numbers(year=2024) == []
    stats = views.statistics(session=session, actor=people["leader"], year=2025, today=today)
    finance = next(r for r in stats.rows if r["department"] == "finance")
    assert {k: finance[k] for k in ("received", "closed", "closed_on_time", "overdue_open",
                                    "rated", "satisfaction")} == {
        "received": 3, "closed": 2, "closed_on_time": 1, "overdue_open": 1, "rated": 2,
        "satisfaction": 7.5}
    assert stats.total["received"] == 3 and len(stats.rows) == 9
    with pytest.raises(PermissionDenied):
        views.statistics(session=session, actor=people["ent"], today=today)
