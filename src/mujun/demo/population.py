"""Who is in the demo county and when: incumbents of 2020, entrants of later years, their land.

Each enterprise gets its identity, zone, industry, lifecycle dates and land holdings here; its
yearly figures are drawn afterwards (:mod:`mujun.demo.economics`).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from mujun.demo.county import (
    FIRST_YEAR,
    INDUSTRIES,
    INDUSTRY_BY_CODE,
    LAST_YEAR,
    METAL,
    TEA_TOWNS,
    TOWN_SITE_BY_TOWN,
    ZONE_BY_CODE,
)
from mujun.demo.model import Enterprise, Holding, mu_to_dm2
from mujun.demo.names import COMPANY, COOPERATIVE, INDIVIDUAL, company_name, make_uscc

INCUMBENTS_ABOVE = 320
INCUMBENTS_BELOW = 880
SMALL_ENTRANTS_PER_YEAR = (30, 44)
PROJECTS_PER_YEAR = (6, 10)
SIGNED_WITHOUT_LAND = 6
_END = date(LAST_YEAR, 12, 31)
_INDUSTRIAL_TOWNS = ("西屏街道", "水南街道", "望松街道", "古市镇", "象溪镇", "赤寿乡")
_PROJECT_INDUSTRIES = {"31": 0.35, "33": 0.10, "34": 0.15, "35": 0.15, "26": 0.08, "30": 0.05,
                       "38": 0.07, "39": 0.05}


def _day(rng: np.random.Generator, start: date, end: date) -> date:
    """A uniform day in [start, end]."""
    span = max((end - start).days, 0)
    return start + timedelta(days=int(rng.integers(0, span + 1)))


def _days(d: date, n: int) -> date:
    return d + timedelta(days=n)


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return str(keys[int(rng.choice(len(keys), p=p / p.sum()))])


def _lognormal(rng: np.random.Generator, median: float, sigma: float) -> float:
    return float(median * np.exp(rng.normal(0.0, sigma)))


class _Builder:
    """Draws enterprises one by one, keeping credit codes and names unique."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.codes: set[str] = set()
        self.names: set[str] = set()
        self.enterprises: list[Enterprise] = []

    # -- identity -----------------------------------------------------------------------------
    def _industry(self, above: bool) -> str:
        return _pick(self.rng, {i.code: i.share_above if above else i.share_below
                                for i in INDUSTRIES})

    def _zone(self, industry: str, above: bool) -> str:
        rng = self.rng
        if industry == "15":
            w = {"towns": 0.7, "SY": 0.2, "CS": 0.1} if above else \
                {"towns": 0.8, "GX": 0.1, "XW": 0.05, "SY": 0.05}
        elif industry in METAL:
            w = {"CS": 0.45, "SY": 0.40, "towns": 0.15} if above else \
                {"CS": 0.25, "SY": 0.25, "XW": 0.2, "GX": 0.1, "towns": 0.2}
        else:
            w = {"SY": 0.5, "CS": 0.25, "towns": 0.25} if above else \
                {"SY": 0.28, "CS": 0.15, "XW": 0.2, "GX": 0.12, "towns": 0.25}
        zone = _pick(rng, w)
        if zone == "towns":
            towns = TEA_TOWNS if industry == "15" else _INDUSTRIAL_TOWNS
            zone = TOWN_SITE_BY_TOWN[str(rng.choice(towns))].code
        return zone

    def _new(self, *, industry: str, zone: str, origin: str, established: date,
             production_start: date | None, first_year: int | None, prefix: str = COMPANY
             ) -> Enterprise:
        town = ZONE_BY_CODE[zone].town
        e = Enterprise(
            uscc=make_uscc(self.rng, prefix, established.year, self.codes),
            name=company_name(self.rng, INDUSTRY_BY_CODE[industry], town, prefix, self.names),
            town=town, zone=zone, industry=industry, origin=origin, established=established,
            production_start=production_start, first_year=first_year,
            production_start_missing=bool(self.rng.random() < 0.006),
        )
        self.enterprises.append(e)
        return e

    # -- land ---------------------------------------------------------------------------------
    def _holding(self, e: Enterprise, mu: float, acquired: date, *, zone: str | None = None,
                 idle: bool = False, standard: bool = False,
                 construction: date | None = None) -> Holding:
        agreed = _days(acquired, int(self.rng.integers(90, 181)))
        if construction is None and not idle:
            construction = _days(agreed, int(self.rng.integers(-20, 100)))
        if construction is not None and construction > _END:
            construction = None
        h = Holding(owner=e.uscc, zone=zone or e.zone, area_dm2=mu_to_dm2(mu), acquired=acquired,
                    agreed_start=agreed, construction_start=construction, standard_land=standard)
        e.holdings.append(h)
        return h

    def _dates_before(self, production: date) -> tuple[date, date, date]:
        """established, acquired, construction start of a plant going into production."""
        construction = _days(production, -int(self.rng.integers(270, 600)))
        acquired = _days(construction, -int(self.rng.integers(90, 260)))
        established = _days(acquired, -int(self.rng.integers(0, 200)))
        return established, acquired, construction

    # -- cohorts ------------------------------------------------------------------------------
    def incumbent(self, above: bool) -> Enterprise:
        rng = self.rng
        industry = self._industry(above)
        zone = self._zone(industry, above)
        opened = max(ZONE_BY_CODE[zone].opened, 1994)
        year = FIRST_YEAR if rng.random() < 0.03 else int(rng.integers(opened + 2, FIRST_YEAR))
        production = _day(rng, date(year, 1, 1), date(year, 12, 31))
        established, acquired, construction = self._dates_before(production)
        prefix = COMPANY
        if not above and industry in ("15", "20", "41") and rng.random() < 0.35:
            prefix = COOPERATIVE if industry == "15" and rng.random() < 0.2 else INDIVIDUAL
        e = self._new(industry=industry, zone=zone, origin="incumbent", established=established,
                      production_start=production, first_year=FIRST_YEAR, prefix=prefix)
        if above:
            revenue = 0.0
            while revenue < 2000:
                revenue = _lognormal(rng, 3200, 1.0)
            mu = float(np.clip(revenue / _lognormal(rng, 280, 0.5), 10, 130))
        else:
            revenue = float(np.clip(_lognormal(rng, 280, 1.0), 15, 1950))
            mu = self._below_land(revenue, zone)
        e.revenue[FIRST_YEAR] = revenue
        if mu > 0:
            if mu > 30 and rng.random() < 0.35:
                first = mu * float(rng.uniform(0.55, 0.75))
                self._holding(e, first, acquired, construction=construction)
                later = _day(rng, _days(acquired, 365), _days(acquired, 6 * 365))
                self._holding(e, mu - first, max(acquired, min(later, date(2019, 6, 30))))
            else:
                self._holding(e, mu, acquired, construction=construction)
        return e

    def _below_land(self, revenue: float, zone: str) -> float:
        rng = self.rng
        r = rng.random()
        if r < 0.12:
            return 0.0
        if zone in ("XW", "GX") or r < 0.5:
            return float(np.clip(_lognormal(rng, 1.6, 0.55), 0.3, 2.95 if r < 0.5 else 8.0))
        return float(np.clip(revenue / _lognormal(rng, 70, 0.6), 3.0, 60.0))

    def small_entrant(self, year: int) -> Enterprise:
        rng = self.rng
        industry = self._industry(False)
        zone = self._zone(industry, False)
        moved_in = rng.random() < 0.3
        prod_year = int(rng.integers(year - 3, year)) if moved_in else year
        production = _day(rng, date(prod_year, 1, 1), date(prod_year, 12, 31))
        established, acquired, construction = self._dates_before(production)
        e = self._new(industry=industry, zone=zone, origin="small_entrant",
                      established=established, production_start=production, first_year=year)
        share = 1.0 if moved_in else max((date(year, 12, 31) - production).days / 365, 0.15)
        e.revenue[year] = float(np.clip(_lognormal(rng, 260, 0.9) * share, 8, 1950))
        mu = self._below_land(e.revenue[year] / share, zone)
        if mu > 0:
            self._holding(e, mu, acquired, construction=construction)
        return e

    def project(self, acquired_year: int) -> Enterprise:
        """A 招商 project: a new enterprise on a parcel of ZZ or CS, possibly not producing yet."""
        rng = self.rng
        industry = _pick(rng, _PROJECT_INDUSTRIES)
        zone = "ZZ" if acquired_year >= 2021 and rng.random() < 0.7 else "CS"
        acquired = _day(rng, date(acquired_year, 1, 10), date(acquired_year, 12, 20))
        mu = float(np.clip(_lognormal(rng, 40, 0.6), 12, 120))
        idle = rng.random() < 0.15
        standard = acquired_year >= 2021 and rng.random() < 0.9
        established = _days(acquired, -int(rng.integers(30, 200)))
        e = self._new(industry=industry, zone=zone, origin="project", established=established,
                      production_start=None, first_year=None)
        h = self._holding(e, mu, acquired, idle=idle, standard=standard)
        if h.construction_start is not None:
            production = _days(h.construction_start, int(rng.integers(300, 640)))
            if production <= _END:
                e.production_start = production
                e.first_year = production.year
        e.mature_revenue = mu * _lognormal(rng, 550, 0.4)
        return e

    def signed_without_land(self) -> Enterprise:
        industry = _pick(self.rng, _PROJECT_INDUSTRIES)
        established = _day(self.rng, date(LAST_YEAR, 1, 1), date(LAST_YEAR, 11, 30))
        return self._new(industry=industry, zone="ZZ", origin="signed", established=established,
                         production_start=None, first_year=None)

    def expansions(self) -> None:
        """Some incumbents buy more land in 2020–2025 (some left idle); a few old idle plots."""
        rng = self.rng
        above = [e for e in self.enterprises
                 if e.origin == "incumbent" and e.revenue[FIRST_YEAR] >= 2000]
        for e in above:
            owned_mu = sum(h.area_dm2 for h in e.holdings) / mu_to_dm2(1)
            if rng.random() < 0.13 and owned_mu < 120:
                year = int(rng.integers(FIRST_YEAR, LAST_YEAR + 1))
                zone = e.zone if e.zone in ("SY", "CS") or year < 2021 else "ZZ"
                mu = float(min(_lognormal(rng, 15, 0.5), 150 - owned_mu))
                self._holding(e, mu, _day(rng, date(year, 1, 15), date(year, 11, 30)), zone=zone,
                              idle=rng.random() < 0.3, standard=year >= 2021 and rng.random() < 0.6)
        old = [e for e in self.enterprises if e.origin == "incumbent" and e.holdings]
        for i in rng.choice(len(old), 6, replace=False):
            e = old[int(i)]
            year = int(rng.integers(max(ZONE_BY_CODE[e.zone].opened + 1, 2012), 2019))
            self._holding(e, float(rng.uniform(4, 20)),
                          _day(rng, date(year, 1, 1), date(year, 12, 31)), idle=True)


def build_population(rng: np.random.Generator) -> list[Enterprise]:
    b = _Builder(rng)
    for _ in range(INCUMBENTS_ABOVE):
        b.incumbent(above=True)
    for _ in range(INCUMBENTS_BELOW):
        b.incumbent(above=False)
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for _ in range(int(rng.integers(*PROJECTS_PER_YEAR, endpoint=True))):
            b.project(year)
        if year > FIRST_YEAR:
            for _ in range(int(rng.integers(*SMALL_ENTRANTS_PER_YEAR, endpoint=True))):
                b.small_entrant(year)
    for _ in range(SIGNED_WITHOUT_LAND):
        b.signed_without_land()
    b.expansions()
    return b.enterprises

