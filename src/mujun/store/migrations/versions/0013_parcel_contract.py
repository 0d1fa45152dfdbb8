"""parcels carry their land contract (price, floor area, delay cause) and provenance; every
parcel value an import changes is kept in parcel_changes

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 14:40:00

The 自然资源 department imports its parcels like its annual figures (docs/land.md, "地块档案"):
the import that last set a parcel is its ``import_id``, and each changed value keeps its old and
new value with the reason the change was accepted.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("parcels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("land_price_wan", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("floor_area_m2", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("delay_cause", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_parcels_import_id_imports"), "imports", ["import_id"], ["id"]
        )
    op.create_table(
        "parcel_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_parcel_changes_actor_id_users")),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"],
                                name=op.f("fk_parcel_changes_import_id_imports")),
        sa.ForeignKeyConstraint(["parcel_id"], ["parcels.id"], ondelete="CASCADE",
                                name=op.f("fk_parcel_changes_parcel_id_parcels")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcel_changes")),
    )
    op.create_index(op.f("ix_parcel_changes_parcel_id"), "parcel_changes", ["parcel_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_parcel_changes_parcel_id"), table_name="parcel_changes")
    op.drop_table("parcel_changes")
    with op.batch_alter_table("parcels", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_parcels_import_id_imports"), type_="foreignkey")
        batch_op.drop_column("import_id")
        batch_op.drop_column("delay_cause")
        batch_op.drop_column("floor_area_m2")
        batch_op.drop_column("land_price_wan")
