"""The demo county in the store: registry and land loaded, 2020–2025 figures through the same
department imports a clerk uses, runs 2020–2024 final and 2025 in notice with appeals.

The registry, land and county-series files are read and checked by io/ (docs/architecture.md,
"Readers"); this module only writes their records, and refuses a file with errors before writing
anything of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from mujun.engine.policy import load_shipped_policy
from mujun.io.county_figures import read_industrial_investment
from mujun.io.land import read_leases, read_parcels, read_standard_land
from mujun.io.problems import HasProblems, InputError
from mujun.io.registry import read_registry
from mujun.io.service_requests import read_service_requests
from mujun.services import appeals, audit, runs
from mujun.services.county import set_county_figure
from mujun.services.departments import DEPARTMENTS
from mujun.services.errors import InvalidInput
from mujun.services.imports import import_file
from mujun.services.land.demo_cases import load_demo_cases
from mujun.services.land.demo_reviews import load_demo_reviews
from mujun.services.monitoring.demo import POWER_FILE, load_demo_power
from mujun.services.policies.stored import store_policy
from mujun.services.programmes.demo import load_programmes
from mujun.services.programmes.demo_requests import load_requests
from mujun.services.projects.demo import load_projects
from mujun.store.models import (
    AuditRecord,
    Enterprise,
    EnterpriseTag,
    Lease,
    Parcel,
    RunResult,
    StandardLandCommitment,
    User,
)
from mujun.store.models.county import INDUSTRIAL_INVESTMENT

#: the audit action that marks a store as holding the demo county (services/first_start.py)
DEMO_MARK = "store.demo"
YEARS = range(2020, 2026)
FINAL_YEARS = range(2020, 2025)
Say = Callable[[str], None]
#: how many of a refused file's problems the message lists
SHOWN_PROBLEMS = 5


def _refuse_errors(found: HasProblems, file: str) -> None:
    """:class:`InvalidInput` listing the first few errors, when a file read has any: nothing of a
    file with errors is written."""
    errors = found.errors
    if errors:
        shown = "\n".join(f"  {p}" for p in errors[:SHOWN_PROBLEMS])
        rest = len(errors) - SHOWN_PROBLEMS
        more = f"\n  … 另有 {rest} 个错误 (more errors)" if rest > 0 else ""
        raise InvalidInput(f"{file}: {len(errors)} 个错误，未导入 (errors; nothing loaded)\n"
                           f"{shown}{more}")


Found = TypeVar("Found", bound=HasProblems)


def _read(read: Callable[[Path], Found], path: Path) -> Found:
    try:
        found = read(path)
    except InputError as exc:
        raise InvalidInput(str(exc.problem)) from None
    _refuse_errors(found, path.name)
    return found


def load_registry(*, session: Session, actor: User | None, path: Path) -> int:
    registry = _read(read_registry, path)
    for r in registry.records:
        session.add(Enterprise(
            uscc=r.uscc, name=r.name, town=r.town, park=r.park, industry_code=r.industry_code,
            above_scale=r.above_scale, lifecycle=r.lifecycle, established=r.established,
            left_year=r.left_year, version=1, tags=[EnterpriseTag(tag=t) for t in r.tags],
        ))
    session.flush()
    n = len(registry.records)
    audit.record(session=session, actor=actor, action="registry.load", entity="enterprise",
                 summary=f"{n} enterprises from {path.name}", after={"rows": n})
    return n


def load_land(*, session: Session, actor: User | None, folder: Path) -> int:
    """Parcels, leases and 标准地 commitments; every file is read and checked before any is
    written."""
    parcels_in = _read(read_parcels, folder / "parcels.geojson")
    leases_in = _read(partial(read_leases, parcels=parcels_in.codes), folder / "leases.csv")
    commitments_in = _read(partial(read_standard_land, parcels=parcels_in.codes),
                           folder / "standard_land.csv")
    ids = {uscc: id_ for uscc, id_ in session.execute(select(Enterprise.uscc, Enterprise.id))}
    parcels: dict[str, Parcel] = {}
    for record in parcels_in.records:
        p = record.parcel
        parcel = Parcel(
            parcel_code=p.parcel_id, area_m2=p.area_m2, owner_id=ids.get(p.owner_uscc or ""),
            use=p.use, town=p.town, zone=p.zone, standard_land=p.standard_land,
            acquired_on=p.acquired, agreed_construction_start=p.agreed_start,
            construction_started_on=p.construction_start, land_price_wan=p.land_price_wan,
            floor_area_m2=p.floor_area_m2, delay_cause=p.delay_cause, geometry=record.geometry,
            version=1,
        )
        parcels[parcel.parcel_code] = parcel
        session.add(parcel)
    session.flush()
    for ls in leases_in.records:
        session.add(Lease(parcel_id=parcels[ls.parcel_code].id,
                          lessor_id=ids.get(ls.lessor_uscc or ""),
                          lessee_id=ids.get(ls.lessee_uscc or ""), area_m2=ls.area_m2,
                          start_on=ls.start_on, end_on=ls.end_on, version=1))
    for c in (r.commitment for r in commitments_in.records):
        session.add(StandardLandCommitment(
            parcel_id=parcels[c.parcel_id].id,
            investment_wan_per_mu=c.investment_intensity_wan_per_mu, plot_ratio=c.plot_ratio,
            tax_wan_per_mu=c.tax_per_mu_wan, energy_tce_per_wan=c.energy_per_va_tce,
            review_after_years=c.years_to_attainment, penalty=c.penalty_note, version=1,
        ))
    session.flush()
    audit.record(session=session, actor=actor, action="land.load", entity="parcel",
                 summary=f"{len(parcels)} parcels with leases and 标准地 from {folder.name}",
                 after={"parcels": len(parcels)})
    return len(parcels)


def load_county_figures(*, session: Session, actor: User | None, path: Path) -> int:
    """工业投资 per year (the fifth 五个翻番 target) from the demo's county series."""
    series = _read(read_industrial_investment, path)
    for row in series.records:
        if row.value is not None:
            set_county_figure(session=session, actor=actor, year=row.year,
                              name=INDUSTRIAL_INVESTMENT, value=row.value, source="demo: 统计局")
    return len(series.records)


