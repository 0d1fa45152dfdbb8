"""腾笼换鸟 disposal cases (处置项目) and their dated progress notes

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 14:40:00

A case is opened on one enterprise or one parcel of a year's candidate list, with a method, a
responsible officer, a target date and the area concerned; it goes 立案 → 整治中 → 办结 or is
cancelled with a reason; a correction is a new case naming the one it corrects (docs/land.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("stage IN ('opened', 'in_progress')")


def upgrade() -> None:
    op.create_table(
        "disposal_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("parcel_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("town", sa.String(length=64), nullable=True),
        sa.Column("park", sa.String(length=64), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("area_mu", sa.Double(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("corrects_case_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("(enterprise_id IS NULL) <> (parcel_id IS NULL)",
                           name=op.f("ck_disposal_cases_one_subject")),
        sa.CheckConstraint("area_mu > 0", name=op.f("ck_disposal_cases_area_positive")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f("fk_disposal_cases_enterprise_id_enterprises")),
        sa.ForeignKeyConstraint(["parcel_id"], ["parcels.id"],
                                name=op.f("fk_disposal_cases_parcel_id_parcels")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"],
                                name=op.f("fk_disposal_cases_officer_id_users")),
        sa.ForeignKeyConstraint(["corrects_case_id"], ["disposal_cases.id"],
                                name=op.f("fk_disposal_cases_corrects_case_id_disposal_cases")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_disposal_cases_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_cases")),
        sa.UniqueConstraint("corrects_case_id", name=op.f("uq_disposal_cases_corrects_case_id")),
    )
    for column in ("year", "enterprise_id", "parcel_id", "town", "park", "stage"):
        op.create_index(op.f(f"ix_disposal_cases_{column}"), "disposal_cases", [column],
                        unique=False)
    op.create_index("uq_disposal_cases_open_enterprise", "disposal_cases", ["enterprise_id"],
                    unique=True, sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index("uq_disposal_cases_open_parcel", "disposal_cases", ["parcel_id"],
                    unique=True, sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_table(
        "disposal_case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["disposal_cases.id"], ondelete="CASCADE",
                                name=op.f("fk_disposal_case_notes_case_id_disposal_cases")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_disposal_case_notes_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_case_notes")),
    )
    op.create_index(op.f("ix_disposal_case_notes_case_id"), "disposal_case_notes", ["case_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_disposal_case_notes_case_id"), table_name="disposal_case_notes")
    op.drop_table("disposal_case_notes")
    op.drop_index("uq_disposal_cases_open_parcel", table_name="disposal_cases")
    op.drop_index("uq_disposal_cases_open_enterprise", table_name="disposal_cases")
    for column in ("stage", "park", "town", "parcel_id", "enterprise_id", "year"):
        op.drop_index(op.f(f"ix_disposal_cases_{column}"), table_name="disposal_cases")
    op.drop_table("disposal_cases")
