"""The investment-project file (招商/重大项目, ``projects.csv``; docs/projects.md).

One row per project: ``project_id, name, stage`` (a code or its Chinese name),
``planned_investment_wan, actual_investment_wan`` (万元), ``lead`` (招商领导, a role title),
``parcel_id, uscc, signed`` (the date of 签约), ``industry_code`` and the date each other stage was
entered: ``negotiating_on, land_supplied_on, under_construction_on, completed_on, producing_on,
attained_on``. Headers may be
the keys or their Chinese names. An empty cell is "not given". A row is refused (with its line) for
an unreadable cell, a repeated ``project_id``, a date for a stage the project has not reached, or
dates that go back in time from one stage to the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mujun.engine.projects.stages import STAGE_NAMES, STAGE_ORDER, STAGES
from mujun.io.problems import Problem, sort_problems
from mujun.io.records import Column, FileRecords, Record, read_records

_STAGE_CHOICES = {c: c for c in STAGES} | {zh: c for c, zh in STAGE_NAMES.items()}
#: the column holding the date each stage was entered (签约's is the historical ``signed``)
DATE_COLUMNS: dict[str, str] = {s: "signed" if s == "signed" else f"{s}_on" for s in STAGES}
_DATE_HEADERS = {"negotiating": "洽谈日期", "signed": "签约日期", "land_supplied": "供地日期",
                 "under_construction": "开工日期", "completed": "竣工日期",
                 "producing": "投产日期", "attained": "达产日期"}

PROJECT_COLUMNS = (
    Column("project_id", "项目编号", required=True, unique=True),
    Column("name", "项目名称", required=True),
    Column("stage", "阶段", required=True, choices=_STAGE_CHOICES),
    Column("planned_investment_wan", "计划投资（万元）", "number"),
    Column("actual_investment_wan", "实际投资（万元）", "number"),
    Column("lead", "牵头领导"),
    Column("parcel_id", "地块编号"),
    Column("uscc", "统一社会信用代码", "uscc"),
    Column("industry_code", "行业代码"),
    *(Column(DATE_COLUMNS[s], _DATE_HEADERS[s], "date") for s in STAGES),
    # read so that the demo file raises no unknown-column warning; not kept
    Column("stage_zh", "阶段名称"),
)


@dataclass(frozen=True)
class ProjectRecord:
    line: int
    project_id: str
    name: str
    stage: str
    planned_investment_wan: float | None
    actual_investment_wan: float | None
    lead: str | None
    parcel_id: str | None
    uscc: str | None
    industry_code: str | None
    #: the date each stage was entered, for the stages whose date is given (pipeline order)
    stage_dates: dict[str, date]

    @property
    def signed(self) -> date | None:
        return self.stage_dates.get("signed")


ProjectsInput = FileRecords[ProjectRecord]


def read_projects(path: str | Path) -> ProjectsInput:
    """Read a project file; :class:`~mujun.io.problems.InputError` when it is unusable."""
    checked = read_records(path, PROJECT_COLUMNS)
    problems = list(checked.problems)
    records = []
    for r in checked.records:
        found = _date_problems(checked.file, r, checked.labels)
        if found:
            problems.extend(found)
            continue
        v = r.values
        records.append(ProjectRecord(
            line=r.line, project_id=v["project_id"], name=v["name"], stage=v["stage"],
            planned_investment_wan=v["planned_investment_wan"],
            actual_investment_wan=v["actual_investment_wan"], lead=v["lead"],
            parcel_id=v["parcel_id"], uscc=v["uscc"], industry_code=v["industry_code"],
            stage_dates={s: v[DATE_COLUMNS[s]] for s in STAGES if v[DATE_COLUMNS[s]] is not None},
        ))
    return ProjectsInput(checked.file, records, sort_problems(problems), checked.rows_read)


def _date_problems(file: str, record: Record, labels: Mapping[str, str]) -> list[Problem]:
    """A date for a stage not reached yet, or a stage entered before the one ahead of it."""
    v = record.values
    reached = STAGE_ORDER[v["stage"]]
    problems = []
    previous: tuple[str, date] | None = None
    for stage in STAGES:
        key = DATE_COLUMNS[stage]
        day = v[key]
        if day is None:
            continue
        label = labels.get(key, key)
        if STAGE_ORDER[stage] > reached:
            problems.append(Problem(
                file, record.line, label, day.isoformat(),
                f"项目尚未到达{STAGE_NAMES[stage]}阶段，不应有此日期 "
                "(a date for a stage not reached)"))
        elif previous is not None and day < previous[1]:
            problems.append(Problem(
                file, record.line, label, day.isoformat(),
                f"早于{STAGE_NAMES[previous[0]]}日期 {previous[1].isoformat()} "
                "(earlier than the previous stage's date)"))
        previous = (stage, day)
    return problems
