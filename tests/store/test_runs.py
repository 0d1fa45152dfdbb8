"""Evaluation runs: frozen inputs, engine results, notice, appeals, versions, verify, diff."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from store_helpers import load_county, make_uscc

from mujun.engine.evaluate import evaluate
from mujun.io.policy_files import load_policy
from mujun.services import appeals, run_views, runs
from mujun.services.errors import InvalidTransition
from mujun.services.figures import set_figure
from mujun.services.snapshot import Snapshot, assemble
from mujun.store.models import AuditRecord, Enterprise, Incident, RunResult, RunStatus, User
from mujun.store.models.runs import FrozenRunError

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def county(session: Session, admin: User, tmp_path: Path) -> Session:
    load_county(session, admin, tmp_path, n=30)
    return session


def test_run_stores_the_engines_results_and_verifies(county: Session, admin: User) -> None:
    run = runs.create_run(session=county, actor=admin, year=2024, now=T0)
    county.commit()
    assert run.status == RunStatus.DRAFT and run.n_results == 30
    # the results are exactly the engine's on the frozen snapshot
    snap = Snapshot.from_parquet(run.enterprises_parquet, run.incidents_parquet)
    assert snap.hash == run.snapshot_hash == assemble(county, 2024).hash
    expected = evaluate(snap.enterprises, snap.incidents, load_policy(), 2024).table.to_pylist()
    assert runs.stored_rows(county, run) == runs.normalized_rows(expected)
    stored = county.scalars(select(RunResult).where(RunResult.run_id == run.id)).all()
    assert {r.class_ for r in stored if r.group} <= {"A", "B", "C", "D"}
    assert all(r.explanation.get("uscc") == r.uscc for r in stored)
    assert runs.verify_run(session=county, run=run).ok


def test_a_run_with_empty_cells_in_its_incidents_verifies(county: Session, admin: User) -> None:
    """An incident without a date or a note leaves empty cells, whose bytes Parquet does not
    keep: the run must hash what it froze, or it could never verify."""
    first, second = county.scalars(select(Enterprise).order_by(Enterprise.id).limit(2))
    county.add(Incident(enterprise_id=first.id, year=2024, type="safety_general",
                        department="safety"))
    county.add(Incident(enterprise_id=second.id, year=2024, type="env_major", department="env",
                        date=date(2024, 5, 1), note="整改中"))
    county.flush()
    run = runs.create_run(session=county, actor=admin, year=2024, now=T0)
    county.commit()
    snap = Snapshot.from_parquet(run.enterprises_parquet, run.incidents_parquet)
    assert snap.incidents.num_rows == 2 and snap.incidents.column("note").null_count == 1
    check = runs.verify_run(session=county, run=run)
    assert check.snapshot_ok and check.ok, check.mismatches


def test_verify_detects_a_tampered_result(county: Session, admin: User) -> None:
    run = runs.create_run(session=county, actor=admin, year=2024, now=T0)
    county.commit()
    row = county.scalars(select(RunResult).where(RunResult.run_id == run.id)).first()
    assert row is not None
    row.row = {**row.row, "score": 99.0}  # a draft may change; verify still catches it
    county.commit()
    check = runs.verify_run(session=county, run=run)
    assert not check.ok and "score" in check.mismatches[0]


def test_notice_appeal_new_version_and_finalize(county: Session, admin: User) -> None:
    run = runs.create_run(session=county, actor=admin, year=2024, now=T0)
    runs.publish_run(session=county, actor=admin, run_id=run.id, now=T0)
    county.commit()
    assert run.status == RunStatus.NOTICE and run.notice_until == T0 + timedelta(days=7)
    target = county.scalars(select(RunResult.uscc).where(
        RunResult.run_id == run.id, RunResult.class_.in_(("B", "C", "D")),
        RunResult.vetoed.is_(False)).order_by(RunResult.row_no)).first()
    assert target is not None
    appeal = appeals.file_appeal(session=county, actor=admin, run_id=run.id, uscc=target,
                                 reason="税收漏计", now=T0 + timedelta(days=1))
    with pytest.raises(InvalidTransition):  # pending appeal blocks finalizing
        runs.finalize_run(session=county, actor=admin, run_id=run.id, now=T0 + timedelta(days=8))
    appeals.resolve_appeal(session=county, actor=admin, appeal_id=appeal.id, accept=True,
                           note="核实属实", corrections={"tax_paid": 99999.0},
                           now=T0 + timedelta(days=2))
    county.commit()
    new = runs.get_run(session=county, ref=appeal.new_run_id or 0)
    assert new.supersedes_id == run.id and new.label == "2024-v2"
    changes = runs.diff_runs(session=county, run_a=run, run_b=new)
    assert any(c.uscc == target for c in changes)
    runs.publish_run(session=county, actor=admin, run_id=new.id, now=T0 + timedelta(days=3))
    county.commit()
    assert run.status == RunStatus.SUPERSEDED
    with pytest.raises(InvalidTransition):
        runs.finalize_run(session=county, actor=admin, run_id=new.id, now=T0 + timedelta(days=4))
    runs.finalize_run(session=county, actor=admin, run_id=new.id, now=T0 + timedelta(days=11))
    county.commit()
    assert new.status == RunStatus.FINAL and runs.verify_run(session=county, run=new).ok
    with pytest.raises(InvalidTransition):  # no appeal after notice
        appeals.file_appeal(session=county, actor=admin, run_id=new.id, uscc=target, reason="x",
                            now=T0 + timedelta(days=12))
    actions = {a.action for a in county.scalars(select(AuditRecord))}
    assert {"run.create", "run.publish", "appeal.file", "appeal.accept", "figure.appeal",
            "run.supersede", "run.finalize"} <= actions


def test_rejected_appeal_keeps_the_data(county: Session, admin: User) -> None:
    run = runs.create_run(session=county, actor=admin, year=2024, now=T0)
    runs.publish_run(session=county, actor=admin, run_id=run.id, now=T0)
    appeal = appeals.file_appeal(session=county, actor=admin, run_id=run.id, uscc=make_uscc(1),
                                 reason="x", now=T0)
    appeals.resolve_appeal(session=county, actor=admin, appeal_id=appeal.id, accept=False,
                           note="数据无误", now=T0)
    county.commit()
    assert appeal.status == "rejected" and appeal.new_run_id is None


def test_published_runs_never_change(county: Session, admin: User) -> None:
    run = runs.create_run(session=county, actor=admin, year=2024, now=T0)
    runs.publish_run(session=county, actor=admin, run_id=run.id, now=T0)
    county.commit()
    result = county.scalars(select(RunResult).where(RunResult.run_id == run.id)).first()
    assert result is not None
    result.score = -1.0
    with pytest.raises(FrozenRunError):
        county.flush()
    county.rollback()
    run.policy_text = "name: other"
    with pytest.raises(FrozenRunError):
        county.flush()
    county.rollback()
    county.delete(run)
    with pytest.raises(FrozenRunError):
        county.flush()
    county.rollback()
    # later data changes do not touch the published run
    set_figure(session=county, actor=admin, uscc=make_uscc(2), year=2024, field="tax_paid",
               value=1.0)
    county.commit()
    assert runs.verify_run(session=county, run=run).ok


def test_notice_list_export(county: Session, admin: User) -> None:
    run = runs.create_run(session=county, actor=admin, year=2024, now=T0)
    runs.publish_run(session=county, actor=admin, run_id=run.id, now=T0)
    name, data = run_views.notice_list(session=county, actor=admin, run_id=run.id)
    assert name == "公示名单-2024-v1.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(data))
    listed = [row[1] for ws in book.worksheets
              for row in ws.iter_rows(min_row=4, max_col=2, values_only=True)
              if isinstance(row[0], int)]
    assert sorted(listed) == sorted(r["uscc"] for r in runs.stored_rows(county, run)
                                    if r["group"])
