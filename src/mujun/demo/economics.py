"""Yearly figures: revenue paths with the county's growth, exits, and the derived indicators.

Revenue drives everything: tax, value added, R&D, employees, energy, emissions, power and water are
revenue times an enterprise's own intensity (drawn once) with a little yearly noise. The county's
industry grows by about 11 % a year on average (the 2021 programme aims to double output by 2025).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from mujun.demo.county import (
    FIRST_YEAR,
    INDUSTRY_BY_CODE,
    KWH_PER_TCE,
    LAST_YEAR,
    ZONE_BY_CODE,
)
from mujun.demo.model import DM2_PER_M2, DM2_PER_MU, Enterprise, Figures, Traits

#: log growth of the county's industrial output per year (2021 rebounds from 2020)
MACRO_GROWTH = {2021: 0.15, 2022: 0.05, 2023: 0.09, 2024: 0.10, 2025: 0.09}
INDUSTRY_TREND = {"31": 0.01, "35": 0.02, "26": 0.03, "39": 0.03, "30": -0.02, "20": -0.03,
                  "21": -0.02, "18": -0.03}
ABOVE_SCALE_REVENUE = 2000.0
#: share of mature output a new plant reaches in its 1st, 2nd, 3rd year of production
RAMP = (0.35, 0.65, 0.85)
TAX_SOFT_CAP = 1500.0


def _noise(rng: np.random.Generator, sigma: float) -> float:
    return float(np.exp(rng.normal(0.0, sigma)))


def draw_traits(rng: np.random.Generator, e: Enterprise) -> None:
    ind = INDUSTRY_BY_CODE[e.industry]
    big = e.origin == "project" or e.revenue.get(FIRST_YEAR, 0.0) >= ABOVE_SCALE_REVENUE
    tax_median = 0.045 if e.origin == "project" else 0.038 if big else 0.03
    rd = 0.0 if rng.random() < (0.12 if big else 0.45) else float(np.clip(
        0.012 * _noise(rng, 0.5) * (2.5 if "high_tech" in e.flag_since else 1.0), 0.001, 0.12))
    e.traits = Traits(
        tax_rate=float(np.clip(tax_median * _noise(rng, 0.45), 0.003, 0.12)),
        va_rate=float(np.clip(ind.va_rate * _noise(rng, 0.25), 0.06, 0.5)),
        rd_rate=rd,
        worker_revenue=ind.revenue_per_worker * _noise(rng, 0.35) * (1.0 if big else 0.7),
        energy=ind.energy * _noise(rng, 0.5),
        emissions=ind.emissions * _noise(rng, 0.6),
        water=ind.water * _noise(rng, 0.5),
        power_share=float(rng.uniform(0.45, 0.95)),
        zero_energy=bool(rng.random() < (0.01 if big else 0.07)),
        zero_emissions=bool(rng.random() < (0.08 if big else 0.30)),
        land_tax_unreported=bool(rng.random() < 0.3),
        drift=float(rng.normal(0.0, 0.04)),
        capacity=_capacity(rng, e, big),
    )


def _capacity(rng: np.random.Generator, e: Enterprise, big: bool) -> float:
    """The most revenue (万元) its premises allow: a workshop on a plot of 1 亩 never gets 规上."""
    if big:
        return float("inf")
    mu = sum(h.area_dm2 for h in e.holdings) / DM2_PER_MU
    if mu == 0:
        return float(rng.uniform(600, 1900))
    return mu * float(rng.uniform(300, 700))


def _leaves(rng: np.random.Generator, e: Enterprise, last_revenue: float) -> bool:
    if e.origin == "project":
        return False
    if last_revenue >= ABOVE_SCALE_REVENUE:
        return bool(rng.random() < 0.006)
    return bool(rng.random() < (0.06 if last_revenue < 100 else 0.025))


def simulate_revenue(rng: np.random.Generator, enterprises: list[Enterprise]) -> None:
    """Fill each enterprise's revenue path year by year; decide who moves out or closes down."""
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for e in enterprises:
            if e.first_year is None or year < e.first_year or e.left_year is not None:
                continue
            if e.mature_revenue is not None and e.production_start is not None:
                k = year - e.production_start.year
                factor = RAMP[k] if k < len(RAMP) else 1.0
                if k == 0:
                    factor *= max((date(year, 12, 31) - e.production_start).days / 365, 0.1)
                e.revenue[year] = e.mature_revenue * factor * _noise(rng, 0.1)
                continue
            if year == e.first_year:
                continue  # drawn with the enterprise
            last = e.revenue[year - 1]
            if _leaves(rng, e, last):
                e.left_year = year
                e.left_kind = "moved_out" if rng.random() < 0.3 else "deregistered"
                continue
            growth = (MACRO_GROWTH[year] + INDUSTRY_TREND.get(e.industry, 0.0) + e.traits.drift
                      + rng.normal(0.0, 0.10 if last >= ABOVE_SCALE_REVENUE else 0.18))
            if e.origin == "small_entrant" and year - e.first_year <= 2:
                growth += 0.25
            e.revenue[year] = max(min(last * float(np.exp(growth)), e.traits.capacity), 5.0)
    for e in enterprises:
        if e.left_year is not None:
            # land bought in or after the year it left never happened
            e.holdings = [h for h in e.holdings
                          if h.acquired is None or h.acquired.year < e.left_year]


