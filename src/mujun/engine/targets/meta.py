"""What each target is called and counted in, and the words the targets use (kept once)."""

from __future__ import annotations

from mujun.engine.texts import N_

#: key → (title, unit); the keys of targets.md, in its order: 五个翻番, then 个十百千万亿
TARGETS: dict[str, tuple[str, str]] = {
    "above_scale_output": (N_("规上工业产值"), N_("万元")),
    "rd_expense": (N_("规上研发费用"), N_("万元")),
    "va_per_mu": (N_("亩均增加值"), N_("万元/亩")),
    "tax_per_mu": (N_("亩均税收"), N_("万元/亩")),
    "industrial_investment": (N_("工业投资"), N_("万元")),
    "pillar_revenue_wan": (N_("一个支柱产业"), N_("万元")),
    "satisfaction": (N_("十分满意"), N_("分")),
    "investment_wan": (N_("百亿工业投资落地"), N_("万元")),
    "talent": (N_("千名优秀人才"), N_("人")),
    "land_mu": (N_("万亩产业平台"), N_("亩")),
    "benefit_wan": (N_("亿元政策惠企"), N_("万元")),
}

#: 六百工程 and the other talent categories of the register (demo/files.md, talent.csv)
TALENT_ZH = {
    "industrial_engineer": N_("产业工程师"),
    "tea_master": N_("金牌茶师"),
    "skilled_craftsman": N_("高技能工匠"),
    "resident_artist": N_("艺术家入驻乡村"),
    "returning_doctor": N_("博士反哺家乡"),
    "teacher_doctor": N_("高学历教师医师"),
    "excellent_talent": N_("其他优秀人才"),
}

#: each 六百工程 category's goal: 100 people
SIX_HUNDRED_EACH = 100

#: an investment project's stages, in order (洽谈 → … → 达产)
PROJECT_STAGES = ("negotiating", "signed", "land_supplied", "under_construction", "completed",
                  "producing", "attained")
#: the first stage that counts an investment as landed (开工)
LANDED_FROM = "under_construction"
