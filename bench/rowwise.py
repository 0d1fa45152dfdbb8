"""Row-by-row reference implementation of evaluation.md §1–§6 and §8, in plain Python.

It exists to check the production engine (``mujun.engine.evaluate``) and to be the baseline of the
benchmark, so it follows the spec as literally as possible and is written for reading, not speed.
It shares nothing with the production engine or with ``bench/pandas_impl.py`` but the policy model.

Input: one dict per enterprise (keys = ``mujun.engine.fields.FIELDS`` keys; str, bool,
``datetime.date`` or None, float or None; the land fields 0.0 when empty), one dict per incident
(``uscc``, ``year``, ``type`` code) in file order, a ``mujun.engine.policy.Policy`` and the year.
Output: one dict per enterprise, in input order, with exactly the §8 columns in order; empty cells
are None, booleans are Python bools.

Readings of the spec where it leaves room (also in the benchmark report):
- an enterprise whose ``industry_code`` is missing has no industry peers and uses the group-wide b;
- a ``fixed`` benchmark is defined even when no enterprise has usable data;
- ``land_tax_reduction_wan`` with a missing ``land_use_tax_due`` is
  ``share × (land_owned_m2 × land_use_tax_yuan_per_m2 / 10000)`` (the estimate stands for the due);
- the upgrade path divides by the ``tax_per_mu`` indicator's ``scale`` (1 by default), since
  x = scale × tax / land; "the group has no tax_per_mu indicator" is read by indicator id; a weight
  of 0 makes the path unreachable;
- a threshold cut-off is compared as ``score >= float(cut-off)`` (the score is a 4-decimal number).
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_right
from collections import defaultdict
from datetime import date
from typing import Any

from mujun.engine.policy import Policy

UNREACHABLE = "unreachable"
_NEXT_CLASS = {"B": "A", "C": "B", "D": "C"}


def round_score(x: float) -> float:
    """Round half away from zero to 4 decimals, for x ≥ 0.

    Computed exactly as ``floor(x * 10000 + 0.5) / 10000`` in IEEE doubles: the production engine
    uses the same float formula, so scores (and hence ranks and classes) compare exactly.
    """
    return math.floor(x * 10000 + 0.5) / 10000


def output_columns(policy: Policy) -> list[str]:
    """The §8 columns, in order."""
    cols = ["uscc", "name", "group", "exempt_reason", "vetoed", "veto_reason", "score",
            "base_score", "bonus", "penalty", "rank", "class"]
    for ind_id in policy.indicator_ids():
        cols += [f"value_{ind_id}", f"benchmark_{ind_id}", f"score_{ind_id}"]
    cols += ["electricity_surcharge_wan", "water_surcharge_wan", "land_tax_reduction_wan",
             "low_efficiency", "next_class", "extra_tax_to_next_class_wan", "warnings"]
    return cols


def _num(value: Any) -> float | None:
    """A number cell: None (or NaN, should a caller pass one) is missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def land_mu_of(row: dict[str, Any]) -> float | None:
    """§1: (owned + leased in − leased out) / (10000/15); the land fields count 0 when empty."""
    owned = _num(row.get("land_owned_m2")) or 0.0
    leased_in = _num(row.get("land_leased_in_m2")) or 0.0
    leased_out = _num(row.get("land_leased_out_m2")) or 0.0
    return (owned + leased_in - leased_out) / (10000 / 15)


def _field(row: dict[str, Any], land_mu: float | None, name: str) -> float | None:
    return land_mu if name == "land_mu" else _num(row.get(name))


def _scope(row: dict[str, Any], land_mu: float | None, policy: Policy,
           year: int) -> tuple[str | None, str | None]:
    """§2: (exempt_reason, group), the first matching reason in the spec's order."""
    new_after = date(year - policy.scope.min_full_years_in_production + 1, 1, 1)
    start = row.get("production_start")
    if start is not None and start > new_after:
        return "new", None
    if land_mu is None or land_mu <= 0:
        return "no_land", None
    if not row.get("above_scale") and land_mu < policy.scope.below_scale_min_land_mu:
        return "small_land", None
    group = "above" if row.get("above_scale") else "below"
    if group not in policy.groups:
        return "out_of_scope", None
    return None, group


def _benchmark(method: str, usable: list[tuple[float, float]], scale: float,
               fixed: float | None) -> float | None:
    """§3: b over the usable (numerator, denominator) pairs; None when undefined."""
    if method == "fixed":
        return fixed
    if not usable:
        return None
    if method == "aggregate":
        return scale * sum(n for n, _ in usable) / sum(d for _, d in usable)
    values = [scale * n / d for n, d in usable]
    if method == "mean":
        return sum(values) / len(values)
    if method == "median":
        return statistics.median(values)
    raise ValueError(f"unknown benchmark method {method!r}")


