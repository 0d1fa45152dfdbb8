"""The land department's (自然资源) parcels file into the store, all or nothing (docs/land.md,
"地块导入").

The same semantics as the department figures (``services/imports``, docs/store.md "Import
semantics"): the file is read and checked as a whole (``io/land.read_parcels``, and here the
polygon's area against ``area_m2`` and each owner against the registry); any error rejects it with
nothing written. An empty cell is "not given" and leaves the stored value alone; a parcel absent
from the file is not touched; a value equal to the stored one is left alone, so importing the same
file again changes nothing. A parcel not yet stored is added, and a value filling an empty stored
one is added; a value that differs from the stored one is a *change*: the whole file waits until it
is imported again with ``accept_changes`` and a reason. Every value an import sets is kept in
``parcel_changes`` (old → new, the import, who, when, the reason), and the parcel names the import
that last set it.

``是否标准地``: 是 marks a parcel as sold as 标准地; 否 or an empty cell leave it as stored (the
reader cannot tell them apart, and a 标准地 sale is not undone by a file).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.io.land import ParcelRecord, read_parcels
from mujun.io.land_files import GEOJSON_SUFFIXES
from mujun.io.parcel_geometry import area_problems
from mujun.io.problems import InputError, Problem, sort_problems
from mujun.services import audit
from mujun.services.import_results import ImportResult, Progress, ValueChange
from mujun.store.models import Enterprise, ImportBatch, Parcel, ParcelChange, User

#: land.md §1 key → the stored parcel's attribute (``owner_uscc`` goes through the registry)
_ATTRIBUTES = {
    "zone": "zone", "town": "town", "area_m2": "area_m2", "use": "use",
    "acquired": "acquired_on", "agreed_start": "agreed_construction_start",
    "construction_start": "construction_started_on", "standard_land": "standard_land",
    "land_price_wan": "land_price_wan", "floor_area_m2": "floor_area_m2",
    "delay_cause": "delay_cause",
}
#: the order of a parcel's values in the change list and the history
FIELDS = ("owner_uscc", *_ATTRIBUTES, "geometry")
UNKNOWN_OWNER = ("受让企业统一社会信用代码不在企业库中，请先由统计部门登记 "
                 "(credit code not in the registry)")
LAND = "land"


def _text(key: str, value: Any) -> str | None:
    """A value as the history keeps it (and as the change preview shows it)."""
    if value is None:
        return None
    if key == "geometry":
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _file_values(record: ParcelRecord) -> dict[str, Any]:
    """The values the file gives for a parcel (None: not given)."""
    p = record.parcel
    values: dict[str, Any] = {
        "owner_uscc": p.owner_uscc, "zone": p.zone, "town": p.town, "area_m2": p.area_m2,
        "use": p.use, "acquired": p.acquired, "agreed_start": p.agreed_start,
        "construction_start": p.construction_start,
        "standard_land": True if p.standard_land else None,
        "land_price_wan": p.land_price_wan, "floor_area_m2": p.floor_area_m2,
        "delay_cause": p.delay_cause, "geometry": record.geometry,
    }
    return values


def _stored_values(parcel: Parcel, owner_uscc: str | None) -> dict[str, Any]:
    values = {key: getattr(parcel, attr) for key, attr in _ATTRIBUTES.items()}
    values["owner_uscc"] = owner_uscc
    values["geometry"] = parcel.geometry
    return values


def _same(key: str, old: Any, new: Any) -> bool:
    return _text(key, old) == _text(key, new)


def import_parcels(
    *,
    session: Session,
    actor: User | None,
    path: str | Path,
    year: int,
    progress: Progress | None = None,
    now: datetime,
    accept_changes: bool = False,
    reason: str | None = None,
) -> ImportResult:
    """Validate the parcels file ``path``; apply it if it has no error (the caller has checked the
    actor may import the land department's data, and commits)."""
    report: Callable[[str, int, int], None] = progress or (lambda phase, done, total: None)
    report("validate", 0, 1)
    data = Path(path).read_bytes()
    result = ImportResult(LAND, year, str(path), hashlib.sha256(data).hexdigest(),
                          reason=reason if accept_changes else None, kind="parcels")
    try:
        parsed = read_parcels(path)
    except InputError as exc:
        result.problems.append(exc.problem)
        return result
    result.file, result.rows = parsed.file, parsed.rows_read
    owners = {u: i for u, i in session.execute(select(Enterprise.uscc, Enterprise.id))}
    # a GeoJSON property is named by its key, a table's column by its header
    owner_column = "owner_uscc" if Path(path).suffix.lower() in GEOJSON_SUFFIXES \
        else "受让企业统一社会信用代码"
    result.problems = sort_problems([
        *parsed.problems,
        *area_problems(parsed.file, ((r.line, r.geometry, r.parcel.area_m2)
                                     for r in parsed.records)),
        *(Problem(parsed.file, r.line, owner_column, r.parcel.owner_uscc, UNKNOWN_OWNER)
          for r in parsed.records if r.parcel.owner_uscc and r.parcel.owner_uscc not in owners),
    ])
    report("validate", 1, 1)
    bad = {p.line for p in result.errors}
    records = [r for r in parsed.records if r.line not in bad]
    stored = {p.parcel_code: (p, uscc) for p, uscc in session.execute(
        select(Parcel, Enterprise.uscc).outerjoin(Enterprise, Enterprise.id == Parcel.owner_id)
        .where(Parcel.parcel_code.in_([r.parcel.parcel_id for r in records])))}
    new: list[ParcelRecord] = []
    fills: list[tuple[Parcel, str, Any, Any]] = []
    for record in records:
        found = stored.get(record.parcel.parcel_id)
        if found is None:
            new.append(record)
            continue
        parcel, uscc = found
        old = _stored_values(parcel, uscc)
        for key, value in _file_values(record).items():
            if value is None:
                continue
            if _same(key, old[key], value):
                result.unchanged += 1
            elif old[key] is None:
                fills.append((parcel, key, None, value))
            else:
                fills.append((parcel, key, old[key], value))
                result.changes.append(ValueChange(
                    uscc=parcel.parcel_code, name=None, line=record.line, field=key,
                    old=_text(key, old[key]), new=_text(key, value),
                    import_id=parcel.import_id, import_file=None, parcel=True))
    if result.errors or not (new or fills) or (result.changes and not accept_changes):
        return result
    _apply(session, actor, year, result, new, fills, owners, now, report)
    result.applied = True
    return result


def _apply(session: Session, actor: User | None, year: int, result: ImportResult,
           new: list[ParcelRecord], fills: list[tuple[Parcel, str, Any, Any]],
           owners: dict[str, int], now: datetime, report: Progress) -> None:
    batch = ImportBatch(department=LAND, year=year, file_name=Path(result.file).name[:255],
                        file_sha256=result.sha256, rows=result.rows,
                        actor_id=actor.id if actor else None, at=now)
    session.add(batch)
    session.flush()
    result.batch_id = batch.id
    report("apply", 0, len(new) + len(fills))
    history: list[tuple[Parcel, str, Any, Any]] = []
    for record in new:
        values = _file_values(record)
        parcel = Parcel(parcel_code=record.parcel.parcel_id,
                        owner_id=owners.get(values["owner_uscc"] or ""),
                        geometry=values["geometry"], import_id=batch.id, updated_at=now,
                        version=1)
        for key, attr in _ATTRIBUTES.items():
            if values[key] is not None:
                setattr(parcel, attr, values[key])
        session.add(parcel)
        history += [(parcel, key, None, value) for key, value in values.items()
                    if value is not None]
    for parcel, key, _old, value in fills:
        if key == "owner_uscc":
            parcel.owner_id = owners[value]
        elif key == "geometry":
            parcel.geometry = value
        else:
            setattr(parcel, _ATTRIBUTES[key], value)
        parcel.import_id = batch.id
        parcel.updated_at = now
    history += fills
    session.flush()
    for parcel, key, old, value in history:
        session.add(ParcelChange(parcel_id=parcel.id, field=key, old_value=_text(key, old),
                                 new_value=_text(key, value),
                                 reason=result.reason if old is not None else None,
                                 import_id=batch.id, actor_id=actor.id if actor else None,
                                 at=now))
    result.inserted = len(new)
    result.updated = len(result.changes)
    batch.inserted, batch.updated = result.inserted, result.updated
    report("apply", len(new) + len(fills), len(new) + len(fills))
    audit.record(
        session=session, actor=actor, action="import", entity="import", entity_id=batch.id, at=now,
        summary=f"land parcels {batch.file_name}: {result.inserted} parcels added, "
                f"{len(fills)} values set ({result.updated} changed)"
                + (f"; changes accepted: {result.reason}" if result.updated else ""),
        before={"values": {f"{c.uscc}.{c.field}": c.old for c in result.changes[:200]}}
        if result.changes else None,
        after={"file": batch.file_name, "sha256": result.sha256, "rows": result.rows,
               "parcels_added": result.inserted, "values_set": len(fills),
               "changed": result.updated, "reason": result.reason},
    )
    session.flush()
