"""The stages of an investment project, in order, and the 滞后 (behind) rule.

洽谈 → 签约 → 供地 → 开工 → 竣工 → 投产 → 达产. A project is 滞后 when it has stayed in its current
stage longer than the policy allows for that stage (``projects.stage_max_days``); the last stage
(达产) has no limit. The rule lives here once; the day it is judged on is always passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from mujun.engine.texts import N_

#: stage codes in pipeline order with their Chinese names
STAGE_NAMES: dict[str, str] = {
    "negotiating": N_("洽谈"), "signed": N_("签约"), "land_supplied": N_("供地"),
    "under_construction": N_("开工"), "completed": N_("竣工"), "producing": N_("投产"),
    "attained": N_("达产"),
}
STAGES: tuple[str, ...] = tuple(STAGE_NAMES)
STAGE_ORDER: dict[str, int] = {s: i for i, s in enumerate(STAGES)}
#: the stages that count as landed investment (落地): 开工 and later (targets.md §2 百)
LANDED_FROM = "under_construction"


def stage_index(stage: str) -> int:
    """The stage's position in the pipeline; ValueError for an unknown code."""
    try:
        return STAGE_ORDER[stage]
    except KeyError:
        raise ValueError(f"unknown project stage {stage!r} (known: {', '.join(STAGES)})") from None


def is_landed(stage: str) -> bool:
    return stage_index(stage) >= STAGE_ORDER[LANDED_FROM]


def days_in_stage(entered: date | None, today: date) -> int | None:
    """Whole days since the stage was entered; None when its date is not known."""
    return None if entered is None else (today - entered).days


def is_behind(stage: str, entered: date | None, today: date,
              stage_max_days: Mapping[str, int]) -> bool:
    """滞后: in ``stage`` since ``entered`` for longer than ``stage_max_days[stage]`` days.

    A stage without a limit (达产, or one the policy leaves out) and a stage whose start date is not
    known are never behind."""
    limit = stage_max_days.get(stage)
    days = days_in_stage(entered, today)
    return limit is not None and days is not None and days > limit
