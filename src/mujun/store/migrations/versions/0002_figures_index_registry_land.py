"""figures: one index and no key check on import_id (fast 100,000-row imports); registry and
land columns the demo county needs (lifecycle codes, established, left_year, zone, lessor)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:37:07.486323
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.add_column(sa.Column("established", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("left_year", sa.Integer(), nullable=True))
        batch_op.alter_column(
            "lifecycle",
            existing_type=sa.VARCHAR(length=8),
            type_=sa.String(length=16),
            existing_nullable=True,
        )

    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figures_import_id"))
        batch_op.drop_index(batch_op.f("ix_figures_year_field"))
        batch_op.drop_constraint(batch_op.f("uq_figures_enterprise_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_figures_year"), ["year", "enterprise_id", "field"]
        )
        batch_op.drop_constraint(batch_op.f("fk_figures_import_id_imports"), type_="foreignkey")

    with op.batch_alter_table("leases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lessor_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_leases_lessor_id"), ["lessor_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_leases_lessor_id_enterprises"), "enterprises", ["lessor_id"], ["id"]
        )

    with op.batch_alter_table("parcels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zone", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("standard_land", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(batch_op.f("ix_parcels_zone"), ["zone"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("parcels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parcels_zone"))
        batch_op.drop_column("standard_land")
        batch_op.drop_column("zone")

    with op.batch_alter_table("leases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_leases_lessor_id_enterprises"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_leases_lessor_id"))
        batch_op.drop_column("lessor_id")

    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_figures_import_id_imports"), "imports", ["import_id"], ["id"]
        )
        batch_op.drop_constraint(batch_op.f("uq_figures_year"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_figures_enterprise_id"), ["enterprise_id", "year", "field"]
        )
        batch_op.create_index(batch_op.f("ix_figures_year_field"), ["year", "field"], unique=False)
        batch_op.create_index(batch_op.f("ix_figures_import_id"), ["import_id"], unique=False)

    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.alter_column(
            "lifecycle",
            existing_type=sa.String(length=16),
            type_=sa.VARCHAR(length=8),
            existing_nullable=True,
        )
        batch_op.drop_column("left_year")
        batch_op.drop_column("established")
