"""power readings' changes keep the reason they were accepted with

Revision ID: 0019_power_change_reason
Revises: 0018_monitoring
Create Date: 2026-11-30 01:20:00

A power import that changes stored readings waits for acceptance with a reason, as every other
import does (docs/monitoring.md, "In the store"); the reason is kept with each change. Changes
stored before have none.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_power_change_reason"
down_revision: str | None = "0018_monitoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("power_reading_changes") as batch:
        batch.add_column(sa.Column("reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("power_reading_changes") as batch:
        batch.drop_column("reason")
