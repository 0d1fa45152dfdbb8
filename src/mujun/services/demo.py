"""The demo county in the store: registry and land loaded, 2020–2025 figures through the same
department imports a clerk uses, runs 2020–2024 final and 2025 in notice with appeals."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from mujun.services import appeals, audit, runs
from mujun.services.county import set_county_figure
from mujun.services.departments import DEPARTMENTS
from mujun.services.errors import InvalidInput
from mujun.services.imports import import_file
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


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _num(text: str | None) -> float | None:
    return float(text) if text not in (None, "") else None


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_registry(*, session: Session, actor: User | None, path: Path) -> int:
    rows = _csv(path)
    for r in rows:
        ent = Enterprise(
            uscc=r["uscc"], name=r["name"], town=r["town"] or None, park=r["park"] or None,
            industry_code=r["industry_code"] or None,
            above_scale={"above": True, "below": False}.get(r["scale"]),
            lifecycle=r["stage"] or None, established=_date(r["established"]),
            left_year=int(r["left_year"]) if r["left_year"] else None, version=1,
            tags=[EnterpriseTag(tag=t) for t in dict.fromkeys(r["tags"].split(";")) if t],
        )
        session.add(ent)
    session.flush()
    audit.record(session=session, actor=actor, action="registry.load", entity="enterprise",
                 summary=f"{len(rows)} enterprises from {path.name}", after={"rows": len(rows)})
    return len(rows)


def load_land(*, session: Session, actor: User | None, folder: Path) -> int:
    ids = dict(session.execute(select(Enterprise.uscc, Enterprise.id)).tuples().all())
    features = json.loads((folder / "parcels.geojson").read_text(encoding="utf-8"))["features"]
    parcels: dict[str, Parcel] = {}
    for f in features:
        p: dict[str, Any] = f["properties"]
        parcel = Parcel(
            parcel_code=p["parcel_id"], area_m2=float(p["area_m2"]),
            owner_id=ids.get(p.get("owner_uscc") or ""), use=p.get("use"), town=p.get("town"),
            zone=p.get("zone"), standard_land=bool(p.get("standard_land")),
            acquired_on=_date(p.get("acquired")),
            agreed_construction_start=_date(p.get("agreed_start")),
            construction_started_on=_date(p.get("construction_start")), geometry=f["geometry"],
            version=1,
        )
        parcels[parcel.parcel_code] = parcel
        session.add(parcel)
    session.flush()
    for r in _csv(folder / "leases.csv"):
        session.add(Lease(parcel_id=parcels[r["parcel_id"]].id, lessor_id=ids.get(r["lessor_uscc"]),
                          lessee_id=ids.get(r["lessee_uscc"]), area_m2=float(r["area_m2"]),
                          start_on=_date(r["start"]), end_on=_date(r["end"]), version=1))
    for r in _csv(folder / "standard_land.csv"):
        session.add(StandardLandCommitment(
            parcel_id=parcels[r["parcel_id"]].id,
            investment_wan_per_mu=_num(r["investment_intensity_wan_per_mu"]),
            plot_ratio=_num(r["plot_ratio"]), tax_wan_per_mu=_num(r["tax_per_mu_wan"]),
            energy_tce_per_wan=_num(r["energy_per_va_tce"]),
            review_after_years=int(r["years_to_attainment"]) if r["years_to_attainment"] else None,
            penalty=r["penalty_note"] or None, version=1,
        ))
    session.flush()
    audit.record(session=session, actor=actor, action="land.load", entity="parcel",
                 summary=f"{len(parcels)} parcels with leases and 标准地 from {folder.name}",
                 after={"parcels": len(parcels)})
    return len(parcels)


def load_county_figures(*, session: Session, actor: User | None, path: Path) -> int:
    """工业投资 per year (the fifth 五个翻番 target) from the demo's county series."""
    rows = _csv(path)
    for row in rows:
        value = _num(row["industrial_investment_wan"])
        if value is not None:
            set_county_figure(session=session, actor=actor, year=int(row["year"]),
                              name=INDUSTRIAL_INVESTMENT, value=value, source="demo: 统计局")
    return len(rows)


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
    for year in YEARS:
        say(f"imports {year}")
        import_year(session=session, actor=actor, folder=folder, year=year)
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
    mark_demo_store(session=session, actor=actor)


def mark_demo_store(*, session: Session, actor: User | None) -> None:
    """Record in the store that it holds the demo county: only such a store, served on this
    machine alone, gets accounts with the published demo password."""
    audit.record(session=session, actor=actor, action=DEMO_MARK, entity="store",
                 summary="the demo county 松阳县 (synthetic data)")


def is_demo_store(session: Session) -> bool:
    return bool(session.scalar(select(exists().where(AuditRecord.action == DEMO_MARK))))
