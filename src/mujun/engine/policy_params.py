"""What every policy key means: title (Chinese and English), unit and meaning, kept once beside the
policy model (OpenFisca's parameter metadata), and the policy read as a table of parameters.

:data:`PARAMS` is keyed by the key paths of :func:`key_paths`
(``groups.<group>.indicators.<id>.weight`` — the same paths ``docs/policy.md`` documents);
``tests/policy/test_policy_docs.py`` checks that the model, this table and the docs list the same
keys. :func:`parameter_rows` gives the effective
policy as rows (key path, titles, value, unit) for the 评价办法 page; :func:`parameter_changes`
compares two policies row by row (what changed from one stored version to the next).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from mujun.engine.fields import FIELD_BY_KEY, INCIDENT_TYPES, LAND_MU
from mujun.engine.labels import BONUS_ZH, indicator_unit
from mujun.engine.policy import ClassRates, Policy
from mujun.engine.policy_errors import unwrap
from mujun.engine.programmes.registers import TALENT_ZH
from mujun.engine.projects.stages import STAGE_NAMES
from mujun.engine.texts import N_

#: how a key path writes the keys of a mapping whose keys the county chooses
PLACEHOLDER = {"groups": "<group>", "indicators": "<id>"}


def key_paths(model: type[BaseModel] = Policy, prefix: str = "",
              seen: set[type] | None = None) -> list[str]:
    """Every key path a policy file can hold. A sub-model is listed key by key the first time it
    occurs (later, e.g. a group's `benchmark`, as one key); rates per class {A, B, C, D} as one."""
    seen = set() if seen is None else seen
    seen.add(model)
    out: list[str] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{field.alias or name}"
        tp: Any = unwrap(field.annotation)
        is_model = isinstance(tp, type) and issubclass(tp, BaseModel)
        if is_model and not issubclass(tp, ClassRates) and tp not in seen:
            out += key_paths(tp, f"{path}.", seen)
            continue
        out.append(path)
        if get_origin(tp) is dict:
            value = unwrap(get_args(tp)[1])
            if isinstance(value, type) and issubclass(value, BaseModel) and value not in seen:
                out += key_paths(value, f"{path}.{PLACEHOLDER[name]}.", seen)
    return out


@dataclass(frozen=True)
class Param:
    """One policy key for people: what it is called, its unit and what it decides."""

    title: str
    title_en: str
    unit: str
    unit_en: str
    meaning: str
    meaning_en: str


def _p(title: str, title_en: str, unit: str, unit_en: str, meaning: str, meaning_en: str) -> Param:
    return Param(title, title_en, unit, unit_en, meaning, meaning_en)


_IND = "指标单位"
PARAMS: dict[str, Param] = {
    "name": _p("办法代号", "Identifier", "", "", "选用办法时使用的代号，随每个评价批次记录",
               "the name used to choose the policy; recorded with each run"),
    "title": _p("办法名称", "Title", "", "", "办法的正式名称，显示在报表和公示名单上",
                "the policy's title on reports and the public notice list"),
    "years.from": _p("适用起始年度", "First year", "年", "year", "办法适用的第一个评价年度",
                     "first evaluation year the policy applies to"),
    "years.to": _p("适用截止年度", "Last year", "年", "year",
                   "办法适用的最后一个评价年度（含）；空表示长期有效",
                   "last evaluation year (inclusive); empty = open"),
    "scope.min_full_years_in_production": _p(
        "投产满年限", "Full years in production", "年", "years",
        "投产不满规定年限的企业免评（新投产）",
        "enterprises in production for fewer years are exempt as new"),
    "scope.below_scale_min_land_mu": _p(
        "规下企业参评最小用地", "Least land of a below-scale enterprise", "亩", "mu",
        "用地少于此面积的规下企业免评", "below-scale enterprises with less land are exempt"),
    "cap": _p("单项得分上限倍数", "Score cap", "倍", "× weight",
              "单项指标得分最多为权重的若干倍；分母为零且取最优时按此倍数计",
              "an indicator scores at most cap × weight; also the ratio of a best zero "
              "denominator"),
    "benchmark.method": _p("基准值算法", "Benchmark method", "", "",
                           "总量比（Σ分子/Σ分母）、平均数、中位数或办法给定的固定值",
                           "aggregate (Σnumerator/Σdenominator), mean, median or a fixed number"),
    "benchmark.by": _p("基准值分组", "Benchmark by", "", "",
                       "不填为全组一个基准值；按行业则在同行业企业足够多时按行业计算",
                       "empty = one benchmark per group; industry = per industry with enough "
                       "peers"),
    "benchmark.min_peers": _p("行业基准最少企业数", "Least peers for an industry benchmark",
                              "家", "enterprises", "一个行业在组内至少有这么多企业才单独计算基准值",
                              "an industry needs this many enterprises of the group for its own"),
    "benchmark.value": _p("固定基准值", "Fixed benchmark", _IND, "indicator unit",
                          "固定算法在此层级给定的基准值",
                          "the benchmark of a fixed method given here"),
    "groups": _p("评价组别", "Groups", "", "", "参评的组别：规上、规下",
                 "the groups evaluated: above scale, below scale"),
    "groups.<group>.title": _p("组别名称", "Group title", "", "", "组别在报表上的名称",
                               "the group's heading on reports"),
    "groups.<group>.indicators": _p("评价指标", "Indicators", "", "",
                                    "组内的评价指标，权重合计 100",
                                    "the group's indicators; weights sum to 100"),
    "groups.<group>.indicators.<id>.title": _p("指标名称", "Indicator title", "", "",
                                               "指标的中文名称", "the indicator's Chinese name"),
    "groups.<group>.indicators.<id>.numerator": _p("分子", "Numerator", "", "",
                                                   "指标的分子字段", "the field divided"),
    "groups.<group>.indicators.<id>.denominator": _p("分母", "Denominator", "", "",
                                                     "指标的分母字段", "the field divided by"),
    "groups.<group>.indicators.<id>.weight": _p("权重", "Weight", "分", "points",
                                                "指标的满分权重，组内合计 100",
                                                "the indicator's weight; the group's sum to 100"),
    "groups.<group>.indicators.<id>.scale": _p("换算倍数", "Scale", "倍", "×",
                                               "指标值乘以此倍数（100 即换算为百分比）",
                                               "multiplies the value (100 turns a share into %)"),
    "groups.<group>.indicators.<id>.zero_denominator": _p(
        "分母为零时", "Zero denominator", "", "",
        "比值记零，或按上限计（无能耗、无排放为最优）",
        "zero: ratio 0; best: the cap (no energy use, no emissions)"),
    "groups.<group>.indicators.<id>.benchmark": _p("指标基准设置", "Indicator benchmark", "", "",
                                                   "本指标的基准值设置，覆盖组别和办法的设置",
                                                   "this indicator's benchmark settings"),
    "groups.<group>.indicators.<id>.value": _p("固定基准值", "Fixed benchmark", _IND,
                                               "indicator unit", "固定算法时本指标的基准值",
                                               "the benchmark when the method is fixed"),
    "groups.<group>.classification.method": _p(
        "分档方法", "Classing method", "", "",
        "按组内排名比例分档，或按得分线分档",
        "percentile: by rank share; threshold: by score"),
    "groups.<group>.classification.A": _p("A 档线", "Class A line", "比例或分", "share or points",
                                          "按比例：排名比例不超过此值为 A 档；"
                                          "按分数：得分不低于此值",
                                          "percentile: A if rank/N ≤ it; "
                                          "threshold: A if score ≥ it"),
    "groups.<group>.classification.B": _p("B 档线", "Class B line", "比例或分", "share or points",
                                          "同 A 档线，用于 B 档", "as class A, for class B"),
    "groups.<group>.classification.C": _p("C 档线", "Class C line", "比例或分", "share or points",
                                          "同 A 档线，用于 C 档；其余为 D 档",
                                          "as class A, for class C; everyone else is D"),
    "groups.<group>.cap": _p("组别得分上限倍数", "Group score cap", "倍", "× weight",
                             "本组的单项得分上限倍数", "the cap for this group"),
    "groups.<group>.benchmark": _p("组别基准设置", "Group benchmark", "", "",
                                   "本组的基准值设置，覆盖办法的设置",
                                   "the group's benchmark settings"),
    "adjustments.bonus": _p("加分项", "Bonus points", "分", "points",
                            "高新技术企业、专精特新、上市企业、省级以上研发机构的加分",
                            "points for high-tech, specialised, listed, R&D centre"),
    "adjustments.bonus_cap": _p("加分上限", "Bonus cap", "分", "points", "加分合计不超过此值",
                                "the bonus sum is capped here"),
    "adjustments.penalty_per_incident": _p("每起事件扣分", "Penalty per incident", "分", "points",
                                           "评价年度内每起此类事件扣除的分数",
                                           "points subtracted per incident of the year"),
    "adjustments.veto": _p("一票否决事项", "Veto incidents", "", "",
                           "评价年度内发生任一此类事件即评为 D 档",
                           "any of these in the year makes the enterprise class D"),
    "low_efficiency.tax_per_mu_below": _p("低效用地亩均税收线", "Low-efficiency line", "万元/亩",
                                          "10k yuan/mu",
                                          "亩均税收低于此值（或评为 D 档）即为低效用地",
                                          "tax per mu below it (or class D) flags the enterprise"),
    "pricing.electricity_surcharge_yuan_per_kwh": _p(
        "差别化电价加价", "Electricity surcharge", "元/千瓦时", "yuan/kWh",
        "按评价档次加收的电价", "surcharge on the power price per class"),
    "pricing.water_surcharge_yuan_per_t": _p("差别化水价加价", "Water surcharge", "元/吨",
                                             "yuan/t", "按评价档次加收的水价",
                                             "surcharge on the water price per class"),
    "pricing.land_use_tax_reduction": _p("城镇土地使用税减免比例", "Land-use tax reduction", "%",
                                         "%", "按评价档次减免的城镇土地使用税比例",
                                         "share of the land-use tax reduced per class"),
    "pricing.land_use_tax_yuan_per_m2": _p("城镇土地使用税税额", "Land-use tax rate",
                                           "元/平方米/年", "yuan/m²/year",
                                           "未提供应纳税额时用于计算减免",
                                           "used for the reduction when the tax due is not given"),
    "notice_days": _p("公示天数", "Notice days", "天", "days", "评价结果公示期内企业可以申诉",
                      "days a published result is open to appeal"),
    "projects.stage_max_days": _p("项目各阶段最长停留天数", "Days allowed per project stage", "天",
                                  "days", "项目在某一阶段停留超过此天数即为滞后；未列出的阶段不限",
                                  "a project longer in a stage than this is behind; "
                                  "a stage left out has no limit"),
    "targets.base_year": _p("基准年", "Base year", "年", "year",
                            "五个翻番以此年度数值的两倍为目标",
                            "five doublings: each goal is twice this year's value"),
    "targets.target_year": _p("目标年", "Target year", "年", "year", "各项目标的完成年度",
                              "the year the goals are for"),
    "targets.programme_from": _p("累计起始年", "Counting from", "年", "year",
                                 "百亿投资、千名人才、万亩平台、亿元惠企自此年 1 月 1 日起累计",
                                 "investment, talent, land and benefits count from 1 January of "
                                 "this year"),
    "targets.pillar_industries": _p("支柱产业行业代码", "Pillar industries", "", "",
                                    "一个支柱产业所含的国民经济行业大类（或更细的代码前缀）",
                                    "GB/T 4754 major classes (or longer code prefixes) of the "
                                    "pillar industry"),
    "targets.goals.pillar_revenue_wan": _p("支柱产业营业收入目标", "Pillar industry goal", "万元",
                                           "10k yuan",
                                           "一个支柱产业：支柱行业企业营业收入之和的目标",
                                           "goal for the pillar industries' revenue"),
    "targets.goals.satisfaction": _p("三服务满意度目标", "Satisfaction goal", "分", "points",
                                     "十分满意：三服务诉求办结评分（1–10）平均值的目标",
                                     "goal for the mean rating (1–10) of closed service requests"),
    "targets.goals.investment_wan": _p("工业投资落地目标", "Investment landed goal", "万元",
                                       "10k yuan",
                                       "百亿工业投资落地：开工及以后阶段项目实际投资之和的目标",
                                       "goal for the actual investment of projects under "
                                       "construction or later"),
    "targets.goals.talent": _p("人才引育目标", "Talent goal", "人", "people",
                               "千名优秀人才：累计引育人才人数的目标",
                               "goal for the people recruited since the programme began"),
    "targets.goals.land_mu": _p("产业平台目标", "Platform land goal", "亩", "mu",
                                "万亩产业平台：处置完成面积与新供标准地面积累计之和的目标",
                                "goal for land freed by disposal plus standard land acquired"),
    "targets.goals.benefit_wan": _p("政策惠企目标", "Policy benefit goal", "万元", "10k yuan",
                                    "亿元政策惠企：城镇土地使用税减免与奖补兑现累计之和的目标",
                                    "goal for land-use tax reductions plus incentives paid"),
    "targets.six_hundred": _p("六百工程人才类别", "Six-hundred programme categories", "", "",
                              "六百工程的六类人才，每类目标 100 人",
                              "the six talent categories of the six-hundred programme, 100 each"),
    "awards.leaders_per_group": _p("领跑者名额", "Leaders per group", "家", "enterprises",
                                   "亩均效益领跑者：每组评为 A 档且未被否决的得分最高企业数",
                                   "per-mu efficiency leaders: the best-scoring class-A "
                                   "enterprises named per group"),
    "land.idle_fee_share": _p(
        "土地闲置费比例", "Idle-land fee share", "比例", "share",
        "闲置满一年的地块按出让价款的该比例征收土地闲置费",
        "share of the land price charged as the idle-land fee after a year idle"),
    "land.tax_penalty_multiplier": _p(
        "亩均税收违约金系数", "Tax shortfall penalty multiplier", "倍", "times",
        "亩均税收未达承诺：违约金 = 系数 × 差额（万元/亩）× 地块亩数",
        "tax per mu short of the commitment: penalty = this × shortfall × the parcel's mu"),
    "land.investment_penalty_multiplier": _p(
        "投资强度违约金系数", "Investment shortfall penalty multiplier", "倍", "times",
        "投资强度未达承诺：违约金 = 出让价款 × 差额比例 × 系数",
        "investment intensity short: penalty = land price × shortfall share × this"),
    "land.plot_ratio_penalty_multiplier": _p(
        "容积率违约金系数", "Plot ratio shortfall penalty multiplier", "倍", "times",
        "容积率未达承诺：违约金 = 出让价款 × 差额比例 × 系数",
        "plot ratio short: penalty = land price × shortfall share × this"),
    "monitoring.min_baseline_months": _p(
        "用电基线最少月数", "Least months of the power baseline", "个月", "months",
        "用电基线（M−13 至 M−2 这 12 个月的月均用电量）至少要有这么多个月的读数",
        "the baseline (mean kWh of the 12 months M−13 … M−2) needs at least this many readings"),
    "monitoring.stop_share": _p(
        "停产预警比例", "Stop warning share", "比例", "share",
        "当月和上月用电量都低于基线的该比例时发出停产预警",
        "a stop warning when the kWh of this month and of the last are each below this share "
        "of the baseline"),
    "monitoring.decline_share": _p(
        "减产预警降幅", "Decline warning drop", "比例", "share",
        "近三个月用电量比上年同期下降该比例或更多时发出减产预警",
        "a decline warning when the last three months' kWh is this share or more below the "
        "same months a year earlier"),
}


#: one piece of a shown value: a Chinese label (translated where it is shown; "" for none) and
#: text shown as it is (a number, a title); ``("高新技术企业", "5")``
Part = tuple[str, str]


@dataclass(frozen=True)
class ParamRow:
    """One parameter of one policy as shown: the key as written, its metadata and its value."""

    key: str
    param: Param
    #: the group and the indicator (its Chinese title) a row belongs to; None at the top level
    group: str | None
    indicator: str | None
    value: tuple[Part, ...]
    unit: str
    unit_en: str
    #: the value is an identifier (the policy's name), shown as code
    code: bool = False


_INCIDENT_ZH = {t.code: t.label_zh for t in INCIDENT_TYPES}
#: the values of the keys that take one of a few words
_WORD_ZH = {"aggregate": N_("总量比"), "mean": N_("平均数"), "median": N_("中位数"),
            "fixed": N_("固定值"), "industry": N_("按行业"), "percentile": N_("按排名比例"),
            "threshold": N_("按得分线"), "zero": N_("比值记零"), "best": N_("按上限计")}
_LAND_MU = N_("用地面积(亩)")
_OPEN = N_("不限")
_MIN_PEERS = N_("行业最少企业数")


def _field(name: str) -> str:
    return _LAND_MU if name == LAND_MU else FIELD_BY_KEY[name].header_zh


def _num(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))  # 1000000, not 1e+06
    return f"{value:g}"


