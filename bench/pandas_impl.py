"""Vectorised pandas implementation of evaluation.md §1–§6 and §8, the second reference.

Written independently of ``bench/rowwise.py`` (same reading of the spec, see its docstring) with
groupby/transform and ``rank(method="min")``. ``evaluate`` takes the enterprise and incident tables
as pandas DataFrames or pyarrow Tables and returns a DataFrame with exactly the §8 columns in order,
one row per input row in input order; empty cells are NaN/None. ``to_rows`` turns it into the
list-of-dicts form of the row-wise implementation (None for empty, Python bools and ints).

Scores are rounded with ``floor(x * 10000 + 0.5) / 10000`` in float64, the formula the production
engine and the row-wise implementation use.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from mujun.engine.policy import Policy

UNREACHABLE = "unreachable"
_NEXT = {"B": "A", "C": "B", "D": "C"}


def _frame(table: pd.DataFrame | pa.Table) -> pd.DataFrame:
    return table.to_pandas() if isinstance(table, pa.Table) else table


def _columns(policy: Policy) -> list[str]:
    head = ["uscc", "name", "group", "exempt_reason", "vetoed", "veto_reason", "score",
            "base_score", "bonus", "penalty", "rank", "class"]
    kinds = ("value", "benchmark", "score")
    triplets = [f"{kind}_{i}" for i in policy.indicator_ids() for kind in kinds]
    tail = ["electricity_surcharge_wan", "water_surcharge_wan", "land_tax_reduction_wan",
            "low_efficiency", "next_class", "extra_tax_to_next_class_wan", "warnings"]
    return head + triplets + tail


def _benchmarks(method: str, x: pd.Series, num: pd.Series, den: pd.Series, scale: float,
                keys: pd.Series | None) -> Any:
    """b over the usable rows passed in: a scalar, or a Series per key when keys is given."""
    if keys is None:
        if method == "aggregate":
            return scale * num.sum() / den.sum() if len(num) else np.nan
        return getattr(x, method)() if len(x) else np.nan
    if method == "aggregate":
        sums = pd.DataFrame({"n": num, "d": den, "k": keys}).groupby("k", sort=False).sum()
        return scale * sums["n"] / sums["d"]
    return getattr(x.groupby(keys, sort=False), method)()


def _append_warnings(acc: np.ndarray, mask: np.ndarray, text: str) -> None:
    for i in np.flatnonzero(mask):
        acc[i] = text if acc[i] is None else f"{acc[i]}; {text}"


def evaluate(enterprises: pd.DataFrame | pa.Table, incidents: pd.DataFrame | pa.Table,
             policy: Policy, year: int) -> pd.DataFrame:
    df = _frame(enterprises).reset_index(drop=True)
    inc = _frame(incidents)
    n = len(df)
    adj = policy.adjustments

    # §1 land, §2 scope
    land = [df[c].fillna(0.0).to_numpy(float) for c in
            ("land_owned_m2", "land_leased_in_m2", "land_leased_out_m2")]
    land_mu = (land[0] + land[1] - land[2]) / (10000 / 15)
    start = pd.to_datetime(df["production_start"])
    new_after = pd.Timestamp(date(year - policy.scope.min_full_years_in_production + 1, 1, 1))
    above = df["above_scale"].to_numpy(bool)
    group = np.where(above, "above", "below").astype(object)
    is_new = (start > new_after).to_numpy()
    no_land = ~(land_mu > 0)
    small = ~above & (land_mu < policy.scope.below_scale_min_land_mu)
    no_group = ~np.isin(group, list(policy.groups))
    reason = np.select([is_new, no_land, small, no_group],
                       ["new", "no_land", "small_land", "out_of_scope"], default="")
    evaluated = reason == ""
    group[~evaluated] = None

    out = pd.DataFrame({"uscc": df["uscc"], "name": df["name"], "group": group,
                        "exempt_reason": np.where(evaluated, None, reason)})

    # §4 incidents of the year, of evaluated enterprises (others never reach the output)
    inc = inc[inc["year"] == year]
    points = inc["type"].map(adj.penalty_per_incident).fillna(0.0)
    penalty_by = points.groupby(inc["uscc"]).sum()
    vetoes = inc[inc["type"].isin(adj.veto)].drop_duplicates(["uscc", "type"])
    veto_by = vetoes.groupby("uscc", sort=False)["type"].agg(";".join)
    penalty = df["uscc"].map(penalty_by).fillna(0.0).to_numpy(float)
    veto_reason = df["uscc"].map(veto_by).to_numpy(object)
    vetoed = pd.notna(veto_reason) & evaluated
    veto_reason = np.where(vetoed, veto_reason, None)

    # §4 bonus
    bonus_total = np.zeros(n)
    for flag, pts in adj.bonus.items():
        bonus_total = bonus_total + np.where(df[flag].to_numpy(bool), pts, 0.0)
    bonus = np.minimum(bonus_total, adj.bonus_cap)

    fields = {"land_mu": pd.Series(land_mu)}
    warnings = np.full(n, None, dtype=object)
    base = np.zeros(n)
    score_cols: dict[str, np.ndarray] = {}
    value_cols: dict[str, np.ndarray] = {}
    bench_cols: dict[str, np.ndarray] = {}
    tax: dict[str, Any] = {}  # group -> (indicator, r, b)
    industry = df["industry_code"]
    for ind_id in policy.indicator_ids():
        for col in (value_cols, bench_cols, score_cols):
            col[ind_id] = np.full(n, np.nan)

    base_parts: dict[str, list[np.ndarray]] = {}
    for g in policy.groups:
        gm = group == g
        base_parts[g] = []
        peers = industry[gm].value_counts()  # counted before the usable filter
        for ind in policy.resolved(g):
            num = fields.get(ind.numerator, df.get(ind.numerator)).astype(float)
            den = fields.get(ind.denominator, df.get(ind.denominator)).astype(float)
            missing_num, missing_den = num.isna().to_numpy(), den.isna().to_numpy()
            neg_den = (den < 0).to_numpy()
            usable = gm & ~missing_num & ~missing_den & (den > 0).to_numpy()
            x = pd.Series(np.nan, index=df.index)
            x[usable] = ind.scale * num[usable] / den[usable]

            if ind.method == "fixed":
                b = np.full(n, ind.fixed_value, dtype=float)
            else:
                b_group = _benchmarks(ind.method, x[usable], num[usable], den[usable], ind.scale,
                                      None)
                b = np.full(n, b_group, dtype=float)
                if ind.by_industry:
                    big = peers[peers >= ind.min_peers].index
                    by = _benchmarks(ind.method, x[usable], num[usable], den[usable], ind.scale,
                                     industry[usable])
                    by = by[by.index.isin(big)].dropna()
                    b_ind = industry.map(by).to_numpy(float)
                    take = gm & ~np.isnan(b_ind)
                    b[take] = b_ind[take]

            xv = x.to_numpy()
            b_pos = b > 0
            ratio_ok = np.where(b_pos, xv / np.where(b_pos, b, 1.0), 0.0)
            bad = missing_num | missing_den | neg_den
            zero_den = (den == 0).to_numpy()
            r = np.where(bad, 0.0, np.where(zero_den, ind.cap if ind.zero_best else 0.0, ratio_ok))
            s = ind.weight * np.minimum(np.maximum(r, 0.0), ind.cap)

            value_cols[ind.id][gm] = xv[gm]
            bench_cols[ind.id][gm] = b[gm]
            score_cols[ind.id][gm] = s[gm]
            base_parts[g].append(s)
            _append_warnings(warnings, gm & missing_num, f"{ind.id}: {ind.numerator} missing")
            _append_warnings(warnings, gm & missing_den, f"{ind.id}: {ind.denominator} missing")
            _append_warnings(warnings, gm & neg_den, f"{ind.id}: {ind.denominator} negative")
            if ind.id == "tax_per_mu":
                tax[g] = (ind, np.minimum(np.maximum(r, 0.0), ind.cap), b)
        # Σ s_j in indicator order, as the row-wise sum does
        acc = np.zeros(n)
        for s in base_parts[g]:
            acc = acc + s
        base[gm] = acc[gm]

    raw = base + bonus - penalty
    score = np.floor(np.maximum(0.0, raw) * 10000 + 0.5) / 10000

    # §5 rank and class
    pop = evaluated & ~vetoed
    score_s = pd.Series(score)
    group_s = pd.Series(group)
    rank = np.full(n, np.nan)
    rank[pop] = score_s[pop].groupby(group_s[pop]).rank(method="min", ascending=False)
    size = np.zeros(n, dtype=np.int64)
    size[pop] = group_s[pop].groupby(group_s[pop]).transform("size").to_numpy()
    cls = np.full(n, None, dtype=object)
    next_class = np.full(n, None, dtype=object)
    extra = np.full(n, None, dtype=object)
    for g in policy.groups:
        spec = policy.groups[g].classification
        gp = pop & (group == g)
        conds = []
        for c in ("A", "B", "C"):
            if spec.method == "percentile":
                cut = spec.cutoff(c)
                rank_int = np.nan_to_num(rank).astype(np.int64)
                conds.append(rank_int * cut.denominator <= cut.numerator * size)
            else:
                conds.append(score >= float(getattr(spec, c)))
        cls[gp] = np.select(conds, ["A", "B", "C"], default="D")[gp]
        cls[(group == g) & vetoed] = "D"

        # upgrade path
        lowest = score_s[gp].groupby(pd.Series(cls)[gp]).min()
        nxt = pd.Series(cls).map(_NEXT).to_numpy(object)
        if spec.method == "percentile":
            t = pd.Series(nxt).map(lowest).to_numpy(float)
        else:
            t = pd.Series(nxt).map({c: float(getattr(spec, c)) for c in "ABC"}).to_numpy(float)
        has_path = gp & pd.notna(nxt) & ~np.isnan(t)
        next_class[has_path] = nxt[has_path]
        extra[has_path] = UNREACHABLE
        if g in tax and tax[g][0].weight > 0:
            ind, r, b = tax[g]
            delta = t - raw
            w = ind.weight
            ok = has_path & (b > 0) & (delta <= w * (ind.cap - r))
            paid = df["tax_paid"].fillna(0.0).to_numpy(float)
            value = (r + delta / w) * b * land_mu / ind.scale - paid
            extra[ok] = value[ok]

    # §6 pricing, low efficiency
    pr = policy.pricing
    cls_s = pd.Series(cls)

    def rate(rates: Any) -> np.ndarray:
        return cls_s.map({c: getattr(rates, c) for c in "ABCD"}).to_numpy(float)

    kwh = df["electricity_kwh"].fillna(0.0).to_numpy(float)
    water = df["water_t"].fillna(0.0).to_numpy(float)
    due = df["land_use_tax_due"].to_numpy(float)
    due = np.where(np.isnan(due), land[0] * pr.land_use_tax_yuan_per_m2 / 10000, due)
    tax_paid = df["tax_paid"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        below_line = tax_paid / land_mu < policy.low_efficiency.tax_per_mu_below

    def ev(values: np.ndarray) -> np.ndarray:
        return np.where(evaluated, values, np.nan)

    def ev_obj(values: np.ndarray) -> np.ndarray:
        return np.where(evaluated, values.astype(object), None)

    out["vetoed"] = ev_obj(vetoed)
    out["veto_reason"] = veto_reason
    out["score"] = ev(score)
    out["base_score"] = ev(base)
    out["bonus"] = ev(bonus)
    out["penalty"] = ev(penalty)
    out["rank"] = pd.Series(rank).astype("Int64")
    out["class"] = cls
    for ind_id in policy.indicator_ids():
        out[f"value_{ind_id}"] = value_cols[ind_id]
        out[f"benchmark_{ind_id}"] = bench_cols[ind_id]
        out[f"score_{ind_id}"] = score_cols[ind_id]
    out["electricity_surcharge_wan"] = ev(kwh * rate(pr.electricity_surcharge_yuan_per_kwh) / 10000)
    out["water_surcharge_wan"] = ev(water * rate(pr.water_surcharge_yuan_per_t) / 10000)
    out["land_tax_reduction_wan"] = ev(rate(pr.land_use_tax_reduction) * due)
    out["low_efficiency"] = ev_obj(below_line | (cls == "D"))
    out["next_class"] = next_class
    out["extra_tax_to_next_class_wan"] = extra
    out["warnings"] = warnings
    return out[_columns(policy)]


def to_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The DataFrame as a list of dicts: None for empty, Python bool/int/float/str values."""
    cols = list(frame.columns)
    data = []
    for col in cols:
        values = frame[col].tolist()
        data.append([None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
                     else (v.item() if isinstance(v, np.generic) else v) for v in values])
    return [dict(zip(cols, row, strict=True)) for row in zip(*data, strict=True)]
