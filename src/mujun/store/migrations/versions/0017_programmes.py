"""programmes: the talent register, the 股改上市 pipeline and the incentive payments (奖补兑现)

Revision ID: 0017_programmes
Revises: 0016
Create Date: 2026-11-29 14:45:00

docs/programmes.md describes the three tables and who keeps them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_programmes"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "talent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_code", sa.String(length=32), nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("town", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["employer_id"], ["enterprises.id"],
                                name=op.f("fk_talent_employer_id_enterprises")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent")),
        sa.UniqueConstraint("person_code", name=op.f("uq_talent_person_code")),
    )
    op.create_index(op.f("ix_talent_category"), "talent", ["category"], unique=False)
    op.create_index(op.f("ix_talent_year"), "talent", ["year"], unique=False)
    op.create_index(op.f("ix_talent_employer_id"), "talent", ["employer_id"], unique=False)
    op.create_index(op.f("ix_talent_town"), "talent", ["town"], unique=False)

    op.create_table(
        "ipo_pipeline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("reform_on", sa.Date(), nullable=True),
        sa.Column("tutoring_on", sa.Date(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("listed_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f("fk_ipo_pipeline_enterprise_id_enterprises")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ipo_pipeline")),
        sa.UniqueConstraint("enterprise_id", name=op.f("uq_ipo_pipeline_enterprise_id")),
    )
    op.create_index(op.f("ix_ipo_pipeline_stage"), "ipo_pipeline", ["stage"], unique=False)

    op.create_table(
        "incentive_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=32), nullable=False),
        sa.Column("amount_wan", sa.Double(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f("fk_incentive_payments_enterprise_id_enterprises")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incentive_payments")),
        sa.UniqueConstraint("enterprise_id", "year", "programme",
                            name=op.f("uq_incentive_payments_enterprise_id")),
    )
    op.create_index(op.f("ix_incentive_payments_enterprise_id"), "incentive_payments",
                    ["enterprise_id"], unique=False)
    op.create_index(op.f("ix_incentive_payments_year"), "incentive_payments", ["year"],
                    unique=False)
    op.create_index(op.f("ix_incentive_payments_programme"), "incentive_payments",
                    ["programme"], unique=False)


def downgrade() -> None:
    op.drop_table("incentive_payments")
    op.drop_table("ipo_pipeline")
    op.drop_table("talent")
