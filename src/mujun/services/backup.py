"""Backup and restore of the whole store as one portable file (SQLite ⇄ PostgreSQL).

A backup is a zip: ``manifest.json`` (format, schema revision, time, row counts) and one JSON-lines
file per table, rows in key order; timestamps and dates as ISO text, binary columns as base64,
numbers exactly (JSON keeps a float's shortest round-trip form).

A backup reads the whole store in one snapshot (imports may run meanwhile) and is checked
restorable before it is kept. Restoring loads the file into a private SQLite store at the backup's
schema revision (checking every foreign key), upgrades it to this version's schema when it is
older, then replaces every row of the store inside one transaction, so a failed restore leaves the
store as it was (docs/store.md, "Backup and restore").
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    Engine,
    LargeBinary,
    MetaData,
    Table,
    create_engine,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session

from mujun.services import audit
from mujun.services.errors import InvalidInput
from mujun.services.users import require_admin
from mujun.store.migrate import alembic_config, current_revision, head_revision
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
    moment = datetime.fromisoformat(value)  # naive in backups of plain DateTime columns: UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    kinds = {c.name: _kind(c) for c in table.columns}
    result = conn.execute(select(table).order_by(*table.primary_key.columns).execution_options(
        yield_per=CHUNK))
    for row in result.mappings():
        yield {k: _encode(kinds[k], v) for k, v in row.items()}


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction that sees the whole store as of one moment: REPEATABLE READ on
    PostgreSQL (one snapshot for every statement), an explicit read transaction on SQLite (in WAL
    mode its snapshot is taken at the first read and kept to the end; writers go on meanwhile)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.execute(text("SET TRANSACTION READ ONLY"))
                yield conn
        else:
            conn.exec_driver_sql("BEGIN")  # pysqlite opens no transaction for reads by itself
            try:
                yield conn
            finally:
                conn.rollback()


def backup(*, session: Session, path: str | Path) -> dict[str, int]:
    """Write the whole store to ``path``, read in one consistent snapshot, then prove the file
    restorable (every foreign key resolves, row counts match the manifest) before it replaces
    ``path``; a file that fails is removed and :class:`InvalidInput` raised. Returns the row
    count of each table."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        counts = _write(session.get_bind(), tmp)  # type: ignore[arg-type]
        problems = verify(tmp)
        if problems:
            raise InvalidInput("the backup cannot be restored, nothing was written: "
                               + "; ".join(problems[:5]))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def _write(engine: Engine, path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with _snapshot(engine) as conn, zipfile.ZipFile(path, "w",
                                                    compression=zipfile.ZIP_DEFLATED) as archive:
        revision = MigrationContext.configure(conn).get_current_revision()
        for table in _tables():
            n = 0
            with archive.open(f"tables/{table.name}.jsonl", "w") as fh:
                for row in _rows(conn, table):
                    fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()
                             + b"\n")
                    n += 1
            counts[table.name] = n
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION,
                    "schema_revision": revision, "created_at": utcnow().isoformat(),
                    "source": engine.dialect.name, "tables": counts}
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


def _load(conn: Connection, tables: Iterable[Table], archive: zipfile.ZipFile) -> dict[str, int]:
    """Insert every row of the backup's tables (those of ``tables`` it holds), in chunks."""
    counts: dict[str, int] = {}
    names = set(archive.namelist())
    for table in tables:
        member = f"tables/{table.name}.jsonl"
        if member not in names:
            continue
        kinds = {c.name: _kind(c) for c in table.columns}
        batch: list[dict[str, Any]] = []
        n = 0
        with archive.open(member) as fh:
            for line in fh:
                raw = json.loads(line)
                batch.append({k: _decode(kinds[k], v) for k, v in raw.items() if k in kinds})
                if len(batch) >= CHUNK:
                    conn.execute(insert(table), batch)
                    n, batch = n + len(batch), []
        if batch:
            conn.execute(insert(table), batch)
            n += len(batch)
        counts[table.name] = n
    return counts


