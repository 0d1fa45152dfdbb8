"""驾驶舱: the county's aggregates for leaders (platform.md module 9, and the targets of module 8
as ``services.targets`` computes them).

Every figure of a year comes from that year's published run: its result rows, its frozen snapshot
(the enterprise table it evaluated) and the county figures it froze, so an import after publication
never moves a published year (docs/security.md). Only the parcel map reads the land register as it
is now. Results are cached per process under a data version read from the store (newest run, import
and figure change), so a worker never serves stale numbers and several workers need no shared state.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mujun.engine.labels import GROUP_ZH
from mujun.io.number_formats import m2_to_mu
from mujun.services.access import Action, require
from mujun.services.industries import industry_label
from mujun.services.land.case_stats import DisposalSummary, disposal_summary
from mujun.services.land_status import flagged_status
from mujun.services.monitoring.summary import AlertSummary, alert_summary
from mujun.services.published import RunRef, published_runs
from mujun.services.targets import sources as target_sources
from mujun.services.targets.report import TargetPublic
from mujun.services.targets.report import compute as compute_targets
from mujun.store.models import (
    Enterprise,
    FigureChange,
    ImportBatch,
    Parcel,
    Run,
    RunResult,
    User,
)
from mujun.store.models.county import CountyFigure

CLASSES = ("A", "B", "C", "D")
TOP_N = 10


class MixRow(BaseModel):
    key: str
    label: str
    evaluated: int
    A: int
    B: int
    C: int
    D: int


class TrendPoint(BaseModel):
    year: int
    run: str
    evaluated: int
    A: int
    B: int
    C: int
    D: int
    mean_score: float | None
    low_efficiency_count: int
    low_efficiency_mu: float


class RankRow(BaseModel):
    uscc: str
    name: str | None
    town: str | None
    group: str
    score: float | None
    rank: int | None
    klass: str | None


class LowEfficiency(BaseModel):
    count: int
    mu: float


class CockpitPublic(BaseModel):
    year: int | None
    years: list[int]
    run: RunRef | None
    groups: list[MixRow]
    by_town: list[MixRow]
    by_industry: list[MixRow]
    trend: list[TrendPoint]
    #: 五个翻番 and 个十百千万亿 of the year (services/targets, docs/targets.md)
    targets: list[TargetPublic]
    programme: list[TargetPublic]
    base_year: int
    target_year: int
    low_efficiency: LowEfficiency
    top: list[RankRow]
    bottom: list[RankRow]
    #: 腾笼换鸟 disposal cases (not cached: cases change without a run or an import)
    disposal: DisposalSummary | None = None
    #: power alerts by town and industry, the county's monthly kWh (not cached either: a visit
    #: closes an alert without an import)
    monitoring: AlertSummary | None = None


@dataclass(frozen=True)
class _Row:
    uscc: str
    name: str | None
    group: str | None
    klass: str | None
    score: float | None
    rank: int | None
    low: bool
    land_mu: float | None
    town: str | None
    industry_code: str | None


_cache: dict[tuple[Any, ...], Any] = {}
_cache_lock = threading.Lock()
_CACHE_SIZE = 64


def _cached(session: Session, key: tuple[Any, ...], compute: Any) -> Any:
    """``compute()`` cached under ``key`` within the session's store: a process may serve more
    than one store (the tests do), and a run id or a data version names nothing across stores."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    key = (engine.url.render_as_string(hide_password=True), *key)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    value = compute()
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = value
    return value


def data_version(session: Session) -> tuple[Any, ...]:
    """Changes whenever a run, an import or a figure edit is written."""
    return tuple(session.execute(select(
        select(func.max(Run.id)).scalar_subquery(),
        select(func.sum(Run.version)).scalar_subquery(),
        select(func.max(ImportBatch.id)).scalar_subquery(),
        select(func.max(FigureChange.id)).scalar_subquery(),
        select(func.count(Enterprise.id)).scalar_subquery(),
        select(func.max(CountyFigure.updated_at)).scalar_subquery(),
    )).one())


def run_rows(session: Session, run: Run) -> list[_Row]:
    """A run's result rows, narrow (cached: a run's results never change)."""
    def load() -> list[_Row]:
        land = RunResult.explanation["land_mu"].as_float()
        query = select(RunResult.uscc, RunResult.name, RunResult.group, RunResult.class_,
                       RunResult.score, RunResult.rank, RunResult.low_efficiency, land,
                       RunResult.town, RunResult.industry_code) \
            .where(RunResult.run_id == run.id).order_by(RunResult.row_no)
        return [_Row(u, n, g, k, s, r, bool(low), m, t, i)
                for u, n, g, k, s, r, low, m, t, i in session.execute(query)]
    return _cached(session, ("rows", run.id, run.results_hash), load)


def _mix(key: str, label: str, rows: list[_Row]) -> MixRow:
    counts = Counter(r.klass for r in rows)
    return MixRow(key=key, label=label, evaluated=len(rows),
                  **{k: counts.get(k, 0) for k in CLASSES})


def _mix_by(rows: list[_Row], key_of: dict[str, str | None], label: Any) -> list[MixRow]:
    parts: dict[str, list[_Row]] = defaultdict(list)
    for r in rows:
        parts[key_of.get(r.uscc) or ""].append(r)
    return [_mix(k, label(k), part) for k, part in sorted(parts.items(), key=lambda kv: kv[0])]


