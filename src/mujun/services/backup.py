"""Backup and restore of the whole store as one portable file (SQLite ⇄ PostgreSQL).

A backup is a zip: ``manifest.json`` (format, schema revision, time, row counts) and one JSON-lines
file per table, rows in key order; timestamps and dates as ISO text, binary columns as base64,
numbers exactly (JSON keeps a float's shortest round-trip form). Restoring replaces every row of
the store inside one transaction, so a failed restore leaves the store as it was.
"""

from __future__ import annotations

import base64
import json
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Date, DateTime, LargeBinary, Table, delete, func, insert, select, text
from sqlalchemy.orm import Session

from mujun.services import audit
from mujun.services.errors import InvalidInput
from mujun.services.users import require_admin
from mujun.store.migrate import current_revision
from mujun.store.models import Base, User
from mujun.store.models.base import UTCDateTime, utcnow

FORMAT = "mujun-backup"
FORMAT_VERSION = 1
CHUNK = 5000


def _kind(column: Any) -> str:
    t = column.type
    if isinstance(t, UTCDateTime | DateTime):
        return "datetime"
    if isinstance(t, Date):
        return "date"
    if isinstance(t, LargeBinary):
        return "binary"
    if isinstance(t, JSON):
        return "json"
    return "plain"


def _encode(kind: str, value: Any) -> Any:
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "binary":
        return base64.b64encode(value).decode("ascii")
    return value.isoformat()


def _decode(kind: str, value: Any) -> Any:
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "binary":
        return base64.b64decode(value)
    if kind == "date":
        return date.fromisoformat(value)
    return datetime.fromisoformat(value)


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _rows(session: Session, table: Table) -> Iterator[dict[str, Any]]:
    kinds = {c.name: _kind(c) for c in table.columns}
    result = session.execute(select(table).order_by(*table.primary_key.columns).execution_options(
        yield_per=CHUNK))
    for row in result.mappings():
        yield {k: _encode(kinds[k], v) for k, v in row.items()}


def backup(*, session: Session, path: str | Path) -> dict[str, int]:
    """Write the whole store to ``path``; returns the row count of each table."""
    counts: dict[str, int] = {}
    engine = session.get_bind()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in _tables():
            n = 0
            with archive.open(f"tables/{table.name}.jsonl", "w") as fh:
                for row in _rows(session, table):
                    fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()
                             + b"\n")
                    n += 1
            counts[table.name] = n
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION,
                    "schema_revision": current_revision(engine),  # type: ignore[arg-type]
                    "created_at": utcnow().isoformat(), "source": engine.dialect.name,
                    "tables": counts}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return counts


def read_manifest(path: str | Path) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest: dict[str, Any] = json.loads(archive.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path} is not a mujun backup ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise InvalidInput(f"{path} is not a mujun backup")
    return manifest


def restore(*, session: Session, actor: User | None, path: str | Path) -> dict[str, int]:
    """Replace every row of the store with the backup's (one transaction; the caller commits)."""
    require_admin(actor)
    manifest = read_manifest(path)
    engine = session.get_bind()
    here = current_revision(engine)  # type: ignore[arg-type]
    if manifest.get("schema_revision") != here:
        raise InvalidInput(f"the backup has schema {manifest.get('schema_revision')}, the store "
                           f"{here}; restore into a store at that revision, then upgrade")
    actor_name = actor.username if actor else "system"
    tables = _tables()
    for table in reversed(tables):
        session.execute(delete(table))
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path) as archive:
        for table in tables:
            kinds = {c.name: _kind(c) for c in table.columns}
            batch: list[dict[str, Any]] = []
            n = 0
            with archive.open(f"tables/{table.name}.jsonl") as fh:
                for line in fh:
                    raw = json.loads(line)
                    batch.append({k: _decode(kinds[k], v) for k, v in raw.items() if k in kinds})
                    if len(batch) >= CHUNK:
                        session.execute(insert(table), batch)
                        n, batch = n + len(batch), []
            if batch:
                session.execute(insert(table), batch)
                n += len(batch)
            counts[table.name] = n
    if engine.dialect.name == "postgresql":
        for table in tables:
            if "id" in table.c:
                session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"coalesce((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))
    session.flush()
    restorer = session.scalar(select(User).where(User.username == actor_name))
    audit.record(session=session, actor=restorer, action="store.restore", entity="store",
                 summary=f"restored {Path(path).name} ({manifest.get('created_at')})",
                 after={"tables": counts, "backup_created_at": manifest.get("created_at")})
    return counts


def row_counts(session: Session) -> dict[str, int]:
    return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in _tables()}
