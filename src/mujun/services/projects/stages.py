"""Moving a project through its stages, and reading its stage history (docs/projects.md).

Forward moves need only a date; a step back needs a reason. Each move's date is on or after the
latest date already recorded and not after today, so the history reads in time order. Every move
is audited. 滞后 is judged by ``engine.projects.stages.is_behind`` with the policy's
``projects.stage_max_days`` and a ``today`` the caller passes (the web's clock).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from mujun.engine.projects.stages import STAGE_ORDER, days_in_stage, is_behind
from mujun.engine.texts import N_
from mujun.services import audit
from mujun.services.errors import InvalidInput, NotFound
from mujun.services.policies.choice import policy_for
from mujun.services.projects.access import require_manage
from mujun.store.models import Project, ProjectStage, User

REASON_LIMIT = 500


@dataclass(frozen=True)
class Lag:
    """How long a project has been in its stage, against the policy's limit for that stage."""

    since: date | None
    days: int | None
    limit: int | None
    behind: bool


def stage_limits(session: Session, today: date) -> Mapping[str, int]:
    """``projects.stage_max_days`` of the policy that applies to ``today``'s year."""
    return policy_for(session, today.year).policy.projects.stage_max_days


def entered_current(project: Project) -> date | None:
    """The day the project entered its current stage (its latest entry of that stage)."""
    for row in reversed(project.stages):
        if row.stage == project.stage:
            return row.entered_on
    return None


def lag(project: Project, today: date, limits: Mapping[str, int]) -> Lag:
    since = entered_current(project)
    return Lag(since, days_in_stage(since, today), limits.get(project.stage),
               is_behind(project.stage, since, today, limits))


def last_date(project: Project) -> date | None:
    dated = [r.entered_on for r in project.stages if r.entered_on is not None]
    return max(dated) if dated else None


def move_stage(*, session: Session, actor: User, project_id: int, stage: str, on: date,
               today: date, reason: str | None = None) -> Project:
    """Move project ``project_id`` to ``stage`` on day ``on``; a step back needs ``reason``."""
    require_manage(actor)
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(N_("没有您可查看的项目 #%(id)s"), id=project_id)
    if stage not in STAGE_ORDER:
        raise InvalidInput(N_("未知的项目阶段 %(stage)s"), stage=stage)
    if stage == project.stage:
        raise InvalidInput(N_("项目已处于该阶段"))
    if on > today:
        raise InvalidInput(N_("日期 %(on)s 晚于今天"), on=on.isoformat())
    latest = last_date(project)
    if latest is not None and on < latest:
        raise InvalidInput(N_("日期 %(on)s 早于上一次阶段变更的日期 %(latest)s"),
                           on=on.isoformat(), latest=latest.isoformat())
    back = STAGE_ORDER[stage] < STAGE_ORDER[project.stage]
    reason = (reason or "").strip() or None
    if back and reason is None:
        raise InvalidInput(N_("阶段倒退须填写原因"))
    if reason is not None and len(reason) > REASON_LIMIT:
        raise InvalidInput(N_("原因不能超过 500 个字符"))
    before = project.stage
    project.stages.append(ProjectStage(stage=stage, entered_on=on,
                                       reason=reason if back else None,
                                       recorded_by_id=actor.id))
    project.stage = stage
    audit.record(session=session, actor=actor,
                 action="project.stage_back" if back else "project.stage", entity="project",
                 entity_id=project.code,
                 summary=f"{project.code} {before} → {stage} ({on.isoformat()})"
                         + (f": {reason}" if back else ""),
                 before={"stage": before},
                 after={"stage": stage, "on": on.isoformat(), "reason": reason if back else None})
    session.flush()
    return project
