"""runs freeze the county figures of their year; results freeze their town and industry

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 08:20:00

A published run's figures never move (docs/security.md, "Published results never move"): the
county-level figures that feed a target (工业投资) are copied into the run when it is created, and
each result row keeps the town and industry of the run's snapshot, so the pages of a published
year filter and group by what the run saw. Runs that exist already are filled from what the store
holds now: the county figures of their year and the towns and industries of their own snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, never a batch: on SQLite a batch copies and drops ``runs``, and dropping it
# deletes every result row (``run_results.run_id`` cascades, foreign keys are on).


def upgrade() -> None:
    op.add_column("runs", sa.Column("county_figures", sa.JSON(), nullable=True))
    op.add_column("run_results", sa.Column("town", sa.String(length=64), nullable=True))
    op.add_column("run_results", sa.Column("industry_code", sa.String(length=8), nullable=True))
    _fill_existing_runs()


def _fill_existing_runs() -> None:
    conn = op.get_bind()
    runs = sa.table("runs", sa.column("id", sa.Integer), sa.column("year", sa.Integer),
                    sa.column("enterprises_parquet", sa.LargeBinary),
                    sa.column("county_figures", sa.JSON))
    results = sa.table("run_results", sa.column("run_id", sa.Integer),
                       sa.column("uscc", sa.String), sa.column("town", sa.String),
                       sa.column("industry_code", sa.String))
    county = sa.table("county_figures", sa.column("year", sa.Integer),
                      sa.column("name", sa.String), sa.column("value", sa.Double))
    for run_id, year, parquet in conn.execute(
            sa.select(runs.c.id, runs.c.year, runs.c.enterprises_parquet)).all():
        figures = {name: value for name, value in conn.execute(
            sa.select(county.c.name, county.c.value).where(county.c.year == year))}
        conn.execute(runs.update().where(runs.c.id == run_id).values(county_figures=figures))
        table = pq.read_table(pa.BufferReader(parquet), columns=["uscc", "town", "industry_code"])
        rows = [{"u": u, "t": t, "i": i} for u, t, i in zip(
            *(table.column(c).to_pylist() for c in ("uscc", "town", "industry_code")),
            strict=True)]
        if rows:
            conn.execute(results.update().where(results.c.run_id == run_id,
                                                results.c.uscc == sa.bindparam("u"))
                         .values(town=sa.bindparam("t"), industry_code=sa.bindparam("i")), rows)


def downgrade() -> None:
    op.drop_column("run_results", "industry_code")
    op.drop_column("run_results", "town")
    op.drop_column("runs", "county_figures")