def _parts(key: str, value: Any) -> tuple[Part, ...]:
    """A value as labelled pieces: labels in Chinese (the page translates them), numbers as they
    are."""
    if value is None:
        return ((_OPEN, ""),) if key == "years.to" else (("", "—"),)
    if isinstance(value, bool):
        return ((N_("是") if value else N_("否"), ""),)
    if isinstance(value, int | float):
        return (("", _num(value * 100 if key == "pricing.land_use_tax_reduction" else value)),)
    if key.endswith((".numerator", ".denominator")):
        return ((_field(value), ""),)
    if isinstance(value, str) and value in _WORD_ZH:
        return ((_WORD_ZH[value], ""),)
    if isinstance(value, list) and key == "targets.pillar_industries":
        return tuple(("", str(v)) for v in value)
    if isinstance(value, list):
        return tuple((_INCIDENT_ZH.get(v, TALENT_ZH.get(v, str(v))), "") for v in value)
    if isinstance(value, dict):
        labels = {**BONUS_ZH, **_INCIDENT_ZH, **STAGE_NAMES, "min_peers": _MIN_PEERS}
        out: list[Part] = []
        for k, v in value.items():
            inner = _parts(key, v)[0]
            out.append((labels.get(k, inner[0] if not inner[1] else k), inner[1]))
        return tuple(out)
    return ((str(value), ""),) if key != "name" else (("", str(value)),)


