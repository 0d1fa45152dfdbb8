"""Every appeal ends: a superseded run's pending appeals go on against the new version; a run is
not finalised while an appeal or a corrected version waits; migration 0008 repairs stores left
with stranded or repeated appeals (docs/store.md, "Evaluation runs, notice and appeals")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from store_helpers import load_county, make_uscc

from mujun.services import appeals, runs
from mujun.services.errors import InvalidTransition
from mujun.store.migrate import downgrade, upgrade_to_head
from mujun.store.models import Appeal, AppealStatus, AuditRecord, Run, RunStatus, User

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def county(session: Session, admin: User, tmp_path: Path) -> Session:
    load_county(session, admin, tmp_path, n=12)
    return session


def _in_notice(session: Session, admin: User) -> Run:
    run = runs.create_run(session=session, actor=admin, year=2024, now=T0)
    runs.publish_run(session=session, actor=admin, run_id=run.id, now=T0)
    session.commit()
    return run


def _file(session: Session, admin: User, run: Run, n: int, at: datetime = T0) -> Appeal:
    return appeals.file_appeal(session=session, actor=admin, run_id=run.id, uscc=make_uscc(n),
                               reason=f"申诉 {n}", now=at)


def _accept(session: Session, admin: User, appeal: Appeal) -> None:
    """Accept with a correction: a corrected draft version of the run follows."""
    appeals.resolve_appeal(session=session, actor=admin, appeal_id=appeal.id, accept=True,
                           note="核实属实", corrections={"tax_paid": 5000.0}, now=T0 + DAY)
    session.commit()


def test_pending_appeals_move_to_the_new_version(county: Session, admin: User) -> None:
    v1 = _in_notice(county, admin)
    waiting = _file(county, admin, v1, 1)
    accepted = _file(county, admin, v1, 2)
    _accept(county, admin, accepted)
    v2 = runs.get_run(session=county, ref=accepted.new_run_id or 0)
    runs.publish_run(session=county, actor=admin, run_id=v2.id, now=T0 + 2 * DAY)
    county.commit()
    assert v1.status == RunStatus.SUPERSEDED
    assert (waiting.run_id, waiting.status) == (v2.id, AppealStatus.PENDING)
    assert accepted.run_id == v1.id  # a decided appeal stays with the run it was decided on
    moved = county.scalars(select(AuditRecord).where(AuditRecord.action == "appeal.move")).all()
    assert [(m.entity_id, m.before, m.after) for m in moved] == [
        (str(waiting.id), {"run_id": v1.id}, {"run_id": v2.id})]
    # the new version cannot close while the moved appeal waits, and it can be decided there
    with pytest.raises(InvalidTransition, match="尚有 1 件申诉待处理"):
        runs.finalize_run(session=county, actor=admin, run_id=v2.id, now=T0 + 30 * DAY)
    appeals.resolve_appeal(session=county, actor=admin, appeal_id=waiting.id, accept=False,
                           note="数据无误", now=T0 + 3 * DAY)
    runs.finalize_run(session=county, actor=admin, run_id=v2.id, now=T0 + 30 * DAY)
    county.commit()
    assert v2.status == RunStatus.FINAL
    assert county.scalars(select(Appeal).where(Appeal.status == AppealStatus.PENDING)).all() == []


def test_finalising_waits_for_the_notice_and_the_corrected_version(
        county: Session, admin: User) -> None:
    v1 = _in_notice(county, admin)
    with pytest.raises(InvalidTransition, match="公示期结束后方可定稿"):
        runs.finalize_run(session=county, actor=admin, run_id=v1.id, now=T0 + DAY)
    accepted = _file(county, admin, v1, 3)
    _accept(county, admin, accepted)
    # finalising v1 would drop the accepted correction: the corrected 2024-v2 is to be published
    with pytest.raises(InvalidTransition, match="更正版本 2024-v2"):
        runs.finalize_run(session=county, actor=admin, run_id=v1.id, now=T0 + 30 * DAY)
    assert v1.status == RunStatus.NOTICE


def test_migration_repairs_stranded_and_repeated_appeals(engine: Engine, county: Session,
                                                          admin: User) -> None:
    v1 = _in_notice(county, admin)
    accepted = _file(county, admin, v1, 1)
    stranded = _file(county, admin, v1, 2)
    _accept(county, admin, accepted)
    v2 = accepted.new_run_id
    ids = (v1.id, v2, stranded.id)
    county.close()
    # the store as the old code left it: v2 published, v1 superseded with an appeal stranded on
    # it, and the same enterprise's appeal filed twice against v2
    downgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text("UPDATE runs SET status = 'superseded' WHERE id = :r"), {"r": ids[0]})
        conn.execute(text("UPDATE runs SET status = 'notice', published_at = :t, "
                          "notice_until = :u WHERE id = :r"),
                     {"r": ids[1], "t": T0.replace(tzinfo=None),
                      "u": (T0 + 7 * DAY).replace(tzinfo=None)})
        for reason in ("第一次", "第二次"):
            conn.execute(text("INSERT INTO appeals (run_id, uscc, reason, status, created_at, "
                              "version) VALUES (:r, :u, :why, 'pending', :t, 1)"),
                         {"r": ids[1], "u": make_uscc(4), "why": reason,
                          "t": T0.replace(tzinfo=None)})
    upgrade_to_head(engine)
    with Session(engine) as session:
        moved = session.get(Appeal, ids[2])
        assert moved is not None and (moved.run_id, moved.status) == (ids[1], "pending")
        repeats = session.scalars(select(Appeal).where(Appeal.uscc == make_uscc(4))
                                  .order_by(Appeal.id)).all()
        assert [a.status for a in repeats] == ["pending", "rejected"]
        assert f"#{repeats[0].id}" in (repeats[1].note or "")
