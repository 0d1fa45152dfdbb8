"""a run's stored rows and explanations compressed with lz4 on PostgreSQL

Revision ID: 0020_results_lz4
Revises: 0019_power_change_reason
Create Date: 2026-11-30 05:05:00

Each result keeps its row and its explanation as JSON, a few kB that PostgreSQL compresses when
it stores them (TOAST). Its default, pglz, made that compression most of the server's time in
`mujun run create` at 100,000 enterprises; lz4 is several times faster for about the same size
(docs/store.md, docs/benchmarks.md "Runs"). Values written before keep their compression until
they are written again; both read the same. SQLite stores JSON as text: nothing to do, as on a
PostgreSQL server built without lz4 (the setting then does not offer it).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_results_lz4"
down_revision: str | None = "0019_power_change_reason"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("row", "explanation")


def _lz4_offered() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    choices = bind.execute(sa.text(
        "SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")).scalar()
    return "lz4" in (choices or [])


def _compress(method: str) -> None:
    if _lz4_offered():
        columns = ", ".join(f'ALTER COLUMN "{c}" SET COMPRESSION {method}' for c in COLUMNS)
        op.execute(f"ALTER TABLE run_results {columns}")


def upgrade() -> None:
    _compress("lz4")


def downgrade() -> None:
    _compress("pglz")
