"""The explanation of one enterprise's result: every point of its score, in words its owner reads.

``explain`` gathers the numbers from an :class:`Evaluation` (nothing is recomputed here: the
points, ratios and benchmarks are the engine's own); ``render`` writes them as text, Chinese or
through a translation.
The same :class:`Explanation` is stored with every run result and shown on the portrait page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

import pyarrow as pa

from mujun.engine.evaluate import UNREACHABLE, Evaluation
from mujun.engine.fields import BONUS_FLAGS, FIELD_BY_KEY, LAND_MU
from mujun.engine.labels import (
    BONUS_ZH,
    EXEMPT_ZH,
    GROUP_ZH,
    INCIDENT_ZH,
    indicator_unit,
    translate_unit,
)
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
        """As :func:`dataclasses.asdict` gives it: the form a run stores."""
        out = {name: getattr(self, name) for name in _EXPLANATION_FIELDS}
        out["indicators"] = [{name: getattr(i, name) for name in _LINE_FIELDS}
                             for i in self.indicators]
        for name in ("bonus_flags", "penalties", "veto_reason", "warnings"):
            out[name] = list(out[name])
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explanation:
        """The explanation of :meth:`to_dict` (also as it comes back from JSON: lists for
        tuples; keys it does not know are left out)."""
        values = {k: v for k, v in data.items() if k in _EXPLANATION_FIELDS}
        values["indicators"] = [IndicatorLine(**i) for i in values.get("indicators") or []]
        for key in ("bonus_flags", "penalties"):
            values[key] = [tuple(x) for x in values.get(key) or []]
        return cls(**values)


_EXPLANATION_FIELDS = tuple(f.name for f in fields(Explanation))
_LINE_FIELDS = tuple(f.name for f in fields(IndicatorLine))


def _year_incidents(incidents: pa.Table | None, uscc: str, year: int) -> list[str]:
    return incidents_by_uscc(incidents, year).get(uscc, [])


def incidents_by_uscc(incidents: pa.Table | None, year: int) -> dict[str, list[str]]:
    """The year's incident types of each enterprise, in the table's order."""
    out: dict[str, list[str]] = {}
    if incidents is None or incidents.num_rows == 0:
        return out
    columns = incidents.select(["uscc", "year", "type"]).to_pydict()
    for code, when, kind in zip(columns["uscc"], columns["year"], columns["type"], strict=True):
        if when == year:
            out.setdefault(code, []).append(kind)
    return out


def explain(ev: Evaluation, uscc: str, incidents: pa.Table | None = None) -> Explanation | None:
    """The explanation of ``uscc`` in ``ev``; None when the enterprise is not in the table."""
    row = ev.row(uscc)
    if row is None:
        return None
    return Explanation.from_dict(
        Explainer(ev).as_dict(row, _year_incidents(incidents, uscc, ev.year)))


def explain_all(ev: Evaluation, incidents: pa.Table | None = None) -> Iterator[dict[str, Any]]:
    """The explanation of every row of ``ev`` in the table's order, as :meth:`Explanation.to_dict`
    gives it: what :func:`explain` gives for each enterprise, in one pass over the table and
    without the objects (a run stores every row's)."""
    explainer = Explainer(ev)
    by_uscc = incidents_by_uscc(incidents, ev.year)
    for batch in ev.detail.to_batches(max_chunksize=5_000):  # not every row as objects at once
        for row in batch.to_pylist():
            yield explainer.as_dict(row, by_uscc.get(row["uscc"], []))


#: the explanation of an enterprise outside the groups (exempt), after its first fields
EXEMPT = Explanation("", None, 0, "", "", None, None).to_dict()


class Explainer:
    """What every row of one evaluation shares (the policy's hash, its indicators per group),
    worked out once."""

    def __init__(self, ev: Evaluation) -> None:
        self.ev = ev
        self.hash = policy_hash(ev.policy)
        self.indicators = {
            g: [(ind.id, {"id": ind.id, "title": ind.title, "unit": indicator_unit(ind),
                          "numerator": ind.numerator, "denominator": ind.denominator},
                 {"cap": ind.cap, "weight": ind.weight})
                for ind in ev.policy.resolved(g)]
            for g in ev.policy.groups
        }
        adj = ev.policy.adjustments
        self.bonus = [(f, float(adj.bonus[f])) for f in BONUS_FLAGS if f in adj.bonus]
        self.penalty = {t: float(p) for t, p in adj.penalty_per_incident.items()}
        self.bonus_cap = float(adj.bonus_cap)

    def as_dict(self, row: dict[str, Any], incident_types: list[str]) -> dict[str, Any]:
        """The explanation of one row of the evaluation's detail table, as
        :meth:`Explanation.to_dict` gives it."""
        group = row["group"]
        out = {**EXEMPT, "uscc": row["uscc"], "name": row["name"], "year": self.ev.year,
               "policy_name": self.ev.policy.name, "policy_hash": self.hash, "group": group,
               "exempt_reason": row["exempt_reason"]}
        if group is None:
            return {**out, **{k: list(v) for k, v in out.items() if isinstance(v, list)}}
        warnings = row["warnings"].split("; ") if row["warnings"] else []
        lines = []
        for ind_id, head, tail in self.indicators[group]:
            warning = "; ".join(w for w in warnings if w.startswith(f"{ind_id}:")) or None
            lines.append({**head, "value": row[f"value_{ind_id}"],
                          "benchmark": row[f"benchmark_{ind_id}"],
                          "ratio": row[f"ratio_{ind_id}"], **tail,
                          "points": row[f"score_{ind_id}"], "warning": warning})
        extra = row["extra_tax_to_next_class_wan"]
        out.update(
            indicators=lines,
            base_score=row["base_score"],
            bonus_flags=[(f, points) for f, points in self.bonus if row.get(f)],
            bonus=row["bonus"],
            bonus_cap=self.bonus_cap,
            penalties=[(t, self.penalty[t]) for t in incident_types if t in self.penalty],
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
        return out


def _n(x: float | None, digits: int = 4) -> str:
    """A number for people: rounded for display only, trailing zeros dropped."""
    if x is None:
        return "—"
    text = f"{x:,.{digits}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # no "−0" (docs/numbers.md)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _same(text: str) -> str:
    return text


def _warning(warning: str, _: Callable[[str], str]) -> str:
    """``tax_per_mu: tax_paid missing`` → ``实缴税收(万元) 缺失``."""
    parts = []
    for piece in warning.split("; "):
        _key, _sep, rest = piece.partition(": ")
        name, _sep, what = rest.rpartition(" ")
        label = (
            _("用地面积")
            if name == LAND_MU
            else _(FIELD_BY_KEY[name].header_zh)
            if name in FIELD_BY_KEY
            else name
        )
        state = _("缺失") if what == "missing" else _("为负数")
        parts.append(f"{label} {state}")
    return _("；").join(parts)


def render(e: Explanation, _: Callable[[str], str] = _same, policy_title: str | None = None) -> str:
    """The explanation as text for the enterprise's owner: Chinese, or the language of the
    translation ``_`` (a gettext function; the texts are in the catalogue, docs/translations.md).
    """
    def n(x: float | None, digits: int = 4) -> str:
        return _n(x, digits)

    def label(labels: dict[str, str], key: str | None) -> str:
        return _(labels.get(key or "", key or ""))

    sep = _("、")
    out = [
        _("%(name)s（统一社会信用代码 %(uscc)s）") % {"name": e.name or "", "uscc": e.uscc},
        _("%(year)s 年度亩均效益综合评价 · 评价办法 %(policy)s（%(hash)s）") % {
            "year": e.year, "policy": policy_title or e.policy_name, "hash": e.policy_hash[:12]},
    ]
    if e.group is None:
        out.append(_("本年度不参评：%(reason)s。") % {"reason": label(EXEMPT_ZH, e.exempt_reason)})
        return "\n".join(out)
    out.append(_("参评组别：%(group)s；用地 %(mu)s 亩。") % {
        "group": label(GROUP_ZH, e.group), "mu": n(e.land_mu)})
    out.append("")
    out.append(_("一、指标得分（得分 = 权重 × 取小值(实际值 ÷ 基准值, 上限)）"))
    for i in e.indicators:
        unit = translate_unit(i.unit, _)
        out.append("  " + _("%(title)s：实际 %(value)s %(unit)s，基准 %(benchmark)s %(unit)s，"
                            "比值 %(ratio)s（上限 %(cap)s），权重 %(weight)s，得 %(points)s 分") % {
            "title": _(i.title), "value": n(i.value), "unit": unit, "benchmark": n(i.benchmark),
            "ratio": n(i.ratio), "cap": n(i.cap), "weight": n(i.weight), "points": n(i.points)})
        if i.warning:
            out.append("    " + _("此项按 0 计：%(why)s") % {"why": _warning(i.warning, _)})
    out.append("  " + _("基础得分合计 %(points)s 分") % {"points": n(e.base_score)})
    out.append("")
    out.append(_("二、加分与扣分"))
    if e.bonus_flags:
        parts = sep.join(f"{label(BONUS_ZH, f)} +{n(p)}" for f, p in e.bonus_flags)
        out.append("  " + _("加分：%(parts)s；合计不超过 %(cap)s 分，实际加 %(points)s 分") % {
            "parts": parts, "cap": n(e.bonus_cap), "points": n(e.bonus)})
    else:
        out.append("  " + _("加分：无"))
    if e.penalties:
        parts = sep.join(f"{label(INCIDENT_ZH, t)} −{n(p)}" for t, p in e.penalties)
        out.append("  " + _("扣分：%(parts)s；合计扣 %(points)s 分") % {
            "parts": parts, "points": n(e.penalty)})
    else:
        out.append("  " + _("扣分：%(points)s 分") % {"points": n(e.penalty)})
    out.append("  " + _("综合得分 = %(base)s + %(bonus)s − %(penalty)s = %(raw)s，"
                        "保留四位小数为 %(score)s 分") % {
        "base": n(e.base_score), "bonus": n(e.bonus), "penalty": n(e.penalty),
        "raw": n(e.raw_score), "score": n(e.score)})
    out.append("")
    out.append(_("三、排名与档次"))
    if e.vetoed:
        reasons = sep.join(label(INCIDENT_ZH, t) for t in e.veto_reason)
        out.append("  " + _("一票否决（%(reasons)s）：直接评为 D 档，不参与排名。") % {
            "reasons": reasons})
    else:
        out.append("  " + _("组内排名 第 %(rank)s 名 / 共 %(size)s 家，评为 %(klass)s 档。") % {
            "rank": e.rank, "size": e.population_size, "klass": e.klass})
    out.append("")
    out.append(_("四、提档路径"))
    if e.vetoed:
        out.append("  " + _("被一票否决，本年度无提档路径。"))
    elif e.klass == "A":
        out.append("  " + _("无（已是 A 档或被一票否决）。"))
    elif e.next_class is None:
        out.append("  " + _("上一档本年度无企业，无可比提档目标。"))
    elif e.unreachable:
        out.append("  " + _("仅靠增加实缴税收无法升到 %(klass)s 档，需同时提升其他指标。") % {
            "klass": e.next_class})
    else:
        out.append("  " + _("其他条件不变，实缴税收再增加 %(tax)s 万元，"
                            "即可达到 %(klass)s 档的最低得分。") % {
            "tax": n(e.extra_tax_wan, 2), "klass": e.next_class})
    out.append("")
    out.append(_("五、资源要素差别化（按档次）"))
    out.append("  " + _("用电加价 %(power)s 万元；用水加价 %(water)s 万元；城镇土地使用税减免 "
                        "%(land)s 万元。") % {
        "power": n(e.electricity_surcharge_wan), "water": n(e.water_surcharge_wan),
        "land": n(e.land_tax_reduction_wan)})
    if e.low_efficiency:
        out.append("  " + _("本企业用地列入低效用地（腾笼换鸟）名单。"))
    return "\n".join(out)


def render_zh(e: Explanation) -> str:
    """The explanation as Chinese text (the 公示 letter, the command line)."""
    return render(e)
