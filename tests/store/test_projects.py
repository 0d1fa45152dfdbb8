"""Investment projects in the store: the 发改/商务 import (all-or-nothing, re-import no-op, empty =
not given), stage moves (forward, back with a reason, audited, dates in time order), 滞后 with an
injected day, and the landed investment the 百 target reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from store_helpers import write_csv

from mujun.services.errors import InvalidInput, PermissionDenied
from mujun.services.imports import import_file
from mujun.services.projects import queries
from mujun.services.projects.stages import lag, move_stage
from mujun.services.schemas import UserCreate
from mujun.services.users import create_user
from mujun.store.models import AuditRecord, ImportBatch, Project, User

HEADER = ["project_id", "name", "stage", "planned_investment_wan", "actual_investment_wan",
          "lead", "parcel_id", "uscc", "signed", "industry_code", "negotiating_on",
          "land_supplied_on", "under_construction_on", "completed_on", "producing_on",
          "attained_on"]
ROWS: list[list[object]] = [
    ["XM1", "甲项目", "under_construction", 5000, 1800, "县长", "P-1", "", "2021-03-01", "31",
     "2020-11-02", "2021-06-30", "2021-09-15", "", "", ""],
    ["XM2", "乙项目", "signed", 8000, "", "副县长", "", "", "2020-05-01", "33", "", "", "", "", "",
     ""],
    ["XM3", "丙项目", "producing", 3000, 3100, "县长", "", "", "2021-01-10", "34", "", "",
     "2021-05-01", "2022-03-01", "2022-06-01", ""],
    ["XM4", "丁项目", "洽谈", 900, "", "县长", "", "", "", "35", "2025-06-01", "", "", "", "", ""],
]
LIMITS = {"negotiating": 180, "signed": 90, "land_supplied": 365, "under_construction": 730}


def _import(session: Session, actor: User | None, path: Path):
    result = import_file(session=session, actor=actor, path=path, department_code="devreform",
                         year=2025)
    session.commit()
    return result


def _project(session: Session, code: str) -> Project:
    project = session.scalar(select(Project).where(Project.code == code))
    assert project is not None
    return project


def _move(session: Session, actor: User, code: str, **given: Any) -> Project:
    return move_stage(session=session, actor=actor, project_id=_project(session, code).id,
                      **given)


def _history(project: Project) -> list[tuple[str, date | None, str | None]]:
    return [(r.stage, r.entered_on, r.reason) for r in project.stages]


@pytest.fixture
def loaded(session: Session, admin: User, tmp_path: Path) -> Path:
    path = write_csv(tmp_path / "projects.csv", HEADER, ROWS)
    result = _import(session, admin, path)
    assert result.ok and result.applied, result.problems
    assert (result.inserted, result.updated, result.unchanged) == (4, 0, 0)
    return path


def test_import_adds_projects_with_their_stage_history(session: Session, loaded: Path) -> None:
    xm1 = _project(session, "XM1")
    assert (xm1.stage, xm1.planned_investment_wan, xm1.actual_investment_wan, xm1.lead,
            xm1.parcel_code, xm1.uscc) == ("under_construction", 5000.0, 1800.0, "县长", "P-1",
                                           None)
    assert _history(xm1) == [("negotiating", date(2020, 11, 2), None),
                             ("signed", date(2021, 3, 1), None),
                             ("land_supplied", date(2021, 6, 30), None),
                             ("under_construction", date(2021, 9, 15), None)]
    assert _history(_project(session, "XM4")) == [("negotiating", date(2025, 6, 1), None)]
    batch = session.scalars(select(ImportBatch)).one()
    assert (batch.department, batch.rows, batch.inserted) == ("devreform", 4, 4)


def test_reimport_changes_nothing(session: Session, admin: User, loaded: Path) -> None:
    result = _import(session, admin, loaded)
    assert result.ok and not result.applied
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 4)
    assert session.query(ImportBatch).count() == 1


def test_an_empty_cell_keeps_the_stored_value_and_a_later_stage_moves_forward(
        session: Session, admin: User, loaded: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "update.csv",
                     ["project_id", "name", "stage", "actual_investment_wan", "completed_on"],
                     [["XM1", "甲项目", "completed", "", "2023-02-01"]])
    result = _import(session, admin, path)
    assert result.applied and (result.updated, result.inserted) == (1, 0)
    xm1 = _project(session, "XM1")
    assert (xm1.stage, xm1.actual_investment_wan, xm1.planned_investment_wan) == \
        ("completed", 1800.0, 5000.0)
    assert _history(xm1)[-1] == ("completed", date(2023, 2, 1), None)


def test_a_bad_row_rejects_the_whole_file(session: Session, admin: User, loaded: Path,
                                          tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", ["project_id", "name", "stage", "planned_investment_wan",
                                            "signed"],
                     [["XM9", "新项目", "signed", 100, "2024-01-01"],
                      ["XM3", "丙项目", "signed", "", ""],          # back from 投产
                      ["XM2", "乙项目", "signed", "", "2019-01-01"]])  # corrects a date: fine
    result = _import(session, admin, path)
    assert not result.applied
    assert [(p.line, p.column, p.value) for p in result.errors] == [(3, "stage", "签约")]
    assert "导入不能使阶段倒退" in result.errors[0].reason
    assert session.scalar(select(Project).where(Project.code == "XM9")) is None
    assert _project(session, "XM2").stages[0].entered_on == date(2020, 5, 1)


def test_file_dates_must_follow_the_recorded_history(session: Session, admin: User, loaded: Path,
                                                     tmp_path: Path) -> None:
    path = write_csv(tmp_path / "late.csv", ["project_id", "name", "stage", "land_supplied_on"],
                     [["XM2", "乙项目", "land_supplied", "2020-01-01"]])
    result = _import(session, admin, path)
    assert [(p.line, p.column) for p in result.errors] == [(2, "land_supplied_on")]
    assert _project(session, "XM2").stage == "signed"


def test_only_the_devreform_clerk_and_the_admin_import_projects(
        session: Session, admin: User, loaded: Path) -> None:
    tax = create_user(session=session, actor=admin, user_in=UserCreate(
        username="c-tax", role="clerk", department="tax"))
    with pytest.raises(PermissionDenied):
        _import(session, tax, loaded)
    clerk = create_user(session=session, actor=admin, user_in=UserCreate(
        username="c-dev", role="clerk", department="devreform"))
    assert _import(session, clerk, loaded).ok


def test_forward_move_is_audited_and_shown_in_the_history(session: Session, admin: User,
                                                          loaded: Path) -> None:
    _move(session, admin, "XM2", stage="land_supplied",
               on=date(2021, 2, 1), today=date(2025, 1, 1))
    session.commit()
    xm2 = _project(session, "XM2")
    assert xm2.stage == "land_supplied"
    assert _history(xm2)[-1] == ("land_supplied", date(2021, 2, 1), None)
    entry = session.scalars(select(AuditRecord).where(AuditRecord.entity == "project")).one()
    assert (entry.action, entry.entity_id, entry.before, entry.after) == (
        "project.stage", "XM2", {"stage": "signed"},
        {"stage": "land_supplied", "on": "2021-02-01", "reason": None})


def test_a_step_back_needs_a_reason_and_is_audited(session: Session, admin: User,
                                                   loaded: Path) -> None:
    with pytest.raises(InvalidInput, match="阶段倒退须填写原因"):
        _move(session, admin, "XM3", stage="completed",
                   on=date(2023, 1, 1), today=date(2025, 1, 1), reason="  ")
    _move(session, admin, "XM3", stage="completed", on=date(2023, 1, 1),
               today=date(2025, 1, 1), reason="设备故障停产整改")
    session.commit()
    xm3 = _project(session, "XM3")
    assert (xm3.stage, _history(xm3)[-1]) == (
        "completed", ("completed", date(2023, 1, 1), "设备故障停产整改"))
    entry = session.scalars(select(AuditRecord).where(AuditRecord.entity == "project")).one()
    assert entry.action == "project.stage_back" and entry.after == {
        "stage": "completed", "on": "2023-01-01", "reason": "设备故障停产整改"}
    # the stage on a day reads the history, the step back included
    assert queries.stage_at(xm3, date(2022, 12, 31)) == "producing"
    assert queries.stage_at(xm3, date(2023, 1, 1)) == "completed"


@pytest.mark.parametrize(("on", "message"), [
    (date(2021, 9, 14), "早于上一次阶段变更的日期 2021-09-15"),
    (date(2025, 1, 2), "晚于今天"),
])
def test_move_dates_stay_in_time_order(session: Session, admin: User, loaded: Path, on: date,
                                       message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        _move(session, admin, "XM1", stage="completed", on=on,
                   today=date(2025, 1, 1))
    assert _project(session, "XM1").stage == "under_construction"


def test_readers_cannot_move_stages(session: Session, admin: User, loaded: Path) -> None:
    leader = create_user(session=session, actor=admin, user_in=UserCreate(
        username="lead", role="leader", lead_title="县长"))
    with pytest.raises(PermissionDenied):
        _move(session, leader, "XM1", stage="completed",
                   on=date(2024, 1, 1), today=date(2025, 1, 1))


def test_behind_when_longer_in_the_stage_than_the_policy_allows(session: Session,
                                                                 loaded: Path) -> None:
    xm2 = _project(session, "XM2")  # signed on 2020-05-01, 90 days allowed
    assert lag(xm2, date(2020, 7, 30), LIMITS).behind is False  # day 90
    on_91 = lag(xm2, date(2020, 7, 31), LIMITS)
    assert (on_91.since, on_91.days, on_91.limit, on_91.behind) == (date(2020, 5, 1), 91, 90, True)
    # 投产 has no limit here
    assert lag(_project(session, "XM3"), date(2030, 1, 1), LIMITS).behind is False


def test_landed_investment_counts_projects_signed_since_the_programme_and_under_way(
        session: Session, loaded: Path) -> None:
    # XM1 (signed 2021-03-01, 开工 2021-09-15, 1800) and XM3 (signed 2021-01-10, 开工 2021-05-01,
    # 3100); XM2 was signed in 2020, XM4 only negotiates
    assert queries.landed_investment(session, 2020, 2021) == 0
    assert [p.code for p in queries.landed_projects(session, 2021, 2021)] == ["XM1", "XM3"]
    assert queries.landed_investment(session, 2021, 2021) == 4900.0
    assert queries.landed_investment(session, 2025, 2020) == 4900.0
    assert queries.landed_investment(session, 2025, 2022) == 0
