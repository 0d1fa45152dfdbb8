"""The programmes in the store (SQLite and PostgreSQL): imports all-or-nothing and idempotent,
the figures the targets read, the safety window Y−2 … Y, and each role's reach."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from store_helpers import make_uscc, store_fingerprint, write_csv

from mujun.services.errors import InvalidInput, PermissionDenied
from mujun.services.programmes.ipo import (
    IpoQuery,
    StageIn,
    import_pipeline,
    list_pipeline,
    set_stage,
)
from mujun.services.programmes.payments import (
    PaymentIn,
    PaymentQuery,
    import_payments,
    incentive_payments,
    list_payments,
    record_payment,
)
from mujun.services.programmes.safety import SafetyQuery, eligibility, safety_list
from mujun.services.programmes.talent import (
    TalentQuery,
    import_talent,
    list_talent,
    talent_by_category,
    talent_count,
)
from mujun.store.models import AuditRecord, Enterprise, Figure, Incident, Role, User

TOWNS = ["西屏街道", "古市镇"]


def _county(session: Session, n: int = 6) -> list[Enterprise]:
    """``n`` enterprises, alternately in the two towns, each with a figure of 2023–2025."""
    ents = [Enterprise(uscc=make_uscc(i), name=f"企业{i}", town=TOWNS[i % 2], version=1)
            for i in range(n)]
    session.add_all(ents)
    session.flush()
    for e in ents:
        for year in (2023, 2024, 2025):
            session.add(Figure(enterprise_id=e.id, year=year, field="revenue", value_num=100.0,
                               department="stats", version=1))
    session.commit()
    return ents


def _user(session: Session, role: str, **scope: str) -> User:
    user = User(username=f"{role}-{len(scope)}-{'-'.join(scope.values()) or 'x'}", role=role,
                version=1, **scope)
    session.add(user)
    session.commit()
    return user


def _audits(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditRecord)) or 0


TALENT_HEADER = ["person_id", "pseudonym", "category", "year", "uscc", "town"]


def _talent_rows() -> list[list[object]]:
    return [
        ["RC1", "人才0001", "industrial_engineer", 2021, make_uscc(0), "西屏街道"],
        ["RC2", "人才0002", "金牌茶师", 2022, "", "古市镇"],
        ["RC3", "人才0003", "tea_master", 2023, make_uscc(1), "古市镇"],
        ["RC4", "人才0004", "excellent_talent", 2024, "", "西屏街道"],
        ["RC5", "人才0005", "excellent_talent", 2025, "", "西屏街道"],
        ["RC6", "人才0006", "teacher_doctor", 2020, "", "西屏街道"],
    ]


def test_talent_import_counts_and_reimport_changes_nothing(
        session: Session, admin: User, tmp_path: Path) -> None:
    _county(session)
    path = write_csv(tmp_path / "talent.csv", TALENT_HEADER, _talent_rows())
    first = import_talent(session=session, actor=admin, path=path)
    session.commit()
    assert (first.added, first.changed, first.unchanged) == (6, 0, 0)
    before, audits = store_fingerprint(session), _audits(session)
    again = import_talent(session=session, actor=admin, path=path)
    session.commit()
    assert (again.added, again.changed, again.unchanged) == (0, 0, 6)
    assert store_fingerprint(session) == before and _audits(session) == audits
    # 千: every category from programme_from to Y; 2020 is before the programme
    assert talent_count(session, 2021, 2025) == 5
    assert talent_count(session, 2021, 2023) == 3
    assert talent_count(session, programme_from=2020, year=2021) == 2
    by = talent_by_category(session, 2021, 2025)
    assert by["tea_master"] == 2 and by["industrial_engineer"] == 1
    assert by["excellent_talent"] == 2 and by["teacher_doctor"] == 0 and len(by) == 7


def test_a_talent_file_with_an_error_writes_nothing(
        session: Session, admin: User, tmp_path: Path) -> None:
    _county(session)
    rows = _talent_rows()
    rows[2][2] = "宇航员"  # line 4: not a category
    path = write_csv(tmp_path / "talent.csv", TALENT_HEADER, rows)
    before = store_fingerprint(session)
    with pytest.raises(InvalidInput) as exc:
        import_talent(session=session, actor=admin, path=path)
    session.rollback()
    assert "talent.csv line 4, column category" in str(exc.value)
    assert store_fingerprint(session) == before
    rows = _talent_rows()
    rows[4][4] = make_uscc(99)  # line 6: an employer not in the registry
    path = write_csv(tmp_path / "talent.csv", TALENT_HEADER, rows)
    with pytest.raises(InvalidInput) as exc:
        import_talent(session=session, actor=admin, path=path)
    session.rollback()
    assert "line 6, column uscc" in str(exc.value) and "不在企业库中" in str(exc.value)
    assert store_fingerprint(session) == before


def test_talent_list_filters_counts_and_scope(session: Session, admin: User,
                                             tmp_path: Path) -> None:
    _county(session)
    import_talent(session=session, actor=admin,
                  path=write_csv(tmp_path / "t.csv", TALENT_HEADER, _talent_rows()))
    session.commit()
    page = list_talent(session=session, actor=admin, filters=TalentQuery(town="古市镇"))
    assert [r.person_code for r in page.items] == ["RC2", "RC3"]
    counts = {c.category: (c.count, c.goal) for c in page.counts}
    assert counts["tea_master"] == (2, 100) and counts["excellent_talent"] == (0, None)
    # the category filter narrows the rows, not the counts per category
    page = list_talent(session=session, actor=admin,
                       filters=TalentQuery(category="excellent_talent", sort="-year"))
    assert [r.person_code for r in page.items] == ["RC5", "RC4"]
    assert {c.category: c.count for c in page.counts}["industrial_engineer"] == 1
    officer = _user(session, Role.OFFICER, town="古市镇")
    assert [r.person_code for r in list_talent(session=session, actor=officer,
                                               filters=TalentQuery()).items] == ["RC2", "RC3"]
    for role, scope in ((Role.ENTERPRISE, {"uscc": make_uscc(0)}),
                        (Role.CLERK, {"department": "safety"})):
        with pytest.raises(PermissionDenied):
            list_talent(session=session, actor=_user(session, role, **scope),
                        filters=TalentQuery())


PAY_HEADER = ["uscc", "year", "programme", "amount_wan", "paid_on", "note"]


def _pay_rows() -> list[list[object]]:
    return [
        [make_uscc(0), 2021, "per_mu_award", "50", "2022-04-01", ""],
        [make_uscc(1), 2021, "技改补助", "12.5", "", "设备补助"],
        [make_uscc(0), 2022, "tech_upgrade", "30", "2023-05-02", ""],
        [make_uscc(2), 2025, "listing", "500", "", ""],
    ]


def test_payments_import_totals_and_roles(session: Session, admin: User, tmp_path: Path) -> None:
    _county(session)
    path = write_csv(tmp_path / "pay.csv", PAY_HEADER, _pay_rows())
    assert import_payments(session=session, actor=admin, path=path).added == 4
    session.commit()
    assert incentive_payments(session, range(2021, 2026)) == 592.5
    assert incentive_payments(session, [2021]) == 62.5
    assert incentive_payments(session, []) == 0.0
    again = import_payments(session=session, actor=admin, path=path)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 4)
    page = list_payments(session=session, actor=admin, filters=PaymentQuery(year=2021))
    assert page.totals.amount_wan == 62.5 and page.totals.count == 2
    assert page.totals.enterprises == 2
    page = list_payments(session=session, actor=admin, filters=PaymentQuery(sort="-amount"))
    assert [r.amount_wan for r in page.items] == [500.0, 50.0, 30.0, 12.5]
    # recording the same enterprise, year and programme again replaces the amount
    record_payment(session=session, actor=admin, payment_in=PaymentIn(
        uscc=make_uscc(1), year=2021, programme="tech_upgrade", amount_wan=20))
    session.commit()
    assert incentive_payments(session, [2021]) == 70.0
    last = session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc())).first()
    assert last is not None and last.action == "payment.record"
    assert last.before is not None and last.before["amount_wan"] == 12.5
    # an officer sees its town's enterprises (0 and 2 are in 西屏街道), an enterprise its own
    officer = _user(session, Role.OFFICER, town="西屏街道")
    page = list_payments(session=session, actor=officer, filters=PaymentQuery())
    assert sorted({r.uscc for r in page.items}) == [make_uscc(0), make_uscc(2)]
    assert page.totals.amount_wan == 580.0
    firm = _user(session, Role.ENTERPRISE, uscc=make_uscc(1))
    page = list_payments(session=session, actor=firm, filters=PaymentQuery())
    assert [(r.uscc, r.amount_wan) for r in page.items] == [(make_uscc(1), 20.0)]
    with pytest.raises(PermissionDenied):
        record_payment(session=session, actor=officer, payment_in=PaymentIn(
            uscc=make_uscc(0), year=2021, programme="other", amount_wan=1))
    with pytest.raises(PermissionDenied):
        list_payments(session=session, actor=_user(session, Role.CLERK, department="tax"),
                      filters=PaymentQuery())


def test_a_payment_given_twice_in_a_file_is_refused(session: Session, admin: User,
                                                    tmp_path: Path) -> None:
    _county(session)
    rows = [*_pay_rows(), [make_uscc(0), 2021, "亩均效益奖励", "10", "", ""]]
    path = write_csv(tmp_path / "pay.csv", PAY_HEADER, rows)
    with pytest.raises(InvalidInput) as exc:
        import_payments(session=session, actor=admin, path=path)
    assert "pay.csv line 6" in str(exc.value) and "第 2 行重复" in str(exc.value)
    session.rollback()
    assert incentive_payments(session, range(2000, 2030)) == 0.0


def test_ipo_pipeline_from_the_registry_file(session: Session, admin: User,
                                            tmp_path: Path) -> None:
    ents = _county(session)
    path = write_csv(tmp_path / "registry.csv", ["uscc", "name", "ipo_stage"], [
        [make_uscc(0), "企业0", "listed"], [make_uscc(1), "企业1", ""],
        [make_uscc(2), "企业2", "辅导"], [make_uscc(3), "企业3", "tutoring"]])
    summary = import_pipeline(session=session, actor=admin, path=path)
    session.commit()
    assert (summary.added, summary.unchanged) == (3, 0)
    page = list_pipeline(session=session, actor=admin, filters=IpoQuery())
    assert {c.stage: c.count for c in page.counts} == {"reform": 0, "tutoring": 2, "filed": 0,
                                                        "listed": 1}
    assert page.items[0].uscc == make_uscc(0)  # furthest stage first
    set_stage(session=session, actor=admin, stage_in=StageIn(
        uscc=make_uscc(2), stage="filed", on=date(2025, 6, 30)))
    session.commit()
    page = list_pipeline(session=session, actor=admin, filters=IpoQuery(stage="filed"))
    assert [(r.uscc, r.since) for r in page.items] == [(make_uscc(2), date(2025, 6, 30))]
    assert import_pipeline(session=session, actor=admin, path=path).changed == 1  # back to 辅导
    firm = _user(session, Role.ENTERPRISE, uscc=ents[3].uscc)
    page = list_pipeline(session=session, actor=firm, filters=IpoQuery())
    assert [r.uscc for r in page.items] == [make_uscc(3)]


@pytest.mark.parametrize(("incident_year", "eligible"), [
    (2022, True), (2023, False), (2024, False), (2025, False), (2026, True)])
def test_the_safety_window_is_y_minus_2_to_y(session: Session, admin: User, incident_year: int,
                                             eligible: bool) -> None:
    ents = _county(session, 2)
    session.add(Incident(enterprise_id=ents[0].id, year=incident_year, type="safety_general",
                         department="safety"))
    session.add(Incident(enterprise_id=ents[1].id, year=2025, type="env_major",
                         department="env"))
    session.commit()
    assert (eligibility(session=session, enterprise_id=ents[0].id, year=2025) == []) is eligible
    page = safety_list(session=session, actor=admin, filters=SafetyQuery(year=2025))
    assert page.window == (2023, 2025)
    rows = {r.uscc: r for r in page.items}
    assert rows[ents[0].uscc].eligible is eligible
    assert rows[ents[1].uscc].eligible  # an environmental incident does not bar the safety award
    if not eligible:
        assert [(b.type, b.year) for b in rows[ents[0].uscc].blocking] == [
            ("safety_general", incident_year)]


def test_a_withdrawn_incident_does_not_bar_and_roles_see_their_part(
        session: Session, admin: User) -> None:
    ents = _county(session, 4)
    session.add(Incident(enterprise_id=ents[0].id, year=2024, type="safety_major",
                         department="safety"))
    session.add(Incident(enterprise_id=ents[1].id, year=2025, type="safety_major",
                         department="safety", withdrawn_at=datetime(2026, 1, 5, tzinfo=UTC),
                         withdrawn_reason="误报"))
    session.commit()
    page = safety_list(session=session, actor=admin, filters=SafetyQuery(year=2025))
    assert (page.totals.candidates, page.totals.eligible) == (4, 3)
    page = safety_list(session=session, actor=admin,
                       filters=SafetyQuery(year=2025, eligible=False))
    assert [r.uscc for r in page.items] == [ents[0].uscc]
    clerk = _user(session, Role.CLERK, department="safety")
    assert safety_list(session=session, actor=clerk, filters=SafetyQuery()).totals.candidates == 4
    officer = _user(session, Role.OFFICER, town="古市镇")  # enterprises 1 and 3
    page = safety_list(session=session, actor=officer, filters=SafetyQuery())
    assert page.year == 2025 and [r.uscc for r in page.items] == [ents[1].uscc, ents[3].uscc]
    with pytest.raises(PermissionDenied):
        safety_list(session=session, actor=_user(session, Role.CLERK, department="tax"),
                    filters=SafetyQuery())
