"""Importing a project file (发改/商务): validated whole, applied all-or-nothing (docs/projects.md).

A project file speaks only for the cells it fills, as every department file (docs/store.md): an
empty cell leaves the stored value alone; a value equal to the stored one changes nothing, so
re-importing a file is a no-op. A new ``project_id`` adds the project with a history entry for each
dated stage (and its current stage, undated if the file gives no date). For a known project, a
later stage moves it forward; a given date sets or corrects that stage's forward entry. A file
cannot move a project back (that needs a reason, on the project's page) and its dates must keep the
history in time order; any such row, like any bad cell, rejects the whole file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mujun.engine.projects.stages import STAGE_NAMES, STAGE_ORDER, STAGES
from mujun.io.problems import InputError, Problem, sort_problems
from mujun.io.projects import DATE_COLUMNS, ProjectRecord, read_projects
from mujun.services import audit
from mujun.services.imports import ImportResult, Progress
from mujun.services.projects.access import DEPARTMENT
from mujun.store.models import ImportBatch, Project, ProjectStage, User
from mujun.store.models.base import utcnow

#: the project's own columns a file may set (an empty cell: not given)
FIELDS = ("name", "planned_investment_wan", "actual_investment_wan", "lead", "parcel_code",
          "uscc", "industry_code")
LIMITS = {"name": 200, "lead": 64, "parcel_code": 64, "industry_code": 8}


@dataclass
class _Change:
    record: ProjectRecord
    project: Project | None
    values: dict[str, Any] = field(default_factory=dict)
    #: (stage, date or None) entries to add, in stage order
    new_entries: list[tuple[str, date | None]] = field(default_factory=list)
    #: existing forward entries whose date the file sets or corrects
    redated: list[tuple[ProjectStage, date]] = field(default_factory=list)
    stage: str | None = None

    @property
    def writes(self) -> bool:
        return bool(self.values or self.new_entries or self.redated or self.stage)


def _file_values(r: ProjectRecord) -> dict[str, Any]:
    return {"name": r.name, "planned_investment_wan": r.planned_investment_wan,
            "actual_investment_wan": r.actual_investment_wan, "lead": r.lead,
            "parcel_code": r.parcel_id, "uscc": r.uscc, "industry_code": r.industry_code}


def _plan(file: str, r: ProjectRecord, project: Project | None,
          problems: list[Problem]) -> _Change:
    change = _Change(r, project)
    for key, value in _file_values(r).items():
        if isinstance(value, str) and len(value) > LIMITS.get(key, 10**6):
            problems.append(Problem(file, r.line, key, value[:40],
                                    f"超过 {LIMITS[key]} 个字符 (too long)"))
        elif value is not None and (project is None or getattr(project, key) != value):
            change.values[key] = value
    if project is None:
        change.stage = r.stage
        change.new_entries = [(s, r.stage_dates.get(s)) for s in STAGES
                              if s in r.stage_dates or s == r.stage]
        return change
    current = STAGE_ORDER[project.stage]
    if STAGE_ORDER[r.stage] < current:
        problems.append(Problem(
            file, r.line, "stage", STAGE_NAMES[r.stage],
            f"项目已处于{STAGE_NAMES[project.stage]}阶段，导入不能使阶段倒退；"
            "倒退须在项目页面填写原因 "
            "(a file cannot move a project back)"))
        return change
    forward = {row.stage: row for row in project.stages if row.reason is None}
    for stage, day in r.stage_dates.items():
        row = forward.get(stage)
        if row is not None and row.entered_on != day:
            change.redated.append((row, day))
        elif row is None and STAGE_ORDER[stage] > current:
            change.new_entries.append((stage, day))
    if STAGE_ORDER[r.stage] > current:
        change.stage = r.stage
        if r.stage not in r.stage_dates:
            change.new_entries.append((r.stage, None))
    if stage_dates_out_of_order(project, change):
        problems.append(Problem(file, r.line, DATE_COLUMNS[r.stage], None,
                                "日期与库中已记录的阶段日期先后不一致 "
                                "(the dates would not follow the recorded stages in time)"))
    return change


def stage_dates_out_of_order(project: Project, change: _Change) -> bool:
    """The history after the change, read in the order recorded, goes back in time."""
    redated = {id(row): day for row, day in change.redated}
    days = [redated.get(id(row), row.entered_on) for row in project.stages]
    days += [day for _, day in change.new_entries]
    known = [d for d in days if d is not None]
    return any(b < a for a, b in pairwise(known))


def import_projects(*, session: Session, actor: User | None, path: str | Path, year: int,
                    progress: Progress | None = None, now: datetime | None = None) -> ImportResult:
    """Validate ``path`` as a project file and apply it if it has no error (the caller commits)."""
    report = progress or (lambda phase, done, total: None)
    report("validate", 0, 1)
    sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    try:
        parsed = read_projects(path)
    except InputError as exc:
        return ImportResult(DEPARTMENT, year, str(path), sha, 0, [exc.problem])
    result = ImportResult(DEPARTMENT, year, parsed.file, sha, parsed.rows_read,
                          list(parsed.problems))
    codes = [r.project_id for r in parsed.records]
    known = {p.code: p for p in session.scalars(
        select(Project).where(Project.code.in_(codes)).options(selectinload(Project.stages)))}
    problems: list[Problem] = []
    changes = [_plan(parsed.file, r, known.get(r.project_id), problems) for r in parsed.records]
    result.problems = sort_problems([*result.problems, *problems])
    report("validate", 1, 1)
    writes = [c for c in changes if c.writes]
    result.unchanged = len(changes) - len(writes)
    if result.errors or not writes:
        return result
    _apply(session, actor, writes, result, now or utcnow())
    result.applied = True
    return result


def _apply(session: Session, actor: User | None, writes: list[_Change], result: ImportResult,
           now: datetime) -> None:
    batch = ImportBatch(department=DEPARTMENT, year=result.year,
                        file_name=Path(result.file).name[:255], file_sha256=result.sha256,
                        rows=result.rows, actor_id=actor.id if actor else None, at=now)
    session.add(batch)
    session.flush()
    result.batch_id = batch.id
    actor_id = actor.id if actor else None
    for c in writes:
        project = c.project
        if project is None:
            project = Project(code=c.record.project_id, stage=c.stage, **c.values)
            session.add(project)
            result.inserted += 1
        else:
            for key, value in c.values.items():
                setattr(project, key, value)
            if c.stage is not None:
                project.stage = c.stage
            result.updated += 1
        for row, day in c.redated:
            row.entered_on = day
        for stage, entered in c.new_entries:
            project.stages.append(ProjectStage(stage=stage, entered_on=entered, recorded_at=now,
                                               recorded_by_id=actor_id))
    audit.record(session=session, actor=actor, action="import", entity="import",
                 entity_id=batch.id, at=now,
                 summary=f"{DEPARTMENT} {batch.file_name}: {result.inserted} new projects, "
                         f"{result.updated} changed",
                 after={"file": batch.file_name, "sha256": result.sha256, "rows": result.rows,
                        "inserted": result.inserted, "updated": result.updated,
                        "projects": [c.record.project_id for c in writes][:500]})
    batch.inserted, batch.updated = result.inserted, result.updated
    session.flush()