@contextmanager
def _staged(path: str | Path, manifest: dict[str, Any]) -> Iterator[tuple[Engine, list[str]]]:
    """The backup loaded into a private SQLite store at the backup's own schema revision (tables
    as that revision made them, foreign keys checked after loading): the engine and the
    problems found (dangling foreign keys, row counts that differ from the manifest)."""
    revision = str(manifest.get("schema_revision") or "")
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except Exception:  # alembic raises several kinds for an unknown or malformed revision
        revision = ""
    if not revision:
        raise InvalidInput(f"the backup has schema {manifest.get('schema_revision')!r}, "
                           "unknown to this version of mujun")
    with tempfile.TemporaryDirectory(prefix="mujun-restore-") as folder:
        # foreign keys off while loading (rows come table by table), checked as a whole after
        engine = create_engine(f"sqlite:///{Path(folder) / 'staged.db'}")
        try:
            command.upgrade(alembic_config(engine), revision)
            staged = MetaData()
            staged.reflect(engine)
            tables = [t for t in staged.sorted_tables if t.name != "alembic_version"]
            with zipfile.ZipFile(path) as archive, engine.begin() as conn:
                counts = _load(conn, tables, archive)
            problems = [f"{name}: {counts.get(name, 0)} rows, the manifest says {n}"
                        for name, n in (manifest.get("tables") or {}).items()
                        if counts.get(name, 0) != n]
            with engine.connect() as conn:
                for table, rowid, parent, _ in conn.exec_driver_sql("PRAGMA foreign_key_check"):
                    problems.append(f"{table} row {rowid} refers to a missing {parent} row")
            yield engine, problems
        finally:
            engine.dispose()


def verify(path: str | Path) -> list[str]:
    """Why the backup at ``path`` could not be restored; empty when it can."""
    manifest = read_manifest(path)
    with _staged(path, manifest) as (_, problems):
        return problems


def restore(*, session: Session, actor: User | None, path: str | Path) -> dict[str, int]:
    """Replace every row of the store with the backup's (one transaction; the caller commits).

    A backup of an older schema revision is loaded into a private SQLite store at that revision,
    upgraded there to the store's revision, then copied over."""
    require_admin(actor)
    manifest = read_manifest(path)
    engine = session.get_bind()
    here = current_revision(engine)  # type: ignore[arg-type]
    theirs = manifest.get("schema_revision")
    tables = _tables()
    if here != head_revision():
        raise InvalidInput(f"the store has schema {here}, not the latest; upgrade it first "
                           "(mujun db upgrade)")
    with _staged(path, manifest) as (staged, problems):
        if problems:
            raise InvalidInput("the backup cannot be restored: " + "; ".join(problems[:5]))
        if theirs != here:
            command.upgrade(alembic_config(staged), "head")
        conn = session.connection()
        for table in reversed(tables):
            conn.execute(delete(table))
        counts: dict[str, int] = {}
        with staged.connect() as source:
            for table in tables:
                n = 0
                result = source.execute(select(table).execution_options(yield_per=CHUNK))
                for chunk in result.mappings().partitions(CHUNK):
                    conn.execute(insert(table), [dict(row) for row in chunk])
                    n += len(chunk)
                counts[table.name] = n
    if engine.dialect.name == "postgresql":
        for table in tables:
            if "id" in table.c:
                session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"coalesce((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))
    session.flush()
    actor_name = actor.username if actor else "system"
    restorer = session.scalar(select(User).where(User.username == actor_name))
    audit.record(session=session, actor=restorer, action="store.restore", entity="store",
                 summary=f"restored {Path(path).name} ({manifest.get('created_at')})",
                 after={"tables": counts, "backup_created_at": manifest.get("created_at"),
                        "backup_schema": theirs})
    return counts


def row_counts(session: Session) -> dict[str, int]:
    return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in _tables()}
