"""Department imports: validate the whole file, then apply it in one transaction or not at all.

A department file speaks only for the cells it fills (docs/store.md, "Import semantics"). The plan
compares the file with the store: an empty cell is "not given" and leaves the stored value alone; a
value equal to the stored one is left alone (so re-importing a file changes nothing); a new value is
inserted; a value another department set is never overwritten (an error). A value of the
department's own that differs from the stored one is a *change*: the whole file waits (nothing is
written, ``result.changes`` lists them) until it is imported again with ``accept_changes`` and a
reason; then each change is recorded in ``figure_changes`` with that reason. An incidents sheet only
adds the incidents it lists that are not stored yet (an incident is its enterprise, type, date and
note); it never removes one — withdrawing is ``services.incidents.withdraw_incident``. Any error
rejects the whole file before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mujun.engine.fields import FIELD_BY_KEY, FieldType
from mujun.engine.texts import N_
from mujun.io.departments import DepartmentFile, read_department_file
from mujun.io.land_files import is_parcels_file
from mujun.io.problems import Problem
from mujun.services import audit
from mujun.services.departments import FIELD_OWNER, Department, department
from mujun.services.errors import ConflictError, InvalidInput, PermissionDenied
from mujun.services.import_results import ImportResult, Progress, ValueChange, change_reason
from mujun.services.land.parcel_import import import_parcels
from mujun.services.users import may_import
from mujun.services.values import decode
from mujun.store import bulk
from mujun.store.models import Enterprise, Figure, FigureChange, ImportBatch, Incident, User
from mujun.store.models.base import utcnow

CHUNK = 100_000


@dataclass
class _Plan:
    new_enterprises: pl.DataFrame | None = None
    inserts: pl.DataFrame | None = None
    updates: pl.DataFrame | None = None
    incidents: pl.DataFrame | None = None  # the incidents to add, in file order

    @property
    def writes(self) -> bool:
        return any(f is not None and f.height for f in
                   (self.new_enterprises, self.inserts, self.updates, self.incidents))


def import_file(
    *,
    session: Session,
    actor: User | None,
    path: str | Path,
    department_code: str,
    year: int,
    progress: Progress | None = None,
    now: datetime | None = None,
    accept_changes: bool = False,
    reason: str | None = None,
) -> ImportResult:
    """Validate ``path`` as the department's figures of ``year``; apply it if it has no error.

    Returns the result with every problem; ``applied`` is False when the file was rejected (nothing
    written), changed nothing, or changes stored values (``result.changes``) without
    ``accept_changes`` and a ``reason``. The caller commits the session.
    """
    try:
        dept = department(department_code)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if not may_import(actor, dept.code):
        who = f"{actor.username} ({actor.role})" if actor else "?"
        raise PermissionDenied(N_("%(who)s 无权导入%(department)s的数据"), who=who,
                               department=dept.name_zh)
    if not 1990 <= year <= 2100:
        raise InvalidInput(N_("年度 %(year)s 超出范围（1990–2100）"), year=year)
    reason = change_reason(accept_changes, reason)
    if dept.code == "land" and is_parcels_file(path):
        return import_parcels(session=session, actor=actor, path=path, year=year,
                              progress=progress, now=now or utcnow(),
                              accept_changes=accept_changes, reason=reason)
    if dept.projects:
        # a project file, not figures (imported here so the page, the CLI and the demo share it;
        # the module needs ImportResult from this one)
        from mujun.services.projects.imports import import_projects

        return import_projects(session=session, actor=actor, path=path, year=year,
                               progress=progress, now=now)
    report = progress or (lambda phase, done, total: None)
    report("validate", 0, 1)
    parsed = read_department_file(path, dept, year, FIELD_OWNER)
    result = ImportResult(dept.code, year, parsed.file, parsed.sha256, parsed.rows,
                          list(parsed.problems), reason=reason if accept_changes else None)
    report("validate", 1, 1)
    if parsed.figures is None and parsed.incidents is None:
        return result
    # checked against the store even when the cells have errors, so the clerk sees every problem
    plan = _plan(session, dept, year, parsed, result)
    if result.errors or not plan.writes or (result.changes and not accept_changes):
        return result
    try:
        _apply(session, actor, dept, year, parsed, plan, result, report, now or utcnow())
    except IntegrityError:
        raise ConflictError(
            "another import changed the same figures at the same time; nothing was imported, "
            "import the file again"
        ) from None
    result.applied = True
    return result


# --- plan -----------------------------------------------------------------------------------------


def _registry(session: Session) -> pl.DataFrame:
    return bulk.select_frame(session, "SELECT uscc, id FROM enterprises", [],
                             {"uscc": pl.String, "enterprise_id": pl.Int64})


def _names(session: Session, ids: list[int]) -> dict[int, str | None]:
    if not ids:
        return {}
    rows = session.execute(select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(ids)))
    return {i: n for i, n in rows}


def _import_files(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(ImportBatch.id, ImportBatch.file_name)
                           .where(ImportBatch.id.in_(ids)))
    return {i: f for i, f in rows}


def _long_values(frame: pl.DataFrame, fields: tuple[str, ...]) -> pl.DataFrame:
    """One row per (file row, field): uscc, line, field, num, text."""
    parts = []
    for key in fields:
        kind = FIELD_BY_KEY[key].type
        col = pl.col(key)
        if kind is FieldType.NUMBER:
            num, text = col.cast(pl.Float64), pl.lit(None, pl.String)
        elif kind is FieldType.BOOL:
            # null (a blank cell: not given) stays null
            num, text = pl.lit(None, pl.Float64), pl.when(col).then(pl.lit("true")).when(
                col.not_()).then(pl.lit("false"))
        elif kind is FieldType.DATE:
            num, text = pl.lit(None, pl.Float64), col.dt.strftime("%Y-%m-%d")
        else:
            num, text = pl.lit(None, pl.Float64), col.cast(pl.String)
        parts.append(frame.select(
            "uscc", "line", pl.lit(key).alias("field"), num.alias("num"), text.alias("text")
        ))
    schema = {"uscc": pl.String, "line": pl.Int64, "field": pl.String, "num": pl.Float64,
              "text": pl.String}
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _existing(session: Session, year: int, fields: tuple[str, ...]) -> pl.DataFrame:
    schema = {"enterprise_id": pl.Int64, "field": pl.String, "fid": pl.Int64,
              "old_num": pl.Float64, "old_text": pl.String, "old_dept": pl.String,
              "version": pl.Int64, "old_import": pl.Int64}
    if not fields:
        return pl.DataFrame(schema=schema)
    marks = ", ".join("?" for _ in fields)
    return bulk.select_frame(
        session,
        "SELECT enterprise_id, field, id, value_num, value_text, department, version, import_id "
        f"FROM figures WHERE year = ? AND field IN ({marks})",
        [year, *fields], schema,
    )


def _plan(
    session: Session, dept: Department, year: int, parsed: DepartmentFile, result: ImportResult
) -> _Plan:
    plan = _Plan()
    registry = _registry(session)
    known = set(registry.get_column("uscc").to_list())
    sheet = parsed.figures
    if sheet is not None and sheet.frame.height:
        frame = sheet.frame
        unknown = frame.filter(~pl.col("uscc").is_in(list(known)))
        if unknown.height and not dept.creates_enterprises:
            result.problems += [
                Problem(parsed.file, ln, "统一社会信用代码", code,
                        "统一社会信用代码不在企业库中，请先由统计部门登记 "
                        "(credit code not in the registry)")
                for code, ln in unknown.select("uscc", "line").iter_rows()
            ]
        elif unknown.height:
            no_name = unknown.filter(pl.col("name").is_null()) if "name" in unknown.columns \
                else unknown
            result.problems += [
                Problem(parsed.file, ln, "企业名称", None,
                        "新企业须填写企业名称 (a new enterprise needs its name)")
                for ln in no_name.get_column("line").to_list()
            ]
            plan.new_enterprises = unknown
        owned = tuple(k for k in sheet.fields if k in dept.fields)
        # only the cells the file fills: an empty cell is "not given", never "delete"
        values = _long_values(frame, owned).filter(
            pl.col("num").is_not_null() | pl.col("text").is_not_null()
        ).join(registry, on="uscc", how="left")
        old = _existing(session, year, owned)
        joined = values.join(old, on=["enterprise_id", "field"], how="left")
        same = (pl.col("num").eq_missing(pl.col("old_num"))
                & pl.col("text").eq_missing(pl.col("old_text")))
        present = pl.col("fid").is_not_null()
        plan.inserts = joined.filter(~present)
        changed = joined.filter(present & ~same)
        result.unchanged = joined.filter(present & same).height
        conflicts = changed.filter(pl.col("old_dept") != dept.code)
        for ln, key, owner, num, text in conflicts.select(
            "line", "field", "old_dept", "num", "text"
        ).iter_rows():
            header = FIELD_BY_KEY[key].header_zh
            shown = text if text is not None else (None if num is None else repr(num))
            result.problems.append(Problem(
                parsed.file, ln, header, shown,
                f"此值已由 {owner} 部门填报，不能覆盖 (set by the {owner} department; "
                f"not overwritten)",
            ))
        # in file order (line, then column), so the changes are recorded in the order they are read
        order = {key: pos for pos, key in enumerate(owned)}
        plan.updates = changed.filter(pl.col("old_dept") == dept.code).sort(
            pl.col("line"), pl.col("field").replace_strict(order, return_dtype=pl.Int64))
        result.changes = _value_changes(session, plan.updates)
    if parsed.incidents is not None:
        _plan_incidents(session, dept, year, parsed, registry, plan, result)
    return plan


def _value_changes(session: Session, updates: pl.DataFrame) -> list[ValueChange]:
    rows = updates.select("enterprise_id", "uscc", "line", "field", "old_num", "old_text", "num",
                          "text", "old_import").rows()
    names = _names(session, sorted({r[0] for r in rows}))
    files = _import_files(session, sorted({r[8] for r in rows if r[8] is not None}))
    return [ValueChange(uscc, names.get(eid), line, key, decode(key, old_num, old_text),
                        decode(key, num, text), imp, files.get(imp) if imp is not None else None)
            for eid, uscc, line, key, old_num, old_text, num, text, imp in rows]


def _incident_key(
    enterprise_id: int | None, kind: str, day: Any, note: str | None
) -> tuple[Any, ...]:
    return enterprise_id, kind, day, note or None


def _plan_incidents(
    session: Session, dept: Department, year: int, parsed: DepartmentFile,
    registry: pl.DataFrame, plan: _Plan, result: ImportResult,
) -> None:
    """The listed incidents not stored yet are added; a withdrawn one is not added again."""
    assert parsed.incidents is not None
    frame = parsed.incidents.frame
    known = set(registry.get_column("uscc").to_list())
    unknown = frame.filter(~pl.col("uscc").is_in(list(known)))
    result.problems += [
        Problem(parsed.file, ln, "统一社会信用代码", code,
                "统一社会信用代码不在企业库中 (credit code not in the registry)")
        for code, ln in unknown.select("uscc", "line").iter_rows()
    ]
    new = frame.join(registry, on="uscc", how="left").sort("line")
    stored = {
        _incident_key(e, t, d, n): withdrawn is not None
        for e, t, d, n, withdrawn in session.execute(
            select(Incident.enterprise_id, Incident.type, Incident.date, Incident.note,
                   Incident.withdrawn_at)
            .where(Incident.year == year, Incident.department == dept.code)
        )
    }
    keep: list[bool] = []
    seen: set[tuple[Any, ...]] = set()
    for line, e, t, d, n in new.select("line", "enterprise_id", "type", "date", "note").iter_rows():
        key = _incident_key(e, t, d, n)
        if stored.get(key):
            result.problems.append(Problem(
                parsed.file, line, "类型", t,
                "此事件已撤销，不再计入 (this incident was withdrawn; not added again)", "warning"))
        keep.append(key not in stored and key not in seen)
        seen.add(key)
    plan.incidents = new.filter(pl.Series(keep, dtype=pl.Boolean))
    result.incidents_added = plan.incidents.height


# --- apply ----------------------------------------------------------------------------------------


def _apply(
    session: Session,
    actor: User | None,
    dept: Department,
    year: int,
    parsed: DepartmentFile,
    plan: _Plan,
    result: ImportResult,
    report: Progress,
    now: datetime,
) -> None:
    batch = ImportBatch(department=dept.code, year=year, file_name=Path(parsed.file).name[:255],
                        file_sha256=parsed.sha256, rows=parsed.rows, actor_id=actor.id if actor
                        else None, at=now)
    session.add(batch)
    session.flush()
    result.batch_id = batch.id
    total = sum(0 if f is None else f.height
                for f in (plan.new_enterprises, plan.inserts, plan.updates, plan.updates))
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        report("apply", done, total)

    report("apply", 0, total)
    if plan.new_enterprises is not None and plan.new_enterprises.height:
        _create_enterprises(session, plan.new_enterprises, now)
        result.enterprises_created = plan.new_enterprises.height
        step(plan.new_enterprises.height)
        registry = _registry(session)
        if plan.inserts is not None:
            plan.inserts = plan.inserts.drop("enterprise_id").join(registry, on="uscc", how="left")
        if plan.incidents is not None:
            plan.incidents = plan.incidents.drop("enterprise_id").join(registry, on="uscc",
                                                                       how="left").sort("line")
    if plan.inserts is not None and plan.inserts.height:
        rows = plan.inserts.select(
            "enterprise_id", "field", pl.col("num").alias("value_num"),
            pl.col("text").alias("value_text"),
        )
        common = {"year": year, "department": dept.code, "import_id": batch.id,
                  "updated_at": now, "version": 1}
        for chunk in rows.iter_slices(CHUNK):
            step(bulk.insert_frame(session, Figure, chunk, common))
        result.inserted = plan.inserts.height
    if plan.updates is not None and plan.updates.height:
        _update_figures(session, actor, dept, year, batch.id, plan.updates, now, step,
                        result.reason)
        result.updated = plan.updates.height
    if plan.incidents is not None and plan.incidents.height:
        _add_incidents(session, dept, year, batch.id, plan.incidents, now)
    batch.inserted, batch.updated = result.inserted, result.updated
    batch.enterprises_created = result.enterprises_created
    batch.incidents_added = result.incidents_added
    audit.record(
        session=session, actor=actor, action="import", entity="import", entity_id=batch.id, at=now,
        summary=f"{dept.code} {year} {batch.file_name}: {result.inserted} new, "
                f"{result.updated} changed, {result.enterprises_created} enterprises added, "
                f"incidents +{result.incidents_added}"
                + (f"; changes accepted: {result.reason}" if result.updated else ""),
        before=_changes_side(plan.updates, "old") if plan.updates is not None else None,
        after={"file": batch.file_name, "sha256": parsed.sha256, "rows": parsed.rows,
               "inserted": result.inserted, "updated": result.updated,
               "enterprises_created": result.enterprises_created,
               "incidents_added": result.incidents_added, "reason": result.reason,
               **(_changes_side(plan.updates, "new") if plan.updates is not None else {})},
    )
    session.flush()


def _changes_side(updates: pl.DataFrame, side: str, limit: int = 200) -> dict[str, Any]:
    """The first changed values, ``uscc.field → value`` (every change is in ``figure_changes``)."""
    num, text = ("old_num", "old_text") if side == "old" else ("num", "text")
    values = {f"{u}.{f}": t if t is not None else n
              for u, f, n, t in updates.head(limit).select("uscc", "field", num, text).iter_rows()}
    return {"values": values, "values_total": updates.height}


def _create_enterprises(session: Session, new: pl.DataFrame, now: datetime) -> None:
    columns = [c for c in ("name", "town", "industry_code", "above_scale") if c in new.columns]
    frame = new.select("uscc", *columns)
    for chunk in frame.iter_slices(CHUNK):
        bulk.insert_frame(session, Enterprise, chunk,
                          {"created_at": now, "updated_at": now, "version": 1})


def _update_figures(
    session: Session, actor: User | None, dept: Department, year: int, batch_id: int,
    updates: pl.DataFrame, now: datetime, step: Callable[[int], None], reason: str | None,
) -> None:
    rows = updates.select(
        pl.col("fid").alias("id"), "version", pl.col("num").alias("value_num"),
        pl.col("text").alias("value_text"),
    )
    for chunk in rows.iter_slices(CHUNK):
        matched = bulk.update_versioned(session, Figure, chunk,
                                        ["value_num", "value_text"],
                                        {"import_id": batch_id, "updated_at": now})
        if matched != chunk.height:
            raise ConflictError("figures were changed by someone else during the import; nothing "
                                "was imported, import the file again")
        step(chunk.height)
    changes = updates.select(
        "enterprise_id", "field", "old_num", "old_text", pl.col("num").alias("new_num"),
        pl.col("text").alias("new_text"),
    )
    common = {"year": year, "department": dept.code, "source": "import", "import_id": batch_id,
              "actor_id": actor.id if actor else None, "at": now, "reason": reason}
    for chunk in changes.iter_slices(CHUNK):
        step(bulk.insert_frame(session, FigureChange, chunk, common))


def _add_incidents(
    session: Session, dept: Department, year: int, batch_id: int, incidents: pl.DataFrame,
    now: datetime,
) -> None:
    frame = incidents.sort("line").select("enterprise_id", "type", "date", "note")
    bulk.insert_frame(session, Incident, frame,
                      {"year": year, "department": dept.code, "import_id": batch_id,
                       "created_at": now})
