"""Fast bulk writes and reads for imports of 100,000-row files.

SQLAlchemy's per-row parameter processing costs more than the database's own work at a million
rows, so large writes go to the driver directly, inside the session's transaction: ``executemany``
on SQLite, ``COPY`` on PostgreSQL. Values are prepared column-wise with Polars in the form each
column type stores (timestamps as naive UTC, as :class:`~mujun.store.models.base.UTCDateTime` does).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

import polars as pl
from sqlalchemy import Table
from sqlalchemy.orm import Session

from mujun.store.models.base import Base

_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _raw(session: Session) -> Any:
    """The driver connection of the session's current transaction."""
    return session.connection().connection.driver_connection


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


_is_pg = is_postgresql


def stamp(moment: datetime) -> datetime:
    """A timestamp as stored: naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _prepared(frame: pl.DataFrame, sqlite: bool) -> pl.DataFrame:
    if not sqlite:
        return frame
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Datetime:
            exprs.append(pl.col(name).dt.strftime(_SQLITE_TIME))
        elif dtype == pl.Date:
            exprs.append(pl.col(name).dt.strftime("%Y-%m-%d"))
        elif dtype == pl.Boolean:
            exprs.append(pl.col(name).cast(pl.Int8))
    return frame.with_columns(exprs) if exprs else frame


def insert_frame(session: Session, model: type[Base], frame: pl.DataFrame,
                 constants: dict[str, Any] | None = None) -> int:
    """Insert every row of ``frame`` (columns named as the table's) plus ``constants``."""
    table = _table(model)
    if frame.height == 0:
        return 0
    constants = {k: stamp(v) if isinstance(v, datetime) else v
                 for k, v in (constants or {}).items()}
    cursor = _raw(session).cursor()
    try:
        if _is_pg(session):
            frame = frame.with_columns(pl.lit(v).alias(k) for k, v in constants.items())
            names = ", ".join(f'"{c}"' for c in frame.columns)
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False, datetime_format="%Y-%m-%d %H:%M:%S.%f")
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN WITH (FORMAT csv)') as copy:
                copy.write(buffer.getvalue())
        else:
            # constants are written into the statement once, not bound for every row
            names = ", ".join(f'"{c}"' for c in [*frame.columns, *constants])
            marks = ", ".join(["?"] * frame.width
                              + [_sqlite_literal(v) for v in constants.values()])
            cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
                               _prepared(frame, sqlite=True).rows())
    finally:
        cursor.close()
    return frame.height


def _sqlite_literal(value: Any) -> str:
    """A constant of our own (ids, codes, timestamps) as an SQLite literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        value = value.strftime(_SQLITE_TIME)
    return "'" + str(value).replace("'", "''") + "'"


def update_versioned(session: Session, model: type[Base], frame: pl.DataFrame,
                     set_columns: Sequence[str], constants: dict[str, Any]) -> int:
    """``UPDATE table SET … WHERE id = ? AND version = ?`` for each row of ``frame`` (columns
    ``id``, ``version`` and ``set_columns``); bumps the version. Returns the rows matched, so the
    caller can tell a concurrent writer happened (fewer than ``frame.height``)."""
    table = _table(model)
    if frame.height == 0:
        return 0
    fixed = {k: stamp(v) if isinstance(v, datetime) else v for k, v in constants.items()}
    cursor = _raw(session).cursor()
    try:
        if _is_pg(session):
            cursor.execute("CREATE TEMPORARY TABLE _mujun_update (id bigint, version integer, "
                           + ", ".join(f'"{c}" {_pg_type(table, c)}' for c in set_columns)
                           + ") ON COMMIT DROP")
            insert_frame_raw_pg(cursor, "_mujun_update", frame.select("id", "version",
                                                                       *set_columns))
            assignments = ", ".join([f'"{c}" = u."{c}"' for c in set_columns]
                                    + [f'"{k}" = %({k})s' for k in fixed]
                                    + ['"version" = t."version" + 1'])
            cursor.execute(
                f'UPDATE "{table.name}" AS t SET {assignments} FROM _mujun_update AS u '
                f'WHERE t.id = u.id AND t.version = u.version', fixed)
            matched = cursor.rowcount
            cursor.execute("DROP TABLE _mujun_update")
            return int(matched)
        assignments = ", ".join([f'"{c}" = ?' for c in set_columns]
                                + [f'"{k}" = ?' for k in fixed] + ['"version" = "version" + 1'])
        rows = _prepared(frame.select(*set_columns, *[pl.lit(v).alias(f"_k_{k}") for k, v
                                                       in fixed.items()], "id", "version"),
                         sqlite=True).rows()
        cursor.executemany(f'UPDATE "{table.name}" SET {assignments} WHERE id = ? AND version = ?',
                           rows)
        return int(cursor.rowcount)
    finally:
        cursor.close()


def insert_frame_raw_pg(cursor: Any, table_name: str, frame: pl.DataFrame) -> None:
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False)
    names = ", ".join(f'"{c}"' for c in frame.columns)
    with cursor.copy(f'COPY "{table_name}" ({names}) FROM STDIN WITH (FORMAT csv)') as copy:
        copy.write(buffer.getvalue())


def _pg_type(table: Table, column: str) -> str:
    from sqlalchemy.dialects import postgresql

    return str(table.c[column].type.compile(dialect=postgresql.dialect()))


def select_frame(session: Session, sql: str, params: Sequence[Any],
                 schema: dict[str, Any]) -> pl.DataFrame:
    """Run a plain ``SELECT`` (``?`` placeholders) and return its rows as a Polars frame.

    On PostgreSQL the rows come as CSV through ``COPY … TO STDOUT`` and are parsed by Polars (no
    Python object per value: a run reads every figure of a year, 2 million at 100,000
    enterprises); text, integer and number columns only."""
    cursor = _raw(session).cursor()
    try:
        if _is_pg(session):
            sql = sql.replace("?", "%s")
            if all(t in _COPIED_TYPES for t in schema.values()):
                buffer = io.BytesIO()
                query = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
                with cursor.copy(query, tuple(params)) as copy:
                    for chunk in copy:
                        buffer.write(chunk)
                if not buffer.tell():
                    return pl.DataFrame(schema=schema)
                buffer.seek(0)
                return pl.read_csv(buffer, has_header=False, schema=schema)
        cursor.execute(sql, tuple(params))
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return pl.DataFrame(rows, schema=schema, orient="row")


#: the column types :func:`select_frame` reads from PostgreSQL's CSV
_COPIED_TYPES = (pl.String, pl.Int64, pl.Float64)
