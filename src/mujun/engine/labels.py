"""Chinese and English labels of the output columns, groups, classes and exemption reasons.

Used by every place that shows results to people (Excel headers, explanations, pages), so a
column is named the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from mujun.engine.fields import FIELD_BY_KEY, INCIDENT_TYPES, LAND_MU
from mujun.engine.policy import Policy, ResolvedIndicator
from mujun.engine.texts import N_

GROUP_ZH = {"above": N_("规上工业企业"), "below": N_("规下工业企业")}
EXEMPT_ZH = {
    "new": N_("投产未满规定年限"),
    "no_land": N_("无用地"),
    "small_land": N_("规下且用地不足规定亩数"),
    "out_of_scope": N_("不在本办法参评范围"),
}
INCIDENT_ZH = {t.code: t.label_zh for t in INCIDENT_TYPES}
BONUS_ZH = {
    "high_tech": N_("高新技术企业"),
    "specialized": N_("专精特新"),
    "listed": N_("上市企业"),
    "rd_center": N_("省级以上研发机构"),
}

_HEAD_ZH = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "group": "组别",
    "exempt_reason": "免评原因",
    "vetoed": "一票否决",
    "veto_reason": "否决原因",
    "score": "综合得分",
    "base_score": "基础得分",
    "bonus": "加分",
    "penalty": "扣分",
    "rank": "组内排名",
    "class": "评价档次",
    "electricity_surcharge_wan": "差别化电价加价(万元)",
    "water_surcharge_wan": "差别化水价加价(万元)",
    "land_tax_reduction_wan": "城镇土地使用税减免(万元)",
    "low_efficiency": "低效用地",
    "next_class": "提档目标",
    "extra_tax_to_next_class_wan": "提档需增实缴税收(万元)",
    "warnings": "数据提示",
}


def _field_unit(name: str) -> str:
    return N_("亩") if name == LAND_MU else FIELD_BY_KEY[name].unit


def translate_unit(unit: str, translate: Callable[[str], str]) -> str:
    """A composed unit (``万元/亩``) in another language, part by part (``10k yuan/mu``)."""
    return "/".join(translate(part) for part in unit.split("/"))


def indicator_unit(ind: ResolvedIndicator) -> str:
    """The unit of an indicator's value, e.g. 万元/亩; a scale of 100 reads as percent."""
    if ind.scale == 100 and _field_unit(ind.numerator) == _field_unit(ind.denominator):
        return "%"
    return f"{_field_unit(ind.numerator)}/{_field_unit(ind.denominator)}"


def column_headers_zh(policy: Policy) -> dict[str, str]:
    """Chinese header of every §8 column for this policy."""
    headers = dict(_HEAD_ZH)
    for group in policy.groups:
        for ind in policy.resolved(group):
            unit = indicator_unit(ind)
            headers.setdefault(f"value_{ind.id}", f"{ind.title}({unit})")
            headers.setdefault(f"benchmark_{ind.id}", f"{ind.title}基准值({unit})")
            headers.setdefault(f"score_{ind.id}", f"{ind.title}得分")
    return headers