def _trend(session: Session, runs: dict[int, Run]) -> list[TrendPoint]:
    points = []
    for year, run in runs.items():
        rows = [r for r in run_rows(session, run) if r.group is not None]
        counts = Counter(r.klass for r in rows)
        scores = [r.score for r in rows if r.score is not None]
        low = [r for r in rows if r.low]
        points.append(TrendPoint(
            year=year, run=run.label, evaluated=len(rows),
            **{k: counts.get(k, 0) for k in CLASSES},
            mean_score=round(sum(scores) / len(scores), 4) if scores else None,
            low_efficiency_count=len(low),
            low_efficiency_mu=sum(r.land_mu or 0.0 for r in low),
        ))
    return points


def _rank_rows(rows: list[_Row], towns: dict[str, str | None], best: bool) -> list[RankRow]:
    ranked = [r for r in rows if r.group == "above" and r.score is not None]
    ranked.sort(key=lambda r: (-(r.score or 0.0), r.uscc) if best else ((r.score or 0.0), r.uscc))
    return [RankRow(uscc=r.uscc, name=r.name, town=towns.get(r.uscc), group=r.group or "",
                    score=r.score, rank=r.rank, klass=r.klass) for r in ranked[:TOP_N]]


def cockpit(*, session: Session, actor: User, year: int | None = None,
            today: date | None = None) -> CockpitPublic:
    """The cockpit of ``year`` (default: the latest published year); disposal cases as of
    ``today``."""
    require(actor, Action.COCKPIT)
    key = ("cockpit", year, data_version(session), target_sources.version(session))
    data: CockpitPublic = _cached(session, key, lambda: _compute(session, year))
    disposal = disposal_summary(session=session, actor=actor, today=today or date.today())
    alerts = alert_summary(session=session, actor=actor)
    return data.model_copy(update={"disposal": disposal, "monitoring": alerts})


def _compute(session: Session, year: int | None) -> CockpitPublic:
    runs = published_runs(session)
    years = list(runs)
    if year is None and years:
        year = years[-1]
    run = runs.get(year) if year is not None else None
    rows = [r for r in run_rows(session, run) if r.group is not None] if run else []
    # the town and industry the run saw (the registry may have changed since)
    towns = {r.uscc: r.town for r in rows}
    industries = {r.uscc: r.industry_code for r in rows}
    groups = [_mix(g, GROUP_ZH.get(g, g), [r for r in rows if r.group == g])
              for g in dict.fromkeys(r.group for r in rows if r.group)]
    plan = compute_targets(session, year)
    low = [r for r in rows if r.low]
    return CockpitPublic(
        year=year,
        years=years,
        run=RunRef.model_validate(run) if run else None,
        groups=groups,
        by_town=_mix_by(rows, towns, lambda k: k or "—"),
        by_industry=_mix_by(rows, industries, lambda k: industry_label(k or None)),
        trend=_trend(session, runs),
        targets=plan.doubling,
        programme=plan.programme,
        base_year=plan.base_year,
        target_year=plan.target_year,
        low_efficiency=LowEfficiency(count=len(low), mu=sum(r.land_mu or 0.0 for r in low)),
        top=_rank_rows(rows, towns, best=True),
        bottom=_rank_rows(rows, towns, best=False),
    )


class ParcelMap(BaseModel):
    """A GeoJSON FeatureCollection of the parcels, each with its owner's class in the year."""

    type: str = "FeatureCollection"
    year: int | None
    features: list[dict[str, Any]]


def parcel_map(*, session: Session, actor: User, year: int | None = None,
               today: date | None = None) -> ParcelMap:
    """Parcels coloured by their owner's class (``class`` null: reserve land or not evaluated),
    with their area in 亩 and whether they lie idle on ``today`` (``status``)."""
    require(actor, Action.COCKPIT)
    today = today or date.today()
    parcels_version = session.execute(
        select(func.count(Parcel.id), func.max(Parcel.updated_at))).one()
    key = ("map", year, today, data_version(session), tuple(parcels_version))

    def compute() -> ParcelMap:
        runs = published_runs(session)
        y = year if year is not None else (max(runs) if runs else None)
        run = runs.get(y) if y is not None else None
        by_uscc = {r.uscc: r for r in run_rows(session, run)} if run else {}
        owners = {i: u for i, u in session.execute(select(Enterprise.id, Enterprise.uscc))}
        features = []
        query = select(Parcel).where(Parcel.geometry.is_not(None)).order_by(Parcel.parcel_code)
        for parcel in session.scalars(query):
            uscc = owners.get(parcel.owner_id) if parcel.owner_id is not None else None
            row = by_uscc.get(uscc) if uscc else None
            features.append({
                "type": "Feature",
                "geometry": parcel.geometry,
                "properties": {
                    "parcel": parcel.parcel_code, "area_m2": parcel.area_m2,
                    "area_mu": m2_to_mu(parcel.area_m2), "town": parcel.town,
                    "zone": parcel.zone, "owner_uscc": uscc, "owner": row.name if row else None,
                    "class": row.klass if row and row.group else None,
                    "low_efficiency": bool(row and row.low),
                    "status": flagged_status(parcel, owner_uscc=uscc, today=today),
                },
            })
        return ParcelMap(year=y, features=features)

    return _cached(session, key, compute)
