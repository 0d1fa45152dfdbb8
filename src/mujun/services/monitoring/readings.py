"""The power department's (供电) monthly readings into the store (docs/monitoring.md, "In the
store"), with the rules of every department import (docs/store.md, "Import semantics"):

- the file is read and checked by ``io/power.read_power``; a credit code not in the registry is
  a row error too; any error refuses the whole file, nothing is written;
- a new (enterprise, month) is inserted; an equal kWh changes nothing; a month or an enterprise
  absent from the file stays as stored (never deleted). A month without a row is *missing*,
  never 0, so there is no empty cell to read as "not given": an empty kWh is a row error
  (``io/power.py``);
- a kWh that differs from the stored one is a *change*: the whole file waits, nothing written,
  and the answer lists the changes (``ImportResult.changes``) until the file is imported again
  with ``accept_changes`` and a reason; then each change (old, new, import, who, when, reason) is
  kept in ``power_reading_changes`` and the reason in the audit record;
- a file that changes nothing leaves no batch; one that does is an ``imports`` row (department
  ``power``, the year of its newest month) and an audit record.

A corrected reading of a month monitored already does not monitor that month again: it counts
for the later months only (docs/monitoring.md, "In the store").

After the readings are written, the new months are monitored (``alerts.apply_new_months``) in the
same transaction: a file's readings and the alerts they raise are stored together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.io.power import read_power
from mujun.io.problems import InputError, Problem
from mujun.services import audit
from mujun.services.access import may_import_power
from mujun.services.departments import POWER_DEPARTMENT
from mujun.services.errors import ConflictError, PermissionDenied
from mujun.services.import_results import ImportResult, Progress, ValueChange, change_reason
from mujun.services.monitoring.alerts import MonthApplied, apply_new_months
from mujun.store import bulk
from mujun.store.models import ImportBatch, User
from mujun.store.models.base import utcnow
from mujun.store.models.monitoring import MonitoredMonth, PowerReading, PowerReadingChange

UNKNOWN_CODE = ("统一社会信用代码不在企业库中，请先由统计部门登记 "
                "(credit code not in the registry)")
CODE_HEADER = "统一社会信用代码"


@dataclass
class ReadingsImport(ImportResult):
    """What an import of monthly readings did (``ImportResult``: ``applied``, a batch was written;
    ``waiting``, stored readings would change and nothing was written). ``year``: the newest
    month's, 0 when nothing was read."""

    department: str = POWER_DEPARTMENT
    year: int = 0
    file: str = ""
    sha256: str = ""
    kind: str = "power"
    #: the months in which a reading was inserted or changed (first days, in order)
    months: list[date] = field(default_factory=list)
    #: the months monitored after the readings were written (``alerts.apply_new_months``)
    monitored: list[MonthApplied] = field(default_factory=list)
    #: of ``changes``, those of months monitored already (they count for later months only)
    changes_monitored: int = 0


