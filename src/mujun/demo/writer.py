"""Writing the demo county to files: CSV (UTF-8, no BOM, ``\\n`` line ends) and GeoJSON.

Cells: empty for missing, ``true``/``false``, ISO dates, numbers in their shortest exact form.
Nothing here depends on the clock or the platform, so one seed always gives the same bytes.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from mujun.demo.county import ZONE_BY_CODE
from mujun.demo.incidents import Incident
from mujun.demo.model import DM2_PER_M2, Holding, Lease
from mujun.demo.parcels import Commitment, feature
from mujun.demo.power import MonthlyPower
from mujun.demo.programmes import (
    PAYMENT_PROGRAMMES,
    REQUEST_STATUS,
    REQUESTS,
    TALENT,
    Payment,
    Person,
    ServiceRequest,
)
from mujun.demo.projects import STAGES, Project
from mujun.demo.records import REGISTRY_COLUMNS, Cell
from mujun.engine.fields import FIELDS, INCIDENT_COLUMNS

ENTERPRISE_COLUMNS = tuple(f.key for f in FIELDS)


def cell(value: Cell | int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Cell | int]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(columns)
        out.writerows([cell(v) for v in row] for row in rows)
    return path


def write_enterprises(path: Path, rows: list[dict[str, Cell]]) -> Path:
    return write_csv(path, ENTERPRISE_COLUMNS, ([r[k] for k in ENTERPRISE_COLUMNS] for r in rows))


def write_registry(path: Path, rows: list[dict[str, Cell]]) -> Path:
    return write_csv(path, REGISTRY_COLUMNS, ([r[k] for k in REGISTRY_COLUMNS] for r in rows))


def write_incidents(path: Path, incidents: list[Incident]) -> Path:
    return write_csv(path, [k for k, _ in INCIDENT_COLUMNS],
                     ((i.uscc, str(i.year), i.type, i.date, i.note) for i in incidents))


def write_parcels(path: Path, holdings: list[Holding]) -> Path:
    """A FeatureCollection, one feature per line, in parcel-id order."""
    features = [json.dumps(feature(h, ZONE_BY_CODE[h.zone]), ensure_ascii=False,
                           separators=(",", ":"))
                for h in sorted(holdings, key=lambda h: h.parcel_id)]
    text = ('{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n")
    path.write_text(text, encoding="utf-8")
    return path


def write_leases(path: Path, leases: list[Lease]) -> Path:
    rows = sorted(((ls.holding.parcel_id, ls.lessor, ls.lessee, ls.area_dm2 / DM2_PER_M2,
                    ls.start, ls.end) for ls in leases), key=lambda r: (r[0], r[2]))
    return write_csv(path, ("parcel_id", "lessor_uscc", "lessee_uscc", "area_m2", "start", "end"),
                     rows)


def write_standard_land(path: Path, commitments: list[Commitment]) -> Path:
    return write_csv(path, ("parcel_id", "owner_uscc", "investment_intensity_wan_per_mu",
                            "plot_ratio", "tax_per_mu_wan", "energy_per_va_tce",
                            "years_to_attainment", "penalty_note"),
                     ((c.holding.parcel_id, c.holding.owner, c.investment_intensity_wan_per_mu,
                       c.plot_ratio, c.tax_per_mu_wan, c.energy_per_va_tce,
                       str(c.years_to_attainment), c.penalty_note) for c in commitments))


#: the columns of the day each stage (but 签约, whose day is ``signed``) was entered
PROJECT_DATE_COLUMNS = tuple(f"{s}_on" for s in STAGES if s != "signed")


def write_projects(path: Path, projects: list[Project]) -> Path:
    return write_csv(path, ("project_id", "name", "stage", "stage_zh", "planned_investment_wan",
                            "actual_investment_wan", "lead", "parcel_id", "uscc", "signed",
                            "industry_code", *PROJECT_DATE_COLUMNS),
                     ((p.project_id, p.name, p.stage, STAGES[p.stage], p.planned_investment_wan,
                       p.actual_investment_wan, p.lead, p.parcel_id, p.uscc, p.signed,
                       p.industry_code,
                       *(p.stage_dates.get(c.removesuffix("_on")) for c in PROJECT_DATE_COLUMNS))
                      for p in projects))


def write_talent(path: Path, people: list[Person]) -> Path:
    return write_csv(path, ("person_id", "pseudonym", "category", "category_zh", "year", "uscc",
                            "town"),
                     ((p.person_id, p.pseudonym, p.category, TALENT[p.category][0], str(p.year),
                       p.uscc, p.town) for p in people))


def write_payments(path: Path, payments: list[Payment]) -> Path:
    return write_csv(path, ("uscc", "year", "programme", "programme_zh", "amount_wan", "paid_on",
                            "note"),
                     ((p.uscc, str(p.year), p.programme, PAYMENT_PROGRAMMES[p.programme],
                       p.amount_wan, p.paid_on, p.note) for p in payments))


def write_requests(path: Path, requests: list[ServiceRequest]) -> Path:
    return write_csv(path, ("request_id", "uscc", "submitted", "category", "category_zh",
                            "summary", "department", "due", "status", "status_zh", "closed",
                            "satisfaction"),
                     ((r.request_id, r.uscc, r.submitted, r.category, REQUESTS[r.category][0],
                       r.summary, r.department, r.due, r.status, REQUEST_STATUS[r.status],
                       r.closed, r.satisfaction) for r in requests))


def write_investment(path: Path, investment: dict[int, float]) -> Path:
    return write_csv(path, ("year", "industrial_investment_wan"),
                     ((str(y), v) for y, v in sorted(investment.items())))


#: the power company's headers (io/power.POWER_COLUMNS; a test keeps them equal)
POWER_HEADERS = ("统一社会信用代码", "月份", "用电量(千瓦时)")


def write_power(path: Path, power: MonthlyPower) -> Path:
    """The readings as text in one pass (a cell never needs quoting: codes, months and whole kWh);
    months ``YYYY-MM`` (not engine/monitoring/months.text: importing the engine takes seconds)."""
    texts = {m: f"{m // 12:04d}-{m % 12 + 1:02d}" for m in set(power.month.tolist())}
    body = "".join([f"{code},{texts[m]},{kwh}\n" for code, m, kwh in
                    zip(power.uscc.tolist(), power.month.tolist(), power.kwh.tolist(),
                        strict=True)])
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(POWER_HEADERS) + "\n" + body)
    return path
