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

#: each 六百工程 category's goal: 100 people
SIX_HUNDRED_EACH = 100
