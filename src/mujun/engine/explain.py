"""The explanation of one enterprise's result: every point of its score, in words its owner reads.

``explain`` gathers the numbers from an :class:`Evaluation` (nothing is recomputed here: the
points, ratios and benchmarks are the engine's own); ``render_zh`` writes them as Chinese text.
The same :class:`Explanation` is stored with every run result and shown on the portrait page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pyarrow as pa

from mujun.engine.evaluate import UNREACHABLE, Evaluation
from mujun.engine.fields import BONUS_FLAGS, FIELD_BY_KEY, LAND_MU
from mujun.engine.labels import BONUS_ZH, EXEMPT_ZH, GROUP_ZH, INCIDENT_ZH, indicator_unit
from mujun.engine.policy import policy_hash


@dataclass(frozen=True)
class IndicatorLine:
    id: str
    title: str
    unit: str
    numerator: str
    denominator: str
    value: float | None
    benchmark: float | None
    ratio: float | None
    cap: float
    weight: float
    points: float | None
    warning: str | None


@dataclass(frozen=True)
class Explanation:
    uscc: str
    name: str | None
    year: int
    policy_name: str
    policy_hash: str
    group: str | None
    exempt_reason: str | None
    indicators: list[IndicatorLine] = field(default_factory=list)
    base_score: float | None = None
    bonus_flags: list[tuple[str, float]] = field(default_factory=list)
    bonus: float | None = None
    bonus_cap: float | None = None
    penalties: list[tuple[str, float]] = field(default_factory=list)
    penalty: float | None = None
    raw_score: float | None = None
    score: float | None = None
    vetoed: bool | None = None
    veto_reason: list[str] = field(default_factory=list)
    rank: int | None = None
    population_size: int | None = None
    klass: str | None = None
    next_class: str | None = None
    extra_tax_wan: float | None = None
    unreachable: bool = False
    electricity_surcharge_wan: float | None = None
    water_surcharge_wan: float | None = None
    land_tax_reduction_wan: float | None = None
    low_efficiency: bool | None = None
    land_mu: float | None = None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _year_incidents(incidents: pa.Table | None, uscc: str, year: int) -> list[str]:
    if incidents is None or incidents.num_rows == 0:
        return []
    rows = incidents.select(["uscc", "year", "type"]).to_pylist()
    return [r["type"] for r in rows if r["uscc"] == uscc and r["year"] == year]


def explain(ev: Evaluation, uscc: str, incidents: pa.Table | None = None) -> Explanation | None:
    """The explanation of ``uscc`` in ``ev``; None when the enterprise is not in the table."""
    row = ev.row(uscc)
    if row is None:
        return None
    base = dict(
        uscc=row["uscc"],
        name=row["name"],
        year=ev.year,
        policy_name=ev.policy.name,
        policy_hash=policy_hash(ev.policy),
        group=row["group"],
        exempt_reason=row["exempt_reason"],
    )
    group = row["group"]
    if group is None:
        return Explanation(**base)
    warnings = row["warnings"].split("; ") if row["warnings"] else []
    lines = []
    for ind in ev.policy.resolved(group):
        warning = "; ".join(w for w in warnings if w.startswith(f"{ind.id}:")) or None
        lines.append(
            IndicatorLine(
                id=ind.id,
                title=ind.title,
                unit=indicator_unit(ind),
                numerator=ind.numerator,
                denominator=ind.denominator,
                value=row[f"value_{ind.id}"],
                benchmark=row[f"benchmark_{ind.id}"],
                ratio=row[f"ratio_{ind.id}"],
                cap=ind.cap,
                weight=ind.weight,
                points=row[f"score_{ind.id}"],
                warning=warning,
            )
        )
    adj = ev.policy.adjustments
    flags = [(f, float(adj.bonus[f])) for f in BONUS_FLAGS if f in adj.bonus and row.get(f)]
    types = _year_incidents(incidents, uscc, ev.year)
    penalties = [
        (t, float(adj.penalty_per_incident[t])) for t in types if t in adj.penalty_per_incident
    ]
    extra = row["extra_tax_to_next_class_wan"]
    return Explanation(
        **base,
        indicators=lines,
        base_score=row["base_score"],
        bonus_flags=flags,
        bonus=row["bonus"],
        bonus_cap=float(adj.bonus_cap),
        penalties=penalties,
        penalty=row["penalty"],
        raw_score=row["raw_score"],
        score=row["score"],
        vetoed=row["vetoed"],
        veto_reason=row["veto_reason"].split(";") if row["veto_reason"] else [],
        rank=row["rank"],
        population_size=row["population_size"],
        klass=row["class"],
        next_class=row["next_class"],
        extra_tax_wan=float(extra) if extra not in (None, UNREACHABLE) else None,
        unreachable=extra == UNREACHABLE,
        electricity_surcharge_wan=row["electricity_surcharge_wan"],
        water_surcharge_wan=row["water_surcharge_wan"],
        land_tax_reduction_wan=row["land_tax_reduction_wan"],
        low_efficiency=row["low_efficiency"],
        land_mu=row["land_mu"],
        warnings=warnings,
    )


def _n(x: float | None, digits: int = 4) -> str:
    """A number for people: rounded for display only, trailing zeros dropped."""
    if x is None:
        return "—"
    text = f"{x:,.{digits}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # no "−0" (docs/numbers.md)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _warning_zh(warning: str) -> str:
    """``tax_per_mu: tax_paid missing`` → ``实缴税收(万元) 缺失``."""
    parts = []
    for piece in warning.split("; "):
        _, _, rest = piece.partition(": ")
        name, _, what = rest.rpartition(" ")
        label = (
            "用地面积"
            if name == LAND_MU
            else FIELD_BY_KEY[name].header_zh
            if name in FIELD_BY_KEY
            else name
        )
        parts.append(f"{label} {'缺失' if what == 'missing' else '为负数'}")
    return "；".join(parts)


def render_zh(e: Explanation) -> str:
    """The explanation as Chinese text for the enterprise's owner."""
    out = [
        f"{e.name or ''}（统一社会信用代码 {e.uscc}）",
        f"{e.year} 年度亩均效益综合评价 · 评价办法 {e.policy_name}（{e.policy_hash[:12]}）",
    ]
    if e.group is None:
        reason = EXEMPT_ZH.get(e.exempt_reason or "", e.exempt_reason or "")
        out.append(f"本年度不参评：{reason}。")
        return "\n".join(out)
    out.append(f"参评组别：{GROUP_ZH.get(e.group, e.group)}；用地 {_n(e.land_mu)} 亩。")
    out.append("")
    out.append("一、指标得分（得分 = 权重 × min(实际值 ÷ 基准值, 上限)）")
    for i in e.indicators:
        out.append(
            f"  {i.title}：实际 {_n(i.value)} {i.unit}，基准 {_n(i.benchmark)} {i.unit}，"
            f"比值 {_n(i.ratio)}（上限 {_n(i.cap)}），权重 {_n(i.weight)}，得 {_n(i.points)} 分"
        )
        if i.warning:
            out.append(f"    此项按 0 计：{_warning_zh(i.warning)}")
    out.append(f"  基础得分合计 {_n(e.base_score)} 分")
    out.append("")
    out.append("二、加分与扣分")
    if e.bonus_flags:
        parts = "、".join(f"{BONUS_ZH.get(f, f)} +{_n(p)}" for f, p in e.bonus_flags)
        out.append(f"  加分：{parts}；合计不超过 {_n(e.bonus_cap)} 分，实际加 {_n(e.bonus)} 分")
    else:
        out.append("  加分：无")
    if e.penalties:
        parts = "、".join(f"{INCIDENT_ZH.get(t, t)} −{_n(p)}" for t, p in e.penalties)
        out.append(f"  扣分：{parts}；合计扣 {_n(e.penalty)} 分")
    else:
        out.append(f"  扣分：{_n(e.penalty)} 分")
    out.append(
        f"  综合得分 = {_n(e.base_score)} + {_n(e.bonus)} − {_n(e.penalty)}"
        f" = {_n(e.raw_score)}，保留四位小数为 {_n(e.score)} 分"
    )
    out.append("")
    out.append("三、排名与档次")
    if e.vetoed:
        reasons = "、".join(INCIDENT_ZH.get(t, t) for t in e.veto_reason)
        out.append(f"  一票否决（{reasons}）：直接评为 D 档，不参与排名。")
    else:
        out.append(f"  组内排名 第 {e.rank} 名 / 共 {e.population_size} 家，评为 {e.klass} 档。")
    out.append("")
    out.append("四、提档路径")
    if e.vetoed or e.klass == "A":
        out.append(
            "  无（已是 A 档或被一票否决）。"
            if not e.vetoed
            else "  被一票否决，本年度无提档路径。"
        )
    elif e.next_class is None:
        out.append("  上一档本年度无企业，无可比提档目标。")
    elif e.unreachable:
        out.append(f"  仅靠增加实缴税收无法升到 {e.next_class} 档，需同时提升其他指标。")
    else:
        out.append(
            f"  其他条件不变，实缴税收再增加 {_n(e.extra_tax_wan, 2)} 万元，即可达到 "
            f"{e.next_class} 档的最低得分。"
        )
    out.append("")
    out.append("五、资源要素差别化（按档次）")
    out.append(
        f"  用电加价 {_n(e.electricity_surcharge_wan)} 万元；用水加价 "
        f"{_n(e.water_surcharge_wan)} 万元；城镇土地使用税减免 "
        f"{_n(e.land_tax_reduction_wan)} 万元。"
    )
    if e.low_efficiency:
        out.append("  本企业用地列入低效用地（腾笼换鸟）名单。")
    return "\n".join(out)