#: the top-level keys that hold a section of keys
_SECTIONS = ("years", "scope", "benchmark", "adjustments", "low_efficiency", "pricing", "targets",
             "awards", "land", "projects", "monitoring")


def _rows_of(data: dict[str, Any], policy: Policy) -> list[ParamRow]:
    out: list[ParamRow] = []

    def add(key: str, pattern: str, value: Any, group: str | None = None,
            indicator: str | None = None, unit: tuple[str, str] | None = None) -> None:
        param = PARAMS[pattern]
        if value is None and pattern not in ("years.to", "benchmark.by"):
            return  # an optional key that only means "inherit"
        units = ("", "") if value is None else unit or (param.unit, param.unit_en)
        out.append(ParamRow(key, param, group, indicator, _parts(pattern, value), *units,
                            code=pattern == "name"))

    for top, value in data.items():
        if top == "groups":
            continue
        if isinstance(value, dict) and top in _SECTIONS:
            for sub, v in value.items():
                path = f"{top}.{sub}"
                if isinstance(v, dict) and path not in PARAMS:  # a sub-section: targets.goals
                    for leaf, w in v.items():
                        add(f"{path}.{leaf}", f"{path}.{leaf}", w)
                else:
                    add(path, path, v)
        else:
            add(top, top, value)
    for group, g in data["groups"].items():
        prefix = f"groups.{group}"
        add(f"{prefix}.title", "groups.<group>.title", g["title"], group)
        units = {i.id: indicator_unit(i) for i in policy.resolved(group)}
        for ind_id, ind in g["indicators"].items():
            for sub, v in ind.items():
                unit = (units[ind_id], units[ind_id]) if sub == "value" else None
                add(f"{prefix}.indicators.{ind_id}.{sub}",
                    f"groups.<group>.indicators.<id>.{sub}", v, group, ind["title"], unit)
        for sub, v in g["classification"].items():
            add(f"{prefix}.classification.{sub}", f"groups.<group>.classification.{sub}", v,
                group)
        for sub in ("cap", "benchmark"):
            add(f"{prefix}.{sub}", f"groups.<group>.{sub}", g.get(sub), group)
    return out


