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


def _industry_benchmarks(method: str, x: np.ndarray, num: np.ndarray, den: np.ndarray,
                         scale: float, keys: np.ndarray, k: int) -> np.ndarray:
    """b per industry code 0..k-1 over the usable rows passed in (NaN where none is usable)."""
    count = np.bincount(keys, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "aggregate":
            return scale * np.bincount(keys, num, k) / np.bincount(keys, den, k)
        if method == "mean":
            return np.bincount(keys, x, k) / np.where(count > 0, count, np.nan)
    medians = pd.Series(x).groupby(keys).median()
    out = np.full(k, np.nan)
    out[medians.index.to_numpy()] = medians.to_numpy()
    return out


def _group_benchmark(method: str, x: np.ndarray, num: np.ndarray, den: np.ndarray,
                     scale: float) -> float:
    if len(x) == 0:
        return np.nan
    if method == "aggregate":
        return scale * num.sum() / den.sum()
    return float(np.mean(x) if method == "mean" else np.median(x))


def _append_warnings(acc: np.ndarray, mask: np.ndarray, text: str) -> None:
    for i in np.flatnonzero(mask):
        acc[i] = text if acc[i] is None else f"{acc[i]}; {text}"


def _floats(df: pd.DataFrame, col: str) -> np.ndarray:
    return df[col].to_numpy(dtype=float, na_value=np.nan)


def evaluate(enterprises: pd.DataFrame | pa.Table, incidents: pd.DataFrame | pa.Table,
             policy: Policy, year: int) -> pd.DataFrame:
    df = _frame(enterprises).reset_index(drop=True)
    inc = _frame(incidents)
    n = len(df)
    adj = policy.adjustments
    group_names = [g for g in ("above", "below") if g in policy.groups]

    # §1 land, §2 scope (group code: 0 above, 1 below, -1 exempt)
    owned, leased_in, leased_out = (np.nan_to_num(_floats(df, c)) for c in
                                    ("land_owned_m2", "land_leased_in_m2", "land_leased_out_m2"))
    land_mu = (owned + leased_in - leased_out) / (10000 / 15)
    start = pd.to_datetime(df["production_start"])
    new_after = pd.Timestamp(date(year - policy.scope.min_full_years_in_production + 1, 1, 1))
    above = df["above_scale"].to_numpy(bool)
    gcode = np.where(above, 0, 1)
    is_new = (start > new_after).to_numpy()
    no_land = ~(land_mu > 0)
    small = ~above & (land_mu < policy.scope.below_scale_min_land_mu)
    no_group = ~np.isin(gcode, [("above", "below").index(g) for g in group_names])
    reason = np.select([is_new, no_land, small, no_group],
                       ["new", "no_land", "small_land", "out_of_scope"], default="")
    evaluated = reason == ""
    gcode[~evaluated] = -1

    # §4 incidents of the year; enterprises and incidents share one code per credit code
    inc = inc[inc["year"] == year]
    codes, uniques = pd.factorize(pd.concat([df["uscc"], inc["uscc"]], ignore_index=True))
    ent_code, inc_code = codes[:n], codes[n:]
    points = inc["type"].map(adj.penalty_per_incident).fillna(0.0).to_numpy(float)
    penalty = np.bincount(inc_code, points, len(uniques))[ent_code]
    veto_inc = pd.DataFrame({"code": inc_code, "type": inc["type"].to_numpy(object)})
    veto_inc = veto_inc[veto_inc["type"].isin(adj.veto)].drop_duplicates()
    reasons = veto_inc.groupby("code", sort=False)["type"].agg(";".join)
    veto_reason = np.full(len(uniques), None, dtype=object)
    veto_reason[reasons.index.to_numpy()] = reasons.to_numpy(object)
    veto_reason = veto_reason[ent_code]
    vetoed = pd.notna(veto_reason) & evaluated
    veto_reason[~vetoed] = None
    penalty = np.where(evaluated, penalty, 0.0)

    # §4 bonus
    bonus_total = np.zeros(n)
    for flag, pts in adj.bonus.items():
        bonus_total = bonus_total + np.where(df[flag].to_numpy(bool), pts, 0.0)
    bonus = np.minimum(bonus_total, adj.bonus_cap)

    # §3 indicators
    ind_code, ind_uniques = pd.factorize(df["industry_code"])  # -1 = missing: no peers
    k = len(ind_uniques)
    has_ind = ind_code >= 0
    warnings = np.full(n, None, dtype=object)
    base = np.zeros(n)
    cols: dict[str, np.ndarray] = {}
    for ind_id in policy.indicator_ids():
        for kind in ("value", "benchmark", "score"):
            cols[f"{kind}_{ind_id}"] = np.full(n, np.nan)
    tax: dict[int, Any] = {}  # group code -> (indicator, clipped r, b)
    for g in group_names:
        gc = ("above", "below").index(g)
        gm = gcode == gc
        peers = np.bincount(ind_code[gm & has_ind], minlength=k)  # before the usable filter
        acc = np.zeros(n)
        for ind in policy.resolved(g):
            num = land_mu if ind.numerator == "land_mu" else _floats(df, ind.numerator)
            den = land_mu if ind.denominator == "land_mu" else _floats(df, ind.denominator)
            missing_num, missing_den = np.isnan(num), np.isnan(den)
            with np.errstate(invalid="ignore"):
                neg_den, zero_den, pos_den = den < 0, den == 0, den > 0
            usable = gm & ~missing_num & pos_den
            x = np.full(n, np.nan)
            x[usable] = ind.scale * num[usable] / den[usable]

            if ind.method == "fixed":
                b = np.full(n, ind.fixed_value, dtype=float)
            else:
                b = np.full(n, _group_benchmark(ind.method, x[usable], num[usable], den[usable],
                                                ind.scale))
                if ind.by_industry:
                    u = usable & has_ind
                    b_ind = _industry_benchmarks(ind.method, x[u], num[u], den[u], ind.scale,
                                                 ind_code[u], k)
                    b_ind[peers < ind.min_peers] = np.nan  # too few peers: group-wide
                    b_row = np.where(has_ind, b_ind[np.maximum(ind_code, 0)], np.nan)
                    take = gm & ~np.isnan(b_row)  # enough peers but nothing usable: group-wide
                    b[take] = b_row[take]

            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.where(b > 0, x / b, 0.0)
            # missing first, then an undefined b (§3: every r = 0), then the zero denominator
            bad = missing_num | missing_den | neg_den | np.isnan(b)
            r = np.where(bad, 0.0, np.where(zero_den, ind.cap if ind.zero_best else 0.0, ratio))
            r_clipped = np.minimum(np.maximum(r, 0.0), ind.cap)
            s = ind.weight * r_clipped
            acc = acc + s  # Σ s_j in indicator order, as the row-wise sum does
            cols[f"value_{ind.id}"][gm] = x[gm]
            cols[f"benchmark_{ind.id}"][gm] = b[gm]
            cols[f"score_{ind.id}"][gm] = s[gm]
            _append_warnings(warnings, gm & missing_num, f"{ind.id}: {ind.numerator} missing")
            _append_warnings(warnings, gm & missing_den, f"{ind.id}: {ind.denominator} missing")
            _append_warnings(warnings, gm & neg_den, f"{ind.id}: {ind.denominator} negative")
            if ind.id == "tax_per_mu":
                tax[gc] = (ind, r_clipped, b)
        base[gm] = acc[gm]

    raw = base + bonus - penalty
    score = np.floor(np.maximum(0.0, raw) * 10000 + 0.5) / 10000

    # §5 rank (1 + #strictly higher = min rank, descending) and class (0..3 = A..D, -1 exempt)
    pop = evaluated & ~vetoed
    rank = np.full(n, np.nan)
    cls = np.full(n, -1, dtype=np.int64)
    next_cls = np.full(n, -1, dtype=np.int64)
    extra = np.full(n, None, dtype=object)
    paid = np.nan_to_num(_floats(df, "tax_paid"))
    for g in group_names:
        gc = ("above", "below").index(g)
        spec = policy.groups[g].classification
        gp = pop & (gcode == gc)
        size = int(gp.sum())
        rank_g = pd.Series(score[gp]).rank(method="min", ascending=False).to_numpy()
        rank[gp] = rank_g
        if spec.method == "percentile":
            cuts = [spec.cutoff(c) for c in "ABC"]
            ri = rank_g.astype(np.int64)
            conds = [ri * cut.denominator <= cut.numerator * size for cut in cuts]
        else:
            conds = [score[gp] >= float(getattr(spec, c)) for c in "ABC"]
        cls[gp] = np.select(conds, [0, 1, 2], default=3)
        cls[(gcode == gc) & vetoed] = 3

        # upgrade path: t per next class
        if spec.method == "percentile":
            t_of = [score[gp & (cls == c)].min() if (gp & (cls == c)).any() else np.nan
                    for c in range(3)]
        else:
            t_of = [float(getattr(spec, c)) for c in "ABC"]
        below_a = gp & (cls > 0)
        nxt = np.where(below_a, cls - 1, 0)
        t = np.where(below_a, np.asarray(t_of)[nxt], np.nan)
        has_path = below_a & ~np.isnan(t)
        next_cls[has_path] = nxt[has_path]
        extra[has_path] = UNREACHABLE
        if gc in tax and tax[gc][0].weight > 0:
            ind, r, b = tax[gc]
            delta = t - raw
            with np.errstate(invalid="ignore"):
                ok = has_path & (b > 0) & (delta <= ind.weight * (ind.cap - r))
            value = (r + delta / ind.weight) * b * land_mu / ind.scale - paid
            extra[ok] = value[ok]

    # §6 pricing, low efficiency
    pr = policy.pricing

    def rate(rates: Any) -> np.ndarray:
        return np.array([rates.A, rates.B, rates.C, rates.D])[np.maximum(cls, 0)]

    kwh = np.nan_to_num(_floats(df, "electricity_kwh"))
    water = np.nan_to_num(_floats(df, "water_t"))
    due = _floats(df, "land_use_tax_due")
    due = np.where(np.isnan(due), owned * pr.land_use_tax_yuan_per_m2 / 10000, due)
    with np.errstate(invalid="ignore", divide="ignore"):
        below_line = _floats(df, "tax_paid") / land_mu < policy.low_efficiency.tax_per_mu_below

    def ev(values: np.ndarray) -> np.ndarray:
        return np.where(evaluated, values, np.nan)

    def obj(values: np.ndarray) -> pd.Series:
        return pd.Series(values, dtype=object)

    def ev_obj(values: np.ndarray) -> pd.Series:
        return obj(np.where(evaluated, values.astype(object), None))

    letters = np.array(["A", "B", "C", "D", None], dtype=object)  # index -1 → None
    group_label = np.array(["above", "below", None], dtype=object)
    out = {
        "uscc": df["uscc"], "name": df["name"], "group": obj(group_label[gcode]),
        "exempt_reason": obj(np.where(evaluated, None, reason.astype(object))),
        "vetoed": ev_obj(vetoed), "veto_reason": obj(veto_reason), "score": ev(score),
        "base_score": ev(base), "bonus": ev(bonus), "penalty": ev(penalty),
        "rank": pd.Series(rank).astype("Int64"), "class": obj(letters[cls]), **cols,
        "electricity_surcharge_wan": ev(kwh * rate(pr.electricity_surcharge_yuan_per_kwh) / 10000),
        "water_surcharge_wan": ev(water * rate(pr.water_surcharge_yuan_per_t) / 10000),
        "land_tax_reduction_wan": ev(rate(pr.land_use_tax_reduction) * due),
        "low_efficiency": ev_obj(below_line | (cls == 3)),
        "next_class": obj(letters[next_cls]), "extra_tax_to_next_class_wan": obj(extra),
        "warnings": obj(warnings),
    }
    return pd.DataFrame(out)[_columns(policy)]


def to_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The DataFrame as a list of dicts: None for empty, Python bool/int/float/str values."""
    cols = list(frame.columns)
    data = []
    for col in cols:
        values = frame[col].tolist()
        data.append([None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
                     else (v.item() if isinstance(v, np.generic) else v) for v in values])
    return [dict(zip(cols, row, strict=True)) for row in zip(*data, strict=True)]
