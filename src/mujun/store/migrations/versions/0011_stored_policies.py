"""the county's policies in the store: every uploaded version of a named policy

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 11:30:00

The admin uploads the county's 评价办法 and keeps each version with who, when, the hashes and the
years it covers; the text is kept exactly as uploaded (docs/policy.md, "Policies in the store").
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stored_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("policy_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("years_from", sa.Integer(), nullable=False),
        sa.Column("years_to", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_stored_policies_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_policies")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_stored_policies_name")),
    )
    op.create_index(op.f("ix_stored_policies_name"), "stored_policies", ["name"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_stored_policies_name"), table_name="stored_policies")
    op.drop_table("stored_policies")
