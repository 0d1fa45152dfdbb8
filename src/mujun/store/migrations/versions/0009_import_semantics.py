"""import_semantics: reasons for value changes, withdrawn incidents (docs/store.md)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 08:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("figure_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=500), nullable=True))
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_incidents_withdrawn_by_users"), "users",
                                    ["withdrawn_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_incidents_withdrawn_by_users"), type_="foreignkey")
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_by")
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("figure_changes", schema=None) as batch_op:
        batch_op.drop_column("reason")