def _missing(rng: np.random.Generator, value: float, p: float) -> float | None:
    return None if rng.random() < p else value


def draw_figures(rng: np.random.Generator, e: Enterprise, year: int) -> Figures:
    t = e.traits
    rev = e.revenue[year]
    above = rev >= ABOVE_SCALE_REVENUE
    k = year - FIRST_YEAR
    tax = rev * t.tax_rate * _noise(rng, 0.15)
    if tax > TAX_SOFT_CAP:  # keep the very largest under about 2000 万元
        tax = TAX_SOFT_CAP + 500 * float(np.tanh((tax - TAX_SOFT_CAP) / 500))
    r = rng.random()
    if r < 0.004:
        tax = -float(rng.uniform(1, 40))  # a refund year
    elif not above and r < 0.06:
        tax = 0.0
    energy = 0.0 if t.zero_energy else rev * t.energy * 0.97**k * _noise(rng, 0.1)
    emissions = 0.0 if t.zero_emissions else rev * t.emissions * 0.94**k * _noise(rng, 0.15)
    owned_m2 = e.owned_dm2(year) / DM2_PER_M2
    land_tax = None
    if owned_m2 > 0 and not t.land_tax_unreported and rng.random() > 0.05:
        land_tax = round(owned_m2 * ZONE_BY_CODE[e.zone].land_tax_yuan_per_m2 / 10000, 2)
    p = 0.01 if above else 0.025
    return Figures(
        revenue=_missing(rng, round(rev, 2), p / 2),
        tax_paid=_missing(rng, round(tax, 2), p),
        value_added=_missing(rng, round(rev * t.va_rate * _noise(rng, 0.08), 2),
                             p if above else 0.2),
        rd_expense=_missing(rng, round(rev * t.rd_rate * _noise(rng, 0.2), 2), p),
        employees=_missing(rng, float(max(2, round(rev / t.worker_revenue * _noise(rng, 0.05)))),
                           p),
        energy_tce=_missing(rng, round(energy, 2), p),
        emissions_t=_missing(rng, round(emissions, 3), p),
        electricity_kwh=_missing(rng, float(round(
            rev * t.energy * t.power_share * KWH_PER_TCE * 0.97**k * _noise(rng, 0.08))), p),
        water_t=_missing(rng, float(round(rev * t.water * _noise(rng, 0.15))), p),
        land_use_tax_due=land_tax,
        above_scale=above,
    )


def draw_all_figures(rng: np.random.Generator, enterprises: list[Enterprise]) -> None:
    for e in enterprises:
        for year in e.data_years():
            e.figures[year] = draw_figures(rng, e, year)
