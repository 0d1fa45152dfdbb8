"""What a published run froze, read for the targets: its enterprise table (the snapshot), the
enterprises it evaluated with their land, its land-use tax reductions and the county's 工业投资.

Published runs never change, so each run's reading is kept per process under its id and hashes.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mujun.engine.targets import AwardRow, EnterpriseRow, EvaluatedRow, YearTable
from mujun.services.snapshot import Snapshot
from mujun.store.models import Run, RunResult
from mujun.store.models.county import INDUSTRIAL_INVESTMENT

_FIELDS = ["uscc", "above_scale", "revenue", "rd_expense", "value_added", "tax_paid",
           "industry_code"]
_kept: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()
_KEEP = 64


def _store(session: Session) -> str:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return engine.url.render_as_string(hide_password=True)


def _once(session: Session, run: Run, what: str, read: Any) -> Any:
    key = (_store(session), what, run.id, run.snapshot_hash, run.results_hash)
    with _lock:
        if key in _kept:
            return _kept[key]
    value = read()
    with _lock:
        if len(_kept) >= _KEEP:
            _kept.pop(next(iter(_kept)))
        _kept[key] = value
    return value


def year_table(session: Session, run: Run) -> YearTable:
    """Year ``run.year`` as its run froze it (never the store's later imports)."""
    def read() -> YearTable:
        table = Snapshot.from_parquet(run.enterprises_parquet, run.incidents_parquet).enterprises
        enterprises = tuple(EnterpriseRow(**row) for row in table.select(_FIELDS).to_pylist())
        land = RunResult.explanation["land_mu"].as_float()
        reduction = RunResult.row["land_tax_reduction_wan"].as_float()
        evaluated, reductions = [], 0.0
        query = select(RunResult.uscc, RunResult.group, land, reduction) \
            .where(RunResult.run_id == run.id).order_by(RunResult.row_no)
        for uscc, group, mu, cut in session.execute(query):
            reductions += cut or 0.0
            if group is not None:  # evaluated: not exempt (vetoed ones included)
                evaluated.append(EvaluatedRow(uscc, mu))
        figure = (run.county_figures or {}).get(INDUSTRIAL_INVESTMENT)
        return YearTable(year=run.year, enterprises=enterprises, evaluated=tuple(evaluated),
                         industrial_investment=figure, land_tax_reduction_wan=reductions)
    return _once(session, run, "table", read)


def award_rows(session: Session, run: Run) -> tuple[AwardRow, ...]:
    def read() -> tuple[AwardRow, ...]:
        query = select(RunResult.uscc, RunResult.name, RunResult.group, RunResult.class_,
                       RunResult.score, RunResult.vetoed) \
            .where(RunResult.run_id == run.id).order_by(RunResult.row_no)
        return tuple(AwardRow(*row) for row in session.execute(query))
    return _once(session, run, "awards", read)
