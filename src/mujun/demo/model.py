"""The in-memory demo county: enterprises with their land holdings, yearly figures and leases.

Areas are whole ``dm2`` (1 dm² = 0.01 m²) so that parcels, leases and the enterprise tables add up
exactly; they are written as m² with two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from mujun.demo.county import LAST_YEAR, YEARS

DM2_PER_M2 = 100
DM2_PER_MU = 10000 / 15 * DM2_PER_M2


def mu_to_dm2(mu: float) -> int:
    return round(mu * DM2_PER_MU)


@dataclass
class Holding:
    """A parcel of industrial land (before and after it is laid out on the map)."""

    owner: str | None  # uscc; None for reserve land
    zone: str
    area_dm2: int
    acquired: date | None
    agreed_start: date | None
    construction_start: date | None
    standard_land: bool
    parcel_id: str = ""
    #: closed ring of (lon, lat), filled by the layout
    ring: list[tuple[float, float]] = field(default_factory=list)
    #: the land contract (:mod:`mujun.demo.contracts`): 出让价款 (万元), floor area built (m²),
    #: the accepted cause of a late start
    land_price_wan: float | None = None
    floor_area_m2: float | None = None
    delay_cause: str | None = None


@dataclass
class Figures:
    """One enterprise's reported figures for one year; None is a missing cell."""

    revenue: float | None
    tax_paid: float | None
    value_added: float | None
    rd_expense: float | None
    employees: float | None
    energy_tce: float | None
    emissions_t: float | None
    electricity_kwh: float | None
    water_t: float | None
    land_use_tax_due: float | None
    above_scale: bool


@dataclass(frozen=True)
class Traits:
    """An enterprise's intensities, drawn once: each year's figures are revenue times these."""

    tax_rate: float = 0.0
    va_rate: float = 0.0
    rd_rate: float = 0.0
    worker_revenue: float = 1.0  # 万元 of revenue per employee
    energy: float = 0.0  # tce per 万元
    emissions: float = 0.0  # t per 万元
    water: float = 0.0  # t per 万元
    power_share: float = 0.0  # share of energy bought as electricity
    zero_energy: bool = False
    zero_emissions: bool = False
    land_tax_unreported: bool = False
    drift: float = 0.0  # the enterprise's own yearly log growth on top of the county's
    capacity: float = float("inf")  # the most revenue (万元) its premises allow


@dataclass
class Enterprise:
    uscc: str
    name: str
    town: str
    zone: str
    industry: str
    #: how it entered the demo: incumbent, small_entrant, project, signed (a project without land)
    origin: str
    established: date
    #: None while 筹建/在建 (no production yet)
    production_start: date | None
    #: the year the enterprise first appears in the annual tables (None: never)
    first_year: int | None
    #: the year it moved out or was deregistered (no row from that year on)
    left_year: int | None = None
    left_kind: str = ""  # moved_out / deregistered
    #: revenue (万元) by year, the driver of every other figure
    revenue: dict[int, float] = field(default_factory=dict)
    figures: dict[int, Figures] = field(default_factory=dict)
    holdings: list[Holding] = field(default_factory=list)
    #: bonus flag -> first year it holds (high_tech, specialized, listed, rd_center)
    flag_since: dict[str, int] = field(default_factory=dict)
    #: registry-only tags (未来工厂, 智能工厂, 数字化车间)
    extra_tags: list[str] = field(default_factory=list)
    ipo_stage: str = ""
    #: the production_start cell is left empty in the tables (a data gap)
    production_start_missing: bool = False
    #: a 招商 project's revenue (万元) once it has ramped up
    mature_revenue: float | None = None
    traits: Traits = field(default_factory=Traits)

    def data_years(self) -> list[int]:
        if self.first_year is None:
            return []
        end = self.left_year if self.left_year is not None else LAST_YEAR + 1
        return [y for y in YEARS if self.first_year <= y < end]

    def present(self, year: int) -> bool:
        return year in self.data_years()

    def owned_dm2(self, year: int) -> int:
        return sum(h.area_dm2 for h in self.holdings
                   if h.acquired is not None and h.acquired.year <= year)

    def has_flag(self, flag: str, year: int) -> bool:
        since = self.flag_since.get(flag)
        return since is not None and since <= year


@dataclass
class Lease:
    holding: Holding
    lessor: str
    lessee: str
    area_dm2: int
    start: date
    end: date

    def covers(self, year: int) -> bool:
        """A lease counts in every year it overlaps."""
        return self.start <= date(year, 12, 31) and self.end >= date(year, 1, 1)
