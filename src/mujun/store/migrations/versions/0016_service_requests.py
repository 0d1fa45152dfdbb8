"""三服务2.0 requests: an enterprise's request, its department, due date, handling and rating

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 14:40:00

The requests an enterprise submits to a department, with the dates of each stage, the handling
notes, the closing reply and the enterprise's rating (docs/programmes.md, "三服务2.0").
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_no", sa.String(length=32), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("department", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("rated_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("satisfaction BETWEEN 1 AND 10",
                           name=op.f("ck_service_requests_satisfaction_1_to_10")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_service_requests_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_requests")),
        sa.UniqueConstraint("request_no", name=op.f("uq_service_requests_request_no")),
    )
    op.create_index(op.f("ix_service_requests_uscc"), "service_requests", ["uscc"], unique=False)
    op.create_index("ix_service_requests_department_status", "service_requests",
                    ["department", "status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_service_requests_department_status", table_name="service_requests")
    op.drop_index(op.f("ix_service_requests_uscc"), table_name="service_requests")
    op.drop_table("service_requests")