def parameter_rows(policy: Policy) -> list[ParamRow]:
    """The effective policy (defaults applied) as parameter rows, in the model's key order."""
    data = policy.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["years"].setdefault("to", None)
    data["benchmark"].setdefault("by", None)
    return _rows_of(data, policy)


@dataclass(frozen=True)
class ParamChange:
    """One parameter whose value differs between two policies (``(("", "—"),)`` where one lacks
    it)."""

    key: str
    param: Param
    group: str | None
    indicator: str | None
    old: tuple[Part, ...]
    new: tuple[Part, ...]
    unit: str
    unit_en: str
    code: bool = False


_MISSING: tuple[Part, ...] = (("", "—"),)


def parameter_changes(old: Policy, new: Policy) -> list[ParamChange]:
    """Every parameter of ``new`` whose value differs from ``old``, then those ``new`` dropped."""
    before = {r.key: r for r in parameter_rows(old)}
    after = {r.key: r for r in parameter_rows(new)}
    out = []
    for key in [*after, *(k for k in before if k not in after)]:
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and (a.value, a.unit) == (b.value, b.unit):
            continue
        row = after[key] if b is not None else before[key]
        out.append(ParamChange(key, row.param, row.group, row.indicator,
                               a.value if a else _MISSING, b.value if b else _MISSING,
                               row.unit, row.unit_en, row.code))
    return out
