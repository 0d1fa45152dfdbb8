"""Build the whole demo county from one seed and write it to a directory.

Each part draws from its own random stream (seeded by the seed and the part's name), so the files
depend only on the seed, and changing one part's drawing leaves the others' data as they were.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mujun.demo import writer
from mujun.demo.contracts import add_small_micro_idle, draw_contracts
from mujun.demo.county import DEFAULT_SEED, YEARS
from mujun.demo.economics import draw_all_figures, draw_traits, simulate_revenue
from mujun.demo.flags import draw_flags, draw_tags
from mujun.demo.incidents import Incident, draw_incidents
from mujun.demo.leases import draw_leases
from mujun.demo.model import Enterprise, Holding, Lease
from mujun.demo.parcels import (
    Commitment,
    add_reserve_land,
    all_holdings,
    draw_commitments,
    lay_out,
)
from mujun.demo.population import build_population
from mujun.demo.power import MonthlyPower, draw_power
from mujun.demo.programmes import (
    Payment,
    Person,
    ServiceRequest,
    draw_payments,
    draw_requests,
    draw_talent,
)
from mujun.demo.projects import Project, draw_projects, industrial_investment
from mujun.demo.readme import readme
from mujun.demo.records import enterprise_rows, registry_rows

#: every file :func:`generate` writes, in order
OUTPUT_FILES: tuple[str, ...] = (
    *(f"enterprises-{year}.csv" for year in YEARS),
    "incidents.csv", "registry.csv", "parcels.geojson", "leases.csv", "standard_land.csv",
    "projects.csv", "talent.csv", "service_requests.csv", "industrial_investment.csv",
    "incentive_payments.csv", "power-monthly.csv", "README.md",
)


def stream(seed: int, part: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(part.encode())])


@dataclass
class County:
    seed: int
    enterprises: list[Enterprise]
    holdings: list[Holding]
    leases: list[Lease]
    commitments: list[Commitment]
    incidents: list[Incident]
    projects: list[Project]
    talent: list[Person]
    payments: list[Payment]
    requests: list[ServiceRequest]
    investment: dict[int, float]
    power: MonthlyPower


def build(seed: int = DEFAULT_SEED) -> County:
    enterprises = build_population(stream(seed, "population"))
    draw_flags(stream(seed, "flags"), enterprises)
    traits = stream(seed, "traits")
    for e in enterprises:
        draw_traits(traits, e)
    simulate_revenue(stream(seed, "growth"), enterprises)
    draw_tags(stream(seed, "tags"), enterprises)
    add_small_micro_idle(stream(seed, "small_micro_idle"), enterprises)
    holdings = all_holdings(enterprises, add_reserve_land(stream(seed, "reserve")))
    lay_out(holdings)
    draw_all_figures(stream(seed, "figures"), enterprises)
    commitments = draw_commitments(stream(seed, "standard_land"), holdings,
                                   {e.uscc: e.production_start for e in enterprises})
    draw_contracts(stream(seed, "contracts"), holdings, commitments)
    talent = draw_talent(stream(seed, "talent"), enterprises)
    return County(
        seed=seed,
        enterprises=enterprises,
        holdings=holdings,
        leases=draw_leases(stream(seed, "leases"), enterprises),
        commitments=commitments,
        incidents=draw_incidents(stream(seed, "incidents"), enterprises),
        projects=draw_projects(stream(seed, "projects"), enterprises, commitments),
        talent=talent,
        payments=draw_payments(stream(seed, "payments"), enterprises, talent),
        requests=draw_requests(stream(seed, "requests"), enterprises),
        investment=industrial_investment(stream(seed, "investment")),
        power=draw_power(stream(seed, "power"), enterprises),
    )


def generate(out_dir: Path, seed: int = DEFAULT_SEED, *,
             progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write the demo county for ``seed`` into ``out_dir`` (created if needed).

    Returns the paths written, in order; ``progress`` is called with each step's name.
    """
    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    step("simulating")
    county = build(seed)
    outputs: dict[str, tuple[Callable[[Path, Any], Path], Sized]] = {
        **{f"enterprises-{year}.csv":
           (writer.write_enterprises, enterprise_rows(county.enterprises, county.leases, year))
           for year in YEARS},
        "incidents.csv": (writer.write_incidents, county.incidents),
        "registry.csv": (writer.write_registry, registry_rows(county.enterprises)),
        "parcels.geojson": (writer.write_parcels, county.holdings),
        "leases.csv": (writer.write_leases, county.leases),
        "standard_land.csv": (writer.write_standard_land, county.commitments),
        "projects.csv": (writer.write_projects, county.projects),
        "talent.csv": (writer.write_talent, county.talent),
        "service_requests.csv": (writer.write_requests, county.requests),
        "industrial_investment.csv": (writer.write_investment, county.investment),
        "incentive_payments.csv": (writer.write_payments, county.payments),
        "power-monthly.csv": (writer.write_power, county.power),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (write, data) in outputs.items():
        step(name)
        paths.append(write(out_dir / name, data))
    step("README.md")
    counts = {name: len(data) for name, (_write, data) in outputs.items()}
    readme_path = out_dir / "README.md"
    readme_path.write_text(readme(seed, counts), encoding="utf-8")
    return [*paths, readme_path]