def import_readings(session: Session, path: str | Path, *, actor: User | None,
                    file_name: str | None = None, first_month: date | None = None,
                    monitor_months: bool = True, now: datetime | None = None,
                    accept_changes: bool = False, reason: str | None = None,
                    progress: Progress | None = None) -> ReadingsImport:
    """Check ``path`` (CSV, XLSX or Parquet) and store its readings, all or nothing; then monitor
    the new months (``first_month``: where to start in a store that has monitored none; see
    ``alerts.apply_new_months``). A file that changes stored readings writes nothing unless
    ``accept_changes`` with a ``reason``. ``file_name`` is the name shown (an upload's original
    name). ``actor`` None: the system (the demo). ``progress`` is told each phase as it starts
    (``validate``, ``apply``, ``monitor``; done and total 0: no count). The caller commits."""
    if actor is not None and not may_import_power(actor):
        raise PermissionDenied(N_("%(who)s 无权导入供电部门的月度用电数据"),
                               who=f"{actor.username} ({actor.role})")
    reason = change_reason(accept_changes, reason)
    now = now or utcnow()
    shown = file_name or str(path)
    told = progress or (lambda phase, done, total: None)
    told("validate", 0, 0)
    try:
        read = read_power(path)
    except InputError as exc:
        return ReadingsImport(file=shown, problems=[_named(exc.problem, shown)])
    result = ReadingsImport(file=shown, sha256=read.input_hash, rows=read.rows_read,
                            problems=[_named(p, shown) for p in read.problems])
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
    result.changes = [
        ValueChange(uscc, name, line, "kwh", old, new, import_id, import_file, month=month)
        for uscc, name, line, month, old, new, import_id, import_file in updates.select(
            "uscc", "name", "line", "month", "old_kwh", "kwh", "import_id", "import_file"
        ).iter_rows()]
    if updates.height:
        result.changes_monitored = _monitored_count(session, updates)
        if not accept_changes:
            return result
        result.reason = reason
    told("apply", 0, 0)
    try:
        _write(session, actor, Path(shown).name, read.input_hash, read.rows_read, inserts,
               updates, result, now)
    except IntegrityError:
        raise ConflictError(
            N_("另一次导入同时写入了相同的用电数据，本次未导入，请重新导入")) from None
    if monitor_months:
        told("monitor", 0, 0)
        result.monitored = apply_new_months(session, first=first_month, actor=actor, now=now)
    return result


def _named(problem: Problem, shown: str) -> Problem:
    return replace(problem, file=shown)


def _registry(session: Session) -> pl.DataFrame:
    return bulk.select_frame(session, "SELECT uscc, id, name FROM enterprises", [],
                             {"uscc": pl.String, "enterprise_id": pl.Int64, "name": pl.String})


def _stored(session: Session, frame: pl.DataFrame) -> pl.DataFrame:
    """The stored readings of the file's months (id, enterprise, month, kWh, the import that set
    it)."""
    first, last = frame.get_column("month").min(), frame.get_column("month").max()
    assert isinstance(first, date) and isinstance(last, date)
    found = bulk.select_frame(
        session,
        "SELECT r.id, r.enterprise_id, r.month, r.kwh, r.import_id, i.file_name "
        "FROM power_readings r LEFT JOIN imports i ON i.id = r.import_id "
        "WHERE r.month >= ? AND r.month <= ?",
        [first.isoformat(), last.isoformat()],
        {"id": pl.Int64, "enterprise_id": pl.Int64, "month": pl.String, "old_kwh": pl.Float64,
         "import_id": pl.Int64, "import_file": pl.String},
    )
    return found.with_columns(pl.col("month").str.slice(0, 10).str.to_date("%Y-%m-%d"))


def _monitored_count(session: Session, updates: pl.DataFrame) -> int:
    """How many of the changed readings are of a month monitored already."""
    done = {m for (m,) in session.execute(select(MonitoredMonth.month))}
    return sum(1 for m in updates.get_column("month") if m in done)


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
            {"import_id": batch.id, "actor_id": actor.id if actor else None, "at": now,
             "reason": result.reason},
        )
    result.applied, result.batch_id, result.year = True, batch.id, batch.year
    result.inserted, result.updated = inserts.height, updates.height
    span = f"{result.months[0]:%Y-%m}…{result.months[-1]:%Y-%m}"
    changed = {f"{u}.{m:%Y-%m}": [old, new] for u, m, old, new in updates.head(200).select(
        "uscc", "month", "old_kwh", "kwh").iter_rows()}
    audit.record(
        session=session, actor=actor, action="import", entity="import", entity_id=batch.id,
        at=now, summary=f"{POWER_DEPARTMENT} monthly readings {batch.file_name} ({span}): "
                        f"{inserts.height} new, {updates.height} changed"
                + (f"; changes accepted: {result.reason}" if updates.height else ""),
        after={"file": batch.file_name, "sha256": sha256, "rows": rows, "months": span,
               "inserted": inserts.height, "updated": updates.height, "reason": result.reason,
               "changes": changed, "changes_total": updates.height},
    )
    session.flush()
