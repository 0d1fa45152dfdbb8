"""The land rules' vocabulary in Chinese (pages translate it through the catalogue,
docs/translations.md; ``services/labels.py`` lists it with every other label)."""

from __future__ import annotations

from mujun.engine.texts import N_

#: land.md §2, in the order the rule tries them
IDLE_STATUS_ZH: dict[str, str] = {
    "reserve": N_("储备用地"),
    "no_agreement": N_("未约定动工日期"),
    "started": N_("已动工"),
    "on_schedule": N_("未到约定动工日期"),
    "excused": N_("延迟动工（免责）"),
    "reclaimable": N_("可收回"),
    "idle": N_("闲置"),
    "late": N_("逾期未动工"),
}
DELAY_CAUSE_ZH: dict[str, str] = {"government": N_("政府原因"), "force_majeure": N_("不可抗力")}
#: land.md §3
REVIEW_STATUS_ZH: dict[str, str] = {
    "due": N_("本年复核"), "not_yet": N_("未到复核年度"), "past": N_("复核年度已过"),
    "unknown": N_("复核年度不明"),
}
MEASURE_ZH: dict[str, str] = {
    "investment_intensity": N_("投资强度"), "plot_ratio": N_("容积率"),
    "tax_per_mu": N_("亩均税收"), "energy_per_va": N_("单位增加值能耗"),
}
MEASURE_STATUS_ZH: dict[str, str] = {
    "not_committed": N_("未承诺"), "missing": N_("缺数据"), "attained": N_("达标"),
    "breach": N_("未达标"),
}
