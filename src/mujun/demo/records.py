"""Table rows: the yearly enterprise tables (evaluation.md §1) and the enterprise registry."""

from __future__ import annotations

from datetime import date

from mujun.demo.county import INDUSTRY_BY_CODE, LAST_YEAR, PARKS
from mujun.demo.flags import FLAG_TAGS
from mujun.demo.leases import leased_dm2
from mujun.demo.model import DM2_PER_M2, Enterprise, Lease
from mujun.engine.fields import BONUS_FLAGS, FIELDS

Cell = str | bool | float | date | None

LIFECYCLE = {"planning": "筹建", "building": "在建", "producing": "投产", "above_scale": "规上",
             "moved_out": "迁出", "deregistered": "注销"}
REGISTRY_COLUMNS = ("uscc", "name", "town", "park", "industry_code", "industry_name", "scale",
                    "stage", "stage_zh", "established", "tags", "ipo_stage", "left_year")
_PARK_NAMES = {z.code: z.park for z in PARKS}


def enterprise_rows(enterprises: list[Enterprise], leases: list[Lease], year: int
                    ) -> list[dict[str, Cell]]:
    """One row per enterprise present in ``year``, keys in ``FIELDS`` order; None = empty cell."""
    leased_in, leased_out = leased_dm2(leases, year)
    rows = []
    for e in enterprises:
        if not e.present(year):
            continue
        f = e.figures[year]
        row: dict[str, Cell] = {
            "uscc": e.uscc, "name": e.name, "town": e.town, "industry_code": e.industry,
            "above_scale": f.above_scale,
            "production_start": None if e.production_start_missing else e.production_start,
            "land_owned_m2": e.owned_dm2(year) / DM2_PER_M2,
            # the spec reads an empty land cell as 0; departments usually leave it empty
            "land_leased_in_m2": leased_in[e.uscc] / DM2_PER_M2 or None,
            "land_leased_out_m2": leased_out[e.uscc] / DM2_PER_M2 or None,
            "tax_paid": f.tax_paid, "value_added": f.value_added, "revenue": f.revenue,
            "rd_expense": f.rd_expense, "employees": f.employees, "energy_tce": f.energy_tce,
            "emissions_t": f.emissions_t, "electricity_kwh": f.electricity_kwh,
            "water_t": f.water_t, "land_use_tax_due": f.land_use_tax_due,
        }
        row.update({flag: e.has_flag(flag, year) for flag in BONUS_FLAGS})
        rows.append({field.key: row[field.key] for field in FIELDS})
    return rows


def stage(e: Enterprise) -> str:
    if e.left_kind:
        return e.left_kind
    if e.first_year is None:
        return "building" if any(h.construction_start for h in e.holdings) else "planning"
    return "above_scale" if e.figures[LAST_YEAR].above_scale else "producing"


def registry_rows(enterprises: list[Enterprise]) -> list[dict[str, Cell]]:
    rows: list[dict[str, Cell]] = []
    for e in sorted(enterprises, key=lambda e: (e.established, e.uscc)):
        years = e.data_years()
        last = years[-1] if years else None
        tags = [label for flag, label in FLAG_TAGS.items()
                if last is not None and e.has_flag(flag, last)] + e.extra_tags
        s = stage(e)
        rows.append({
            "uscc": e.uscc, "name": e.name, "town": e.town, "park": _PARK_NAMES.get(e.zone, ""),
            "industry_code": e.industry, "industry_name": INDUSTRY_BY_CODE[e.industry].name,
            "scale": "" if last is None else "above" if e.figures[last].above_scale else "below",
            "stage": s, "stage_zh": LIFECYCLE[s], "established": e.established,
            "tags": ";".join(tags), "ipo_stage": e.ipo_stage,
            "left_year": str(e.left_year) if e.left_year else None,
        })
    return rows
