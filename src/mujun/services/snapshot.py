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
from mujun.engine.fields import FIELDS, FieldType
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


def assemble(session: Session, year: int) -> Snapshot:
    figures = bulk.select_frame(
        session,
        "SELECT e.uscc, f.field, f.value_num, f.value_text FROM figures f "
        "JOIN enterprises e ON e.id = f.enterprise_id WHERE f.year = ?",
        [year], {"uscc": pl.String, "field": pl.String, "num": pl.Float64, "text": pl.String},
    )
    registry = bulk.select_frame(
        session, "SELECT uscc, name, town, industry_code FROM enterprises", [],
        {"uscc": pl.String, "reg_name": pl.String, "reg_town": pl.String,
         "reg_industry_code": pl.String},
    )
    codes = figures.select("uscc").unique().sort("uscc")
    columns: list[pl.Series] = []
    for field in FIELDS:
        if field.key == "uscc":
            columns.append(codes.get_column("uscc"))
            continue
        part = figures.filter(pl.col("field") == field.key)
        value = "num" if field.type is FieldType.NUMBER else "text"
        joined = codes.join(part.select("uscc", pl.col(value).alias("v")), on="uscc", how="left")
        values = joined.get_column("v")
        if field.type is FieldType.BOOL:
            values = (values == "true").fill_null(False)
        elif field.type is FieldType.DATE:
            values = values.str.to_date("%Y-%m-%d", strict=False)
        elif field.empty_is_zero:
            values = values.fill_null(0.0)
        elif field.type is FieldType.STR:
            fallback = codes.join(registry, on="uscc", how="left").get_column(f"reg_{field.key}")
            values = values.fill_null(fallback)
        columns.append(values.alias(field.key))
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
