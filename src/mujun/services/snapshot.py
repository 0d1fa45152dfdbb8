"""A year's inputs as the engine reads them, assembled from the store, and their frozen form.

The enterprise table follows the contract of architecture.md (``mujun.io.ENTERPRISE_SCHEMA``): one
row per enterprise with a figure of the year, in credit-code order; text fields fall back to the
registry when no department sent them for the year; an absent yes/no is false, an absent land field
0, anything else missing. Incidents are the year's, in the order they were imported.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from mujun.engine.evaluate import table_hash
from mujun.engine.fields import FIELDS, Field, FieldType
from mujun.io import ENTERPRISE_SCHEMA
from mujun.store import bulk

INCIDENT_SNAPSHOT_SCHEMA = pa.schema([("uscc", pa.string()), ("year", pa.int64()),
                                      ("type", pa.string()), ("date", pa.date32()),
                                      ("note", pa.string())])


@dataclass(frozen=True)
class Snapshot:
    enterprises: pa.Table
    incidents: pa.Table

    @property
    def hash(self) -> str:
        return snapshot_hash(self.enterprises, self.incidents)

    def to_parquet(self) -> tuple[bytes, bytes]:
        return to_parquet(self.enterprises), to_parquet(self.incidents)

    @classmethod
    def from_parquet(cls, enterprises: bytes, incidents: bytes) -> Snapshot:
        return cls(pq.read_table(pa.BufferReader(enterprises)),
                   pq.read_table(pa.BufferReader(incidents)))


def snapshot_hash(enterprises: pa.Table, incidents: pa.Table) -> str:
    """SHA-256 over the content of both tables (not their Parquet bytes)."""
    both = f"{table_hash(enterprises)}:{table_hash(incidents)}"
    return hashlib.sha256(both.encode()).hexdigest()


def to_parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _year_values(session: Session, year: int, fields: list[Field]) -> pl.DataFrame:
    """Each field's value of the year as one column per enterprise (``enterprise_id``; the store
    holds at most one value per enterprise, year and field). PostgreSQL pivots (one row per
    enterprise to read); SQLite, where the query runs in this process, is read one row per value
    and pivoted here, which costs it less."""
    schema = {f.key: pl.Float64 if f.type is FieldType.NUMBER else pl.String for f in fields}
    if bulk.is_postgresql(session):
        pivot = ", ".join(
            f"MAX(CASE WHEN f.field = '{f.key}' THEN f.value_"
            f"{'num' if f.type is FieldType.NUMBER else 'text'} END) AS \"{f.key}\""
            for f in fields)
        return bulk.select_frame(
            session, f"SELECT f.enterprise_id, {pivot} FROM figures f WHERE f.year = ? "
            "GROUP BY f.enterprise_id", [year], {"enterprise_id": pl.Int64, **schema})
    long = bulk.select_frame(
        session, "SELECT enterprise_id, field, value_num, value_text FROM figures WHERE year = ?",
        [year], {"enterprise_id": pl.Int64, "field": pl.String, "num": pl.Float64,
                 "text": pl.String})
    wide = long.select("enterprise_id").unique()
    numbers = [f.key for f in fields if f.type is FieldType.NUMBER]
    for keys, value in ((numbers, "num"), ([k for k in schema if k not in numbers], "text")):
        part = long.filter(pl.col("field").is_in(keys))
        if part.height:
            wide = wide.join(part.pivot(on="field", index="enterprise_id", values=value,
                                        aggregate_function="first"),
                             on="enterprise_id", how="left")
    return wide.with_columns(pl.lit(None, dtype).alias(k) for k, dtype in schema.items()
                             if k not in wide.columns).select("enterprise_id", *schema)


def assemble(session: Session, year: int) -> Snapshot:
    fields = [f for f in FIELDS if f.key != "uscc"]
    figures = _year_values(session, year, fields)
    registry = bulk.select_frame(
        session, "SELECT id, uscc, name, town, industry_code FROM enterprises", [],
        {"enterprise_id": pl.Int64, "uscc": pl.String, "reg_name": pl.String,
         "reg_town": pl.String, "reg_industry_code": pl.String},
    )
    values = figures.join(registry, on="enterprise_id", how="left").sort("uscc")
    columns: list[pl.Series] = [values.get_column("uscc")]
    for field in fields:
        column = values.get_column(field.key)
        if field.type is FieldType.BOOL:
            column = (column == "true").fill_null(False)
        elif field.type is FieldType.DATE:
            column = column.str.to_date("%Y-%m-%d", strict=False)
        elif field.empty_is_zero:
            column = column.fill_null(0.0)
        elif field.type is FieldType.STR:
            column = column.fill_null(values.get_column(f"reg_{field.key}"))
        columns.append(column.alias(field.key))
    enterprises = pl.DataFrame(columns).to_arrow().cast(ENTERPRISE_SCHEMA)
    incidents = bulk.select_frame(
        session,
        "SELECT e.uscc, i.year, i.type, CAST(i.date AS VARCHAR(10)), i.note FROM incidents i "
        "JOIN enterprises e ON e.id = i.enterprise_id WHERE i.year = ? AND i.withdrawn_at IS NULL "
        "ORDER BY i.id",
        [year], {"uscc": pl.String, "year": pl.Int64, "type": pl.String, "date": pl.String,
                 "note": pl.String},
    ).with_columns(pl.col("date").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
    return Snapshot(enterprises, incidents.to_arrow().cast(INCIDENT_SNAPSHOT_SCHEMA))