def evaluate(rows: list[dict[str, Any]], incidents: list[dict[str, Any]], policy: Policy,
             year: int) -> list[dict[str, Any]]:
    """Evaluate one year; see the module docstring for the conventions."""
    cols = output_columns(policy)
    ids = policy.indicator_ids()
    adj = policy.adjustments

    # §1/§2 scope
    recs: list[dict[str, Any]] = []
    for row in rows:
        land_mu = land_mu_of(row)
        reason, group = _scope(row, land_mu, policy, year)
        recs.append({"row": row, "land_mu": land_mu, "exempt_reason": reason, "group": group})
    evaluated_usccs = {r["row"]["uscc"] for r in recs if r["group"] is not None}

    # §4 incidents of year Y, in file order, for evaluated enterprises only
    by_uscc: dict[str, list[str]] = defaultdict(list)
    for inc in incidents:
        if inc["year"] == year and inc["uscc"] in evaluated_usccs:
            by_uscc[inc["uscc"]].append(inc["type"])

    # §3 benchmarks per group and indicator (vetoed enterprises included)
    resolved = {g: policy.resolved(g) for g in policy.groups}
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in recs:
        if rec["group"] is not None:
            members[rec["group"]].append(rec)
    bench: dict[tuple[str, str], tuple[float | None, dict[str, float | None]]] = {}
    for group, inds in resolved.items():
        for ind in inds:
            usable_all: list[tuple[float, float]] = []
            usable_by_ind: dict[str, list[tuple[float, float]]] = defaultdict(list)
            peers: dict[str, int] = defaultdict(int)
            for rec in members[group]:
                industry = rec["row"].get("industry_code")
                if industry is not None:
                    peers[industry] += 1  # counted before the usable filter
                num = _field(rec["row"], rec["land_mu"], ind.numerator)
                den = _field(rec["row"], rec["land_mu"], ind.denominator)
                if num is not None and den is not None and den > 0:
                    usable_all.append((num, den))
                    if industry is not None:
                        usable_by_ind[industry].append((num, den))
            b_group = _benchmark(ind.method, usable_all, ind.scale, ind.fixed_value)
            b_industry: dict[str, float | None] = {}
            if ind.by_industry:
                for industry, count in peers.items():
                    if count >= ind.min_peers:
                        b = _benchmark(ind.method, usable_by_ind.get(industry, []), ind.scale,
                                       ind.fixed_value)
                        if b is not None:  # enough peers but no usable data: group-wide b
                            b_industry[industry] = b
            bench[(group, ind.id)] = (b_group, b_industry)

    # §3/§4 indicator scores, adjustments, veto
    for rec in recs:
        group = rec["group"]
        if group is None:
            continue
        row = rec["row"]
        values: dict[str, float | None] = {}
        benchmarks: dict[str, float | None] = {}
        ratios: dict[str, float] = {}
        scores: dict[str, float] = {}
        warnings: list[str] = []
        for ind in resolved[group]:
            num = _field(row, rec["land_mu"], ind.numerator)
            den = _field(row, rec["land_mu"], ind.denominator)
            b_group, b_industry = bench[(group, ind.id)]
            b = b_industry.get(row.get("industry_code"), b_group) if ind.by_industry else b_group
            x = None
            if num is None or den is None or den < 0:  # first: missing beats `best`
                if num is None:
                    warnings.append(f"{ind.id}: {ind.numerator} missing")
                if den is None:
                    warnings.append(f"{ind.id}: {ind.denominator} missing")
                elif den < 0:
                    warnings.append(f"{ind.id}: {ind.denominator} negative")
                r = 0.0
            elif b is None:  # §3: no usable data in the group, so every r = 0 (even `best`)
                r = 0.0
            elif den == 0:
                r = ind.cap if ind.zero_best else 0.0
            else:
                x = ind.scale * num / den
                r = x / b if b is not None and b > 0 else 0.0
            values[ind.id] = x
            benchmarks[ind.id] = b
            ratios[ind.id] = r
            scores[ind.id] = ind.weight * min(max(r, 0.0), ind.cap)
        base = sum(scores[ind.id] for ind in resolved[group])
        bonus_total = sum(points for flag, points in adj.bonus.items() if row.get(flag))
        bonus = min(bonus_total, adj.bonus_cap)
        types = by_uscc.get(row["uscc"], [])
        penalty = sum(adj.penalty_per_incident.get(t, 0.0) for t in types)
        raw = base + bonus - penalty
        veto_types: list[str] = []
        for t in types:
            if t in adj.veto and t not in veto_types:
                veto_types.append(t)
        rec.update(values=values, benchmarks=benchmarks, ratios=ratios, scores=scores,
                   warnings=warnings, base=base, bonus=float(bonus), penalty=float(penalty),
                   raw=raw, score=round_score(max(0.0, raw)), vetoed=bool(veto_types),
                   veto_reason=";".join(veto_types) if veto_types else None)

    # §5 rank and class per group, over the non-vetoed
    for group, group_recs in members.items():
        cls_spec = policy.groups[group].classification
        population = [r for r in group_recs if not r["vetoed"]]
        n = len(population)
        ascending = sorted(r["score"] for r in population)
        for rec in group_recs:
            if rec["vetoed"]:
                rec["rank"], rec["class"] = None, "D"
                continue
            rank = 1 + (n - bisect_right(ascending, rec["score"]))  # 1 + #strictly higher
            rec["rank"] = rank
            rec["class"] = "D"
            for cls in ("A", "B", "C"):
                if cls_spec.method == "percentile":
                    cut = cls_spec.cutoff(cls)  # p = rank/N ≤ cut, exactly
                    hit = rank * cut.denominator <= cut.numerator * n
                else:
                    hit = rec["score"] >= float(getattr(cls_spec, cls))
                if hit:
                    rec["class"] = cls
                    break

        # upgrade path
        lowest: dict[str, float] = {}
        for rec in population:
            cls = rec["class"]
            lowest[cls] = min(lowest.get(cls, math.inf), rec["score"])
        tax_ind = next((i for i in resolved[group] if i.id == "tax_per_mu"), None)
        for rec in group_recs:
            rec["next_class"] = rec["extra"] = None
            if rec["vetoed"] or rec["class"] == "A":
                continue
            nxt = _NEXT_CLASS[rec["class"]]
            if cls_spec.method == "percentile":
                if nxt not in lowest:
                    continue  # the next better class is empty: no path
                t = lowest[nxt]
            else:
                t = float(getattr(cls_spec, nxt))
            rec["next_class"] = nxt
            rec["extra"] = _extra_tax(rec, tax_ind, t)

    # §6 pricing and low efficiency; §8 output
    out = []
    for rec in recs:
        row = rec["row"]
        res: dict[str, Any] = dict.fromkeys(cols)
        res["uscc"], res["name"] = row["uscc"], row.get("name")
        if rec["group"] is None:
            res["exempt_reason"] = rec["exempt_reason"]
            out.append(res)
            continue
        cls = rec["class"]
        res.update({
            "group": rec["group"], "vetoed": rec["vetoed"], "veto_reason": rec["veto_reason"],
            "score": rec["score"], "base_score": rec["base"], "bonus": rec["bonus"],
            "penalty": rec["penalty"], "rank": rec["rank"], "class": cls,
        })
        for ind_id in ids:
            if ind_id in rec["scores"]:
                res[f"value_{ind_id}"] = rec["values"][ind_id]
                res[f"benchmark_{ind_id}"] = rec["benchmarks"][ind_id]
                res[f"score_{ind_id}"] = rec["scores"][ind_id]
        pricing = policy.pricing
        kwh = _num(row.get("electricity_kwh")) or 0.0
        water = _num(row.get("water_t")) or 0.0
        elec_rate = getattr(pricing.electricity_surcharge_yuan_per_kwh, cls)
        res["electricity_surcharge_wan"] = kwh * elec_rate / 10000
        water_rate = getattr(pricing.water_surcharge_yuan_per_t, cls)
        res["water_surcharge_wan"] = water * water_rate / 10000
        due = _num(row.get("land_use_tax_due"))
        if due is None:
            due = (_num(row.get("land_owned_m2")) or 0.0) * pricing.land_use_tax_yuan_per_m2 / 10000
        res["land_tax_reduction_wan"] = getattr(pricing.land_use_tax_reduction, cls) * due
        tax = _num(row.get("tax_paid"))
        line = policy.low_efficiency.tax_per_mu_below
        below_line = tax is not None and tax / rec["land_mu"] < line
        res["low_efficiency"] = below_line or cls == "D"
        res["next_class"] = rec["next_class"]
        res["extra_tax_to_next_class_wan"] = rec["extra"]
        res["warnings"] = "; ".join(rec["warnings"]) if rec["warnings"] else None
        out.append(res)
    return out


def _extra_tax(rec: dict[str, Any], tax_ind: Any, t: float) -> float | str:
    """§5 upgrade path: the extra tax (万元) that lifts raw to t through tax_per_mu alone."""
    if tax_ind is None or tax_ind.weight <= 0:
        return UNREACHABLE
    b = rec["benchmarks"][tax_ind.id]
    delta = t - rec["raw"]
    w, cap = tax_ind.weight, tax_ind.cap
    r = min(max(rec["ratios"][tax_ind.id], 0.0), cap)
    if b is None or not b > 0 or not delta <= w * (cap - r):
        return UNREACHABLE
    tax = _num(rec["row"].get("tax_paid")) or 0.0
    return (r + delta / w) * b * rec["land_mu"] / tax_ind.scale - tax
