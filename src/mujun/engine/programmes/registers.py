"""The programmes' vocabulary and rules (targets.md §2–§3), pure: the talent categories, the
股改上市 stages, the incentive programmes and the safety-award window."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mujun.engine.texts import N_

#: 六百工程: six categories, each with a goal of 100 people (targets.md §2, 千)
SIX_HUNDRED_ZH = {
    "industrial_engineer": N_("产业工程师"),
    "tea_master": N_("金牌茶师"),
    "skilled_craftsman": N_("高技能工匠"),
    "resident_artist": N_("艺术家入驻乡村"),
    "returning_doctor": N_("博士反哺家乡"),
    "teacher_doctor": N_("高学历教师医师"),
}
SIX_HUNDRED = tuple(SIX_HUNDRED_ZH)
SIX_HUNDRED_GOAL = 100
#: every talent category: the six and 其他优秀人才; 千名优秀人才 counts them all
TALENT_ZH = {**SIX_HUNDRED_ZH, "excellent_talent": N_("其他优秀人才")}
TALENT_CATEGORIES = tuple(TALENT_ZH)

#: 股改 → 辅导 → 申报 → 上市, in order
IPO_STAGE_ZH = {"reform": N_("股改"), "tutoring": N_("辅导"), "filed": N_("申报"),
                "listed": N_("上市")}
IPO_STAGES = tuple(IPO_STAGE_ZH)

#: the programmes of the incentive payments (奖补兑现)
PROGRAMME_ZH = {
    "per_mu_award": N_("亩均效益奖励"),
    "tech_upgrade": N_("技改补助"),
    "specialized": N_("专精特新奖励"),
    "listing": N_("上市奖励"),
    "talent": N_("人才奖补"),
    "other": N_("其他奖补"),
}
PROGRAMMES = tuple(PROGRAMME_ZH)

#: incidents that bar the safety award (企业生产安全鼎)
SAFETY_INCIDENTS = ("safety_major", "safety_general")
#: the award of year Y looks at Y−2 … Y
SAFETY_YEARS = 3


def safety_window(year: int) -> range:
    """The years whose safety incidents bar the award of ``year``: Y−2 … Y."""
    return range(year - SAFETY_YEARS + 1, year + 1)


@dataclass(frozen=True)
class IncidentSeen:
    """An incident as the safety rule reads it."""

    year: int
    type: str


def blocking_incidents(incidents: Iterable[IncidentSeen], year: int) -> list[IncidentSeen]:
    """The incidents that bar an enterprise from the safety award of ``year`` (none: eligible),
    newest first."""
    window = safety_window(year)
    hits = [i for i in incidents if i.type in SAFETY_INCIDENTS and i.year in window]
    return sorted(hits, key=lambda i: -i.year)


def category_counts(categories: Iterable[str]) -> dict[str, int]:
    """People per talent category, every category present (0 when none)."""
    counts = dict.fromkeys(TALENT_CATEGORIES, 0)
    for c in categories:
        counts[c] = counts.get(c, 0) + 1
    return counts
