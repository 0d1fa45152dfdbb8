"""projects: investment projects (招商/重大项目), their stage history, a leader's lead title

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 14:40:00

A project keeps its current stage; ``project_stages`` records each stage entered with its date and,
for a step back, the reason (docs/projects.md). ``users.lead_title`` ties a leader to the projects
it leads.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("planned_investment_wan", sa.Double(), nullable=True),
        sa.Column("actual_investment_wan", sa.Double(), nullable=True),
        sa.Column("lead", sa.String(length=64), nullable=True),
        sa.Column("parcel_code", sa.String(length=64), nullable=True),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("industry_code", sa.String(length=8), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("code", name=op.f("uq_projects_code")),
    )
    for column in ("stage", "lead", "parcel_code", "uscc"):
        op.create_index(op.f(f"ix_projects_{column}"), "projects", [column], unique=False)
    op.create_table(
        "project_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE",
                                name=op.f("fk_project_stages_project_id_projects")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_project_stages_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_stages")),
    )
    op.create_index(op.f("ix_project_stages_project_id"), "project_stages", ["project_id"],
                    unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_title", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("lead_title")
    op.drop_index(op.f("ix_project_stages_project_id"), table_name="project_stages")
    op.drop_table("project_stages")
    for column in ("uscc", "parcel_code", "lead", "stage"):
        op.drop_index(op.f(f"ix_projects_{column}"), table_name="projects")
    op.drop_table("projects")
