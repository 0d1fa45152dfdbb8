"""The power department's (供电) monthly readings into the store (docs/monitoring.md, "In the
store"), with the rules of every department import (docs/store.md, "Import semantics"):

- the file is read and checked by ``io/power.read_power``; a credit code not in the registry is
  a row error too; any error refuses the whole file, nothing is written;
- a new (enterprise, month) is inserted; a different kWh replaces the stored one and the change
  (old, new) is kept in ``power_reading_changes``; an equal kWh changes nothing; a month or an
  enterprise absent from the file stays as stored (never deleted). A month without a row is
  *missing*, never 0, so there is no empty cell to read as "not given": an empty kWh is a row
  error (``io/power.py``);
- a file that changes nothing leaves no batch; one that does is an ``imports`` row (department
  ``power``, the year of its newest month) and an audit record.

Readings corrections are applied without a separate acceptance (unlike a department's annual
figures): the power company's file is the meter's record, and every change is kept.

After the readings are written, the new months are monitored (``alerts.apply_new_months``) in the
same transaction: a file's readings and the alerts they raise are stored together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.io.power import read_power
from mujun.io.problems import HasProblems, InputError, Problem
from mujun.services import audit
from mujun.services.access import may_import_power
from mujun.services.departments import POWER_DEPARTMENT
from mujun.services.errors import ConflictError, PermissionDenied
from mujun.services.monitoring.alerts import MonthApplied, apply_new_months
from mujun.store import bulk
from mujun.store.models import ImportBatch, User
from mujun.store.models.base import utcnow
from mujun.store.models.monitoring import PowerReading, PowerReadingChange

UNKNOWN_CODE = ("统一社会信用代码不在企业库中，请先由统计部门登记 "
                "(credit code not in the registry)")
CODE_HEADER = "统一社会信用代码"


@dataclass
class ReadingsImport(HasProblems):
    """What an import of monthly readings did. ``applied``: readings were written (a batch)."""

    file: str
    sha256: str = ""
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    applied: bool = False
    batch_id: int | None = None
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    #: the months in which a reading was inserted or changed (first days, in order)
    months: list[date] = field(default_factory=list)
    #: the months monitored after the readings were written (``alerts.apply_new_months``)
    monitored: list[MonthApplied] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_readings(session: Session, path: str | Path, *, actor: User | None,
                    file_name: str | None = None, first_month: date | None = None,
                    monitor_months: bool = True, now: datetime | None = None
                    ) -> ReadingsImport:
    """Check ``path`` (CSV, XLSX or Parquet) and store its readings, all or nothing; then monitor
    the new months (``first_month``: where to start in a store that has monitored none; see
    ``alerts.apply_new_months``). ``file_name`` is the name shown (an upload's original name).
    ``actor`` None: the system (the demo). The caller commits."""
    if actor is not None and not may_import_power(actor):
        raise PermissionDenied(N_("%(who)s 无权导入供电部门的月度用电数据"),
                               who=f"{actor.username} ({actor.role})")
    now = now or utcnow()
    shown = file_name or str(path)
    try:
        read = read_power(path)
    except InputError as exc:
        return ReadingsImport(shown, problems=[_named(exc.problem, shown)])
    result = ReadingsImport(shown, read.input_hash, read.rows_read,
                            [_named(p, shown) for p in read.problems])
    frame = pl.DataFrame({
        "uscc": pl.Series(read.table["uscc"].cast("string")),
        "month": pl.Series(read.table["month"]),
        "kwh": pl.Series(read.table["kwh"]),
        "line": np.asarray(read.lines, dtype=np.int64),
    })
    frame = frame.join(_registry(session), on="uscc", how="left")
    unknown = frame.filter(pl.col("enterprise_id").is_null())
    result.problems += [Problem(shown, line, CODE_HEADER, code, UNKNOWN_CODE)
                        for code, line in unknown.select("uscc", "line").iter_rows()]
    result.problems.sort(key=lambda p: -1 if p.line is None else p.line)
    if result.errors or frame.height == 0:
        return result
    joined = frame.join(_stored(session, frame), on=["enterprise_id", "month"], how="left")
    stored = pl.col("id").is_not_null()
    inserts = joined.filter(~stored)
    updates = joined.filter(stored & (pl.col("kwh") != pl.col("old_kwh"))).sort("line")
    result.unchanged = joined.height - inserts.height - updates.height
    if not inserts.height and not updates.height:
        return result
    try:
        _write(session, actor, Path(shown).name, read.input_hash, read.rows_read, inserts,
               updates, result, now)
    except IntegrityError:
        raise ConflictError(
            N_("另一次导入同时写入了相同的用电数据，本次未导入，请重新导入")) from None
    if monitor_months:
        result.monitored = apply_new_months(session, first=first_month, actor=actor, now=now)
    return result


def _named(problem: Problem, shown: str) -> Problem:
    return replace(problem, file=shown)


def _registry(session: Session) -> pl.DataFrame:
    return bulk.select_frame(session, "SELECT uscc, id FROM enterprises", [],
                             {"uscc": pl.String, "enterprise_id": pl.Int64})


def _stored(session: Session, frame: pl.DataFrame) -> pl.DataFrame:
    """The stored readings of the file's months (id, enterprise, month, kWh)."""
    first, last = frame.get_column("month").min(), frame.get_column("month").max()
    assert isinstance(first, date) and isinstance(last, date)
    found = bulk.select_frame(
        session,
        "SELECT id, enterprise_id, month, kwh FROM power_readings WHERE month >= ? AND month <= ?",
        [first.isoformat(), last.isoformat()],
        {"id": pl.Int64, "enterprise_id": pl.Int64, "month": pl.String, "old_kwh": pl.Float64},
    )
    return found.with_columns(pl.col("month").str.slice(0, 10).str.to_date("%Y-%m-%d"))


def _write(session: Session, actor: User | None, file_name: str, sha256: str, rows: int,
           inserts: pl.DataFrame, updates: pl.DataFrame, result: ReadingsImport,
           now: datetime) -> None:
    touched = pl.concat([inserts.get_column("month"), updates.get_column("month")]).unique()
    result.months = sorted(touched.to_list())
    batch = ImportBatch(department=POWER_DEPARTMENT, year=result.months[-1].year,
                        file_name=file_name[:255], file_sha256=sha256, rows=rows,
                        inserted=inserts.height, updated=updates.height,
                        actor_id=actor.id if actor else None, at=now)
    session.add(batch)
    session.flush()
    bulk.insert_frame(session, PowerReading, inserts.select("enterprise_id", "month", "kwh"),
                      {"import_id": batch.id, "updated_at": now})
    if updates.height:
        # ORM bulk UPDATE by primary key: one executemany
        session.execute(update(PowerReading), updates.select(
            "id", "kwh", import_id=pl.lit(batch.id), updated_at=pl.lit(now)).to_dicts())
        bulk.insert_frame(
            session, PowerReadingChange,
            updates.select(pl.col("id").alias("reading_id"), "old_kwh",
                           pl.col("kwh").alias("new_kwh")),
            {"import_id": batch.id, "actor_id": actor.id if actor else None, "at": now},
        )
    result.applied, result.batch_id = True, batch.id
    result.inserted, result.updated = inserts.height, updates.height
    span = f"{result.months[0]:%Y-%m}…{result.months[-1]:%Y-%m}"
    changed = {f"{u}.{m:%Y-%m}": [old, new] for u, m, old, new in updates.head(200).select(
        "uscc", "month", "old_kwh", "kwh").iter_rows()}
    audit.record(
        session=session, actor=actor, action="import", entity="import", entity_id=batch.id,
        at=now, summary=f"{POWER_DEPARTMENT} monthly readings {batch.file_name} ({span}): "
                        f"{inserts.height} new, {updates.height} changed",
        after={"file": batch.file_name, "sha256": sha256, "rows": rows, "months": span,
               "inserted": inserts.height, "updated": updates.height,
               "changes": changed, "changes_total": updates.height},
    )
    session.flush()
