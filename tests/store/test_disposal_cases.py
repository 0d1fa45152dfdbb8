"""腾笼换鸟 disposal cases (land.md §4) on SQLite and PostgreSQL: the candidates of a year, the life
cycle, overdue by the clock, completed cases never edited, corrections, the area optimised per
year, and who may see and do what."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from store_helpers import load_county

from mujun.services import runs, users
from mujun.services.errors import (
    ConflictError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from mujun.services.land import candidates, case_views, cases
from mujun.services.land.case_stats import area_optimised
from mujun.services.land.cases import CaseCorrection, CaseOpen, CaseUpdate
from mujun.services.schemas import UserCreate
from mujun.store.models import AuditRecord, Enterprise, Parcel, RunResult, User

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
OPENED = datetime(2025, 5, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def county(session: Session, admin: User, tmp_path: Path) -> Session:
    """30 enterprises, 2024 final; four parcels of one owner: reclaimable, idle, built, late."""
    load_county(session, admin, tmp_path, n=30)
    run = runs.create_run(session=session, actor=admin, year=2024, now=T0)
    runs.publish_run(session=session, actor=admin, run_id=run.id, now=T0)
    runs.finalize_run(session=session, actor=admin, run_id=run.id,
                      now=runs.notice_end(run) + timedelta(days=1))
    owner = session.scalars(select(Enterprise).order_by(Enterprise.uscc)).first()
    assert owner is not None and owner.town
    for code, agreed, started in (("P-1", date(2022, 3, 1), None), ("P-2", date(2023, 6, 1), None),
                                  ("P-3", date(2022, 3, 1), date(2023, 1, 5)),
                                  ("P-4", date(2024, 6, 1), None)):
        session.add(Parcel(parcel_code=code, area_m2=20000.0, owner_id=owner.id, town=owner.town,
                           zone="测试园区", agreed_construction_start=agreed,
                           construction_started_on=started, version=1))
    session.commit()
    return session


def _officer(session: Session, admin: User, name: str, town: str) -> User:
    return users.create_user(session=session, actor=admin, user_in=UserCreate(
        username=name, display_name=name, role="officer", town=town))


def _low(session: Session) -> list[RunResult]:
    return list(session.scalars(select(RunResult).where(RunResult.low_efficiency.is_(True))
                                .order_by(RunResult.uscc)))


def _open(session: Session, actor: User, key: str, kind: str = "enterprise",
          target: date = date(2025, 12, 31), now: datetime = OPENED, **more: object) -> int:
    case = cases.open_case(session=session, actor=actor, now=now, case_in=CaseOpen.model_validate(
        {"year": 2024, "kind": kind, "key": key, "method": "upgrade", "target_date": target,
         "area_mu": 12.5, **more}))
    session.commit()
    return case.id


def test_candidates_are_the_final_runs_low_efficiency_and_the_idle_parcels(
        county: Session, admin: User) -> None:
    low = _low(county)
    assert low, "the small county has low-efficiency enterprises"
    page = candidates.candidates(session=county, actor=admin, paged=False)
    assert page.year == 2024 and page.run is not None and page.as_of == date(2024, 12, 31)
    ents = {r.key: r for r in page.items if r.kind == "enterprise"}
    assert set(ents) == {r.uscc for r in low}
    first = ents[low[0].uscc]
    assert first.status == "low_efficiency" and first.klass == low[0].class_
    assert first.area_mu == low[0].explanation["land_mu"]
    assert first.tax_per_mu == low[0].row["value_tax_per_mu"]
    parcels = {r.key: r.status for r in page.items if r.kind == "parcel"}
    # at the end of 2024: P-1 past two years, P-2 past one, P-3 built, P-4 not a year late yet
    assert parcels == {"P-1": "reclaimable", "P-2": "idle"}
    assert [r.area_mu for r in page.items if r.key == "P-1"] == [pytest.approx(30.0)]
    assert page.totals.count == len(low) + 2 and page.totals.open_cases == 0
    # a year whose run is not final lists the parcels only
    assert all(r.kind == "parcel" for r in candidates.candidates(
        session=county, actor=admin, filters=candidates.CandidateQuery(year=2025)).items)


def test_a_case_opens_starts_gets_notes_and_completes(county: Session, admin: User) -> None:
    key = _low(county)[0].uscc
    town = county.scalars(select(Enterprise.town).where(Enterprise.uscc == key)).one()
    officer = _officer(county, admin, "z1", town or "")
    case_id = _open(county, officer, key)
    case = cases.get_case(session=county, actor=officer, case_id=case_id)
    assert (case.stage, case.officer_id, case.town) == ("opened", officer.id, town)
    found = candidates.candidate(session=county, actor=admin, year=2024, kind="enterprise", key=key)
    assert (found.open_case_id, found.open_case_stage) == (case_id, "opened")
    with pytest.raises(ConflictError):  # one open case per enterprise
        _open(county, admin, key)
    with pytest.raises(InvalidTransition):  # 立案 → 整治中 → 办结, in that order
        cases.complete_case(session=county, actor=officer, case_id=case_id,
                            completed_on=date(2025, 6, 1), area_mu=10.0, now=OPENED)
    later = OPENED + timedelta(days=30)
    cases.start_case(session=county, actor=officer, case_id=case_id, now=later)
    cases.add_note(session=county, actor=officer, case_id=case_id, on=date(2025, 6, 3),
                   text="技改设备进场", now=later)
    cases.add_note(session=county, actor=officer, case_id=case_id, on=date(2025, 5, 20),
                   text="约谈企业", now=later)
    cases.complete_case(session=county, actor=officer, case_id=case_id,
                        completed_on=date(2025, 6, 4), area_mu=10.0, now=later)
    county.commit()
    detail = case_views.case_detail(session=county, actor=admin, case_id=case_id,
                                    today=later.date())
    assert (detail.stage, detail.completed_on, detail.area_mu) == ("completed",
                                                                    date(2025, 6, 4), 10.0)
    assert [(n.on, n.text) for n in detail.notes] == [(date(2025, 5, 20), "约谈企业"),
                                                      (date(2025, 6, 3), "技改设备进场")]
    assert [h.action for h in detail.history] == ["case.complete", "case.note", "case.note",
                                                  "case.start", "case.open"]
    audit = county.scalars(select(AuditRecord).where(AuditRecord.action == "case.complete")).one()
    assert audit.actor == "z1" and audit.before and audit.before["stage"] == "in_progress"
    assert area_optimised(session=county, year=2025) == 10.0
    # the enterprise has no open case any more: a new one may be opened
    assert candidates.candidate(session=county, actor=admin, year=2024, kind="enterprise",
                                key=key).open_case_id is None


def test_dates_and_areas_are_checked(county: Session, admin: User) -> None:
    case_id = _open(county, admin, "P-1", kind="parcel")
    with pytest.raises(InvalidInput):  # a note before the case was opened
        cases.add_note(session=county, actor=admin, case_id=case_id, on=date(2025, 5, 1),
                       text="x", now=OPENED)
    with pytest.raises(InvalidInput):  # a note dated tomorrow
        cases.add_note(session=county, actor=admin, case_id=case_id,
                       on=OPENED.date() + timedelta(days=1), text="x", now=OPENED)
    with pytest.raises(InvalidInput):
        cases.add_note(session=county, actor=admin, case_id=case_id, on=OPENED.date(),
                       text="  ", now=OPENED)
    with pytest.raises(InvalidInput):  # a target before the opening
        _open(county, admin, "P-2", kind="parcel", target=date(2025, 1, 1))
    with pytest.raises(NotFound):  # P-3 was built: no candidate
        _open(county, admin, "P-3", kind="parcel")
    with pytest.raises(InvalidInput):  # the responsible officer must be of the case's town
        other = _officer(county, admin, "far", "别的乡")
        _open(county, admin, "P-2", kind="parcel", officer_id=other.id)


def test_overdue_is_open_after_the_target_date(county: Session, admin: User) -> None:
    case_id = _open(county, admin, "P-1", kind="parcel", target=date(2025, 9, 30))
    due = date(2025, 9, 30)
    flags = [r.overdue for r in (case_views.case_list(session=county, actor=admin, today=d).items[0]
                                 for d in (due, due + timedelta(days=1)))]
    assert flags == [False, True]
    late = case_views.CaseQuery(overdue=True)
    assert case_views.case_list(session=county, actor=admin, filters=late,
                                today=due).total == 0
    assert case_views.case_list(session=county, actor=admin, filters=late,
                                today=due + timedelta(days=1)).total == 1
    day = datetime(2025, 10, 20, tzinfo=UTC)
    cases.start_case(session=county, actor=admin, case_id=case_id, now=day)
    cases.complete_case(session=county, actor=admin, case_id=case_id,
                        completed_on=day.date(), area_mu=30.0, now=day)
    county.commit()
    assert case_views.case_list(session=county, actor=admin, filters=late,
                                today=date(2026, 1, 1)).total == 0


def test_a_completed_case_is_never_edited_but_corrected(county: Session, admin: User) -> None:
    case_id = _open(county, admin, "P-1", kind="parcel")
    day = datetime(2025, 12, 20, tzinfo=UTC)
    cases.start_case(session=county, actor=admin, case_id=case_id, now=day)
    cases.complete_case(session=county, actor=admin, case_id=case_id, completed_on=day.date(),
                        area_mu=30.0, now=day)
    county.commit()
    for refused in (
        lambda: cases.update_case(session=county, actor=admin, case_id=case_id,
                                  changes=CaseUpdate(area_mu=1.0)),
        lambda: cases.cancel_case(session=county, actor=admin, case_id=case_id, reason="x"),
        lambda: cases.add_note(session=county, actor=admin, case_id=case_id, on=day.date(),
                               text="x", now=day),
        lambda: cases.start_case(session=county, actor=admin, case_id=case_id),
    ):
        with pytest.raises(InvalidTransition):
            refused()
    assert (area_optimised(session=county, year=2025), area_optimised(session=county,
                                                                      year=2026)) == (30.0, 0.0)
    fixed = cases.correct_case(session=county, actor=admin, case_id=case_id,
                               now=datetime(2026, 1, 10, tzinfo=UTC),
                               correction=CaseCorrection(reason="测绘复核", area_mu=24.0,
                                                         completed_on=date(2026, 1, 5)))
    county.commit()
    old = cases.get_case(session=county, actor=admin, case_id=case_id)
    assert (old.stage, old.area_mu, old.completed_on) == ("completed", 30.0, day.date())
    assert (fixed.corrects_case_id, fixed.stage, fixed.area_mu, fixed.parcel_id) == (
        case_id, "completed", 24.0, old.parcel_id)
    # the correction counts, the corrected case no more: its area moved to 2026
    assert (area_optimised(session=county, year=2025), area_optimised(session=county,
                                                                      year=2026)) == (0.0, 24.0)
    rows = case_views.case_list(session=county, actor=admin, today=date(2026, 1, 10)).items
    assert {(r.id, r.corrects_case_id, r.corrected_by_id) for r in rows} == {
        (fixed.id, case_id, None), (case_id, None, fixed.id)}
    with pytest.raises(ConflictError):  # the correction is corrected, not the case again
        cases.correct_case(session=county, actor=admin, case_id=case_id,
                           correction=CaseCorrection(reason="again"),
                           now=datetime(2026, 1, 11, tzinfo=UTC))
    open_id = _open(county, admin, "P-2", kind="parcel")
    with pytest.raises(InvalidTransition):  # an open case is changed, not corrected
        cases.correct_case(session=county, actor=admin, case_id=open_id,
                           correction=CaseCorrection(reason="x"))


def test_a_cancelled_case_keeps_its_reason_and_frees_the_candidate(county: Session,
                                                                   admin: User) -> None:
    case_id = _open(county, admin, "P-2", kind="parcel")
    with pytest.raises(InvalidInput):
        cases.cancel_case(session=county, actor=admin, case_id=case_id, reason=" ")
    cases.cancel_case(session=county, actor=admin, case_id=case_id, reason="权利人已开工")
    county.commit()
    case = cases.get_case(session=county, actor=admin, case_id=case_id)
    assert (case.stage, case.cancel_reason) == ("cancelled", "权利人已开工")
    assert _open(county, admin, "P-2", kind="parcel") != case_id


def test_officers_see_and_work_on_their_own_town_only(county: Session, admin: User) -> None:
    low = _low(county)
    towns = {e.uscc: e.town for e in county.scalars(select(Enterprise))}
    here = towns[low[0].uscc] or ""
    there = next(r.uscc for r in low if towns[r.uscc] != here)
    mine = _officer(county, admin, "mine", here)
    _open(county, admin, low[0].uscc)
    other_case = _open(county, admin, there)
    page = case_views.case_list(session=county, actor=mine, today=OPENED.date())
    assert {r.town for r in page.items} == {here} and page.total == 1
    seen = candidates.candidates(session=county, actor=mine, paged=False).items
    assert seen and {r.town for r in seen} == {here}
    with pytest.raises(NotFound):
        cases.get_case(session=county, actor=mine, case_id=other_case)
    with pytest.raises(NotFound):
        cases.start_case(session=county, actor=mine, case_id=other_case)
    with pytest.raises(NotFound):  # another town's candidate
        _open(county, mine, next(r.uscc for r in low[1:] if towns[r.uscc] != here))
    leader = users.create_user(session=county, actor=admin, user_in=UserCreate(
        username="boss", role="leader"))
    assert case_views.case_list(session=county, actor=leader, today=OPENED.date()).total == 2
    with pytest.raises(PermissionDenied):
        cases.start_case(session=county, actor=leader, case_id=other_case)
    clerk = users.create_user(session=county, actor=admin, user_in=UserCreate(
        username="c", role="clerk", department="tax"))
    for refused in (lambda: case_views.case_list(session=county, actor=clerk, today=T0.date()),
                    lambda: candidates.candidates(session=county, actor=clerk)):
        with pytest.raises(PermissionDenied):
            refused()