def import_year(*, session: Session, actor: User | None, folder: Path, year: int) -> None:
    """Every department's part of the year's table, then every department's incidents."""
    table = folder / f"enterprises-{year}.csv"
    for dept in DEPARTMENTS.values():
        if dept.fields:
            result = import_file(session=session, actor=actor, path=table,
                                 department_code=dept.code, year=year)
            if not result.ok:
                raise InvalidInput(f"demo import {table.name} ({dept.code}) failed: "
                                   f"{result.errors[0]}")
    for dept in DEPARTMENTS.values():
        if dept.incident_types:
            result = import_file(session=session, actor=actor, path=folder / "incidents.csv",
                                 department_code=dept.code, year=year)
            if not result.ok:
                raise InvalidInput(f"demo incidents ({dept.code}, {year}) failed: "
                                   f"{result.errors[0]}")


def load_demo(*, session: Session, actor: User | None, folder: Path, say: Say,
              now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    say("registry and land")
    load_registry(session=session, actor=actor, path=folder / "registry.csv")
    load_land(session=session, actor=actor, folder=folder)
    load_county_figures(session=session, actor=actor, path=folder / "industrial_investment.csv")
    load_projects(session=session, actor=actor, path=folder / "projects.csv", year=YEARS[-1])
    load_programmes(session=session, actor=actor, folder=folder)
    for year in YEARS:
        say(f"imports {year}")
        import_year(session=session, actor=actor, folder=folder, year=year)
    say(f"the county's policy {DEMO_POLICY}")
    store_demo_policy(session=session, actor=actor, now=datetime(2024, 1, 15, tzinfo=UTC))
    for year in FINAL_YEARS:
        say(f"run {year}")
        run = runs.create_run(session=session, actor=actor, year=year,
                              now=datetime(year + 1, 3, 20, tzinfo=UTC))
        runs.publish_run(session=session, actor=actor, run_id=run.id,
                         now=datetime(year + 1, 4, 1, tzinfo=UTC))
        runs.finalize_run(session=session, actor=actor, run_id=run.id,
                          now=runs.notice_end(run) + timedelta(days=1))
    say("run 2025 in notice with appeals")
    run = runs.create_run(session=session, actor=actor, year=2025, now=now - timedelta(days=2))
    runs.publish_run(session=session, actor=actor, run_id=run.id, now=now - timedelta(days=1))
    candidates = session.scalars(
        select(RunResult).where(RunResult.run_id == run.id, RunResult.class_.in_(("C", "D")),
                                RunResult.vetoed.is_(False)).order_by(RunResult.row_no).limit(2)
    ).all()
    reasons = ["本年度实缴税收漏报一笔增值税退库，申请核实税收数据。",
               "用地面积含已租出厂房，申请按实际使用面积核算亩均指标。"]
    filed = [appeals.file_appeal(session=session, actor=actor, run_id=run.id, uscc=c.uscc,
                                 reason=text, now=now - timedelta(hours=20))
             for c, text in zip(candidates, reasons, strict=False)]
    if len(filed) > 1:
        appeals.resolve_appeal(session=session, actor=actor, appeal_id=filed[1].id, accept=False,
                               note="经自然资源局核实，租出面积已在租出用地中扣除，维持原结果。",
                               now=now - timedelta(hours=2))
    load_requests(session=session, actor=actor, now=now,
                  found=_read(read_service_requests, folder / "service_requests.csv"))
    load_demo_cases(session=session, actor=actor)
    if (folder / POWER_FILE).exists():
        say("电力监测 power monitoring 2021-01 … 2025-12")
        load_demo_power(session=session, actor=actor, folder=folder)
    say("达产复核 2024 and 2025")
    load_demo_reviews(session=session, actor=actor, now=now)
    mark_demo_store(session=session, actor=actor)


#: the demo county's own 办法, kept in the store as a county keeps its own: runs of 2024 and later
#: use it, earlier years the template (``services.policies.choice.policy_for``)
DEMO_POLICY = "songyang-2024"


def store_demo_policy(*, session: Session, actor: User | None, now: datetime) -> None:
    store_policy(session=session, actor=actor, text=load_shipped_policy(DEMO_POLICY).text,
                 filename=f"{DEMO_POLICY}.yaml", note="松阳县 2024 年修订的评价办法（演示）",
                 now=now)


def mark_demo_store(*, session: Session, actor: User | None) -> None:
    """Record in the store that it holds the demo county: only such a store, served on this
    machine alone, gets accounts with the published demo password."""
    audit.record(session=session, actor=actor, action=DEMO_MARK, entity="store",
                 summary="the demo county 松阳县 (synthetic data)")


def is_demo_store(session: Session) -> bool:
    return bool(session.scalar(select(exists().where(AuditRecord.action == DEMO_MARK))))
