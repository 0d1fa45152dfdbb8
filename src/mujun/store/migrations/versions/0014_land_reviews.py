"""标准地 达产复核 in the store: yearly reviews with frozen inputs, rows, penalties, answers

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 14:40:00

A review of year Y freezes its policy and inputs with their hashes (reproducible by
``mujun land review-verify``), keeps one row per commitment (land.md §3), a collection record per
breach with a penalty and the owner's answers (docs/land.md, "达产复核 in the store").
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "land_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("review_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("policy_name", sa.String(length=200), nullable=False),
        sa.Column("policy_text", sa.Text(), nullable=False),
        sa.Column("policy_hash", sa.String(length=64), nullable=False),
        sa.Column("engine_version", sa.String(length=32), nullable=False),
        sa.Column("commitments", sa.JSON(), nullable=False),
        sa.Column("parcels", sa.JSON(), nullable=False),
        sa.Column("enterprises", sa.JSON(), nullable=False),
        sa.Column("projects", sa.JSON(), nullable=False),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("input_hashes", sa.JSON(), nullable=False),
        sa.Column("rows_hash", sa.String(length=64), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("n_due", sa.Integer(), nullable=False),
        sa.Column("n_breaches", sa.Integer(), nullable=False),
        sa.Column("total_penalty_wan", sa.Double(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("answer_until", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_land_reviews_created_by_id_users")),
        sa.ForeignKeyConstraint(["supersedes_id"], ["land_reviews.id"],
                                name=op.f("fk_land_reviews_supersedes_id_land_reviews")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_land_reviews")),
        sa.UniqueConstraint("year", "review_version", name=op.f("uq_land_reviews_year")),
    )
    op.create_index(op.f("ix_land_reviews_year"), "land_reviews", ["year"], unique=False)
    op.create_index("uq_land_reviews_year_published", "land_reviews", ["year"], unique=True,
                    sqlite_where=sa.text("status = 'published'"),
                    postgresql_where=sa.text("status = 'published'"))
    op.create_table(
        "land_review_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("parcel_code", sa.String(length=64), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("zone", sa.String(length=64), nullable=True),
        sa.Column("town", sa.String(length=64), nullable=True),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.Column("breaches", sa.String(length=200), nullable=True),
        sa.Column("total_penalty_wan", sa.Double(), nullable=True),
        sa.Column("row", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["land_reviews.id"],
                                name=op.f("fk_land_review_rows_review_id_land_reviews"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_land_review_rows")),
        sa.UniqueConstraint("review_id", "row_no", name=op.f("uq_land_review_rows_review_id")),
    )
    op.create_index("ix_land_review_rows_review_uscc", "land_review_rows",
                    ["review_id", "uscc"], unique=False)
    op.create_index(op.f("ix_land_review_rows_parcel_code"), "land_review_rows",
                    ["parcel_code"], unique=False)
    op.create_table(
        "land_review_penalties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("amount_wan", sa.Double(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_land_review_penalties_decided_by_id_users")),
        sa.ForeignKeyConstraint(["review_id"], ["land_reviews.id"],
                                name=op.f("fk_land_review_penalties_review_id_land_reviews"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["row_id"], ["land_review_rows.id"],
                                name=op.f("fk_land_review_penalties_row_id_land_review_rows"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_land_review_penalties")),
        sa.UniqueConstraint("row_id", "measure", name=op.f("uq_land_review_penalties_row_id")),
    )
    op.create_index(op.f("ix_land_review_penalties_review_id"), "land_review_penalties",
                    ["review_id"], unique=False)
    op.create_table(
        "land_review_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_land_review_answers_created_by_id_users")),
        sa.ForeignKeyConstraint(["row_id"], ["land_review_rows.id"],
                                name=op.f("fk_land_review_answers_row_id_land_review_rows"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_land_review_answers")),
        sa.UniqueConstraint("row_id", name=op.f("uq_land_review_answers_row_id")),
    )


def downgrade() -> None:
    op.drop_table("land_review_answers")
    op.drop_index(op.f("ix_land_review_penalties_review_id"), table_name="land_review_penalties")
    op.drop_table("land_review_penalties")
    op.drop_index(op.f("ix_land_review_rows_parcel_code"), table_name="land_review_rows")
    op.drop_index("ix_land_review_rows_review_uscc", table_name="land_review_rows")
    op.drop_table("land_review_rows")
    op.drop_index("uq_land_reviews_year_published", table_name="land_reviews")
    op.drop_index(op.f("ix_land_reviews_year"), table_name="land_reviews")
    op.drop_table("land_reviews")
