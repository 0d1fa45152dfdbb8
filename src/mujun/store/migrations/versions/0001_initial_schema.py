"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 17:16:48.256043
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "enterprises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("town", sa.String(length=64), nullable=True),
        sa.Column("park", sa.String(length=64), nullable=True),
        sa.Column("industry_code", sa.String(length=8), nullable=True),
        sa.Column("above_scale", sa.Boolean(), nullable=True),
        sa.Column("lifecycle", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprises")),
        sa.UniqueConstraint("uscc", name=op.f("uq_enterprises_uscc")),
    )
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprises_park"), ["park"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprises_town"), ["town"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=16), nullable=True),
        sa.Column("town", sa.String(length=64), nullable=True),
        sa.Column("park", sa.String(length=64), nullable=True),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "enterprise_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_enterprise_tags_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_tags")),
        sa.UniqueConstraint("enterprise_id", "tag", name=op.f("uq_enterprise_tags_enterprise_id")),
    )
    with op.batch_alter_table("enterprise_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprise_tags_tag"), ["tag"], unique=False)

    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("enterprises_created", sa.Integer(), nullable=False),
        sa.Column("incidents_added", sa.Integer(), nullable=False),
        sa.Column("incidents_removed", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_imports_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_table(
        "parcels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_code", sa.String(length=64), nullable=False),
        sa.Column("area_m2", sa.Double(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("use", sa.String(length=32), nullable=True),
        sa.Column("town", sa.String(length=64), nullable=True),
        sa.Column("acquired_on", sa.Date(), nullable=True),
        sa.Column("agreed_construction_start", sa.Date(), nullable=True),
        sa.Column("construction_started_on", sa.Date(), nullable=True),
        sa.Column("geometry", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["enterprises.id"], name=op.f("fk_parcels_owner_id_enterprises")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcels")),
        sa.UniqueConstraint("parcel_code", name=op.f("uq_parcels_parcel_code")),
    )
    with op.batch_alter_table("parcels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parcels_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("run_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("policy_name", sa.String(length=200), nullable=False),
        sa.Column("policy_text", sa.Text(), nullable=False),
        sa.Column("policy_hash", sa.String(length=64), nullable=False),
        sa.Column("engine_version", sa.String(length=32), nullable=False),
        sa.Column("enterprises_parquet", sa.LargeBinary(), nullable=False),
        sa.Column("incidents_parquet", sa.LargeBinary(), nullable=False),
        sa.Column("snapshot_hash", sa.String(length=64), nullable=False),
        sa.Column("results_hash", sa.String(length=64), nullable=False),
        sa.Column("n_results", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("notice_until", sa.DateTime(), nullable=True),
        sa.Column("finalized_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_runs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["runs.id"], name=op.f("fk_runs_supersedes_id_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
        sa.UniqueConstraint("year", "run_version", name=op.f("uq_runs_year")),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_runs_year"), ["year"], unique=False)

    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("corrections", sa.JSON(), nullable=True),
        sa.Column("new_run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_appeals_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["new_run_id"], ["runs.id"], name=op.f("fk_appeals_new_run_id_runs")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_appeals_resolved_by_id_users")
        ),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_appeals_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeals_run_id"), ["run_id"], unique=False)

    op.create_table(
        "figure_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old_num", sa.Double(), nullable=True),
        sa.Column("old_text", sa.String(length=255), nullable=True),
        sa.Column("new_num", sa.Double(), nullable=True),
        sa.Column("new_text", sa.String(length=255), nullable=True),
        sa.Column("department", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_figure_changes_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_figure_changes_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_figure_changes_import_id_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_changes")),
    )
    with op.batch_alter_table("figure_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_figure_changes_figure", ["enterprise_id", "year", "field"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_figure_changes_import_id"), ["import_id"], unique=False
        )

    op.create_table(
        "figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("value_num", sa.Double(), nullable=True),
        sa.Column("value_text", sa.String(length=255), nullable=True),
        sa.Column("department", sa.String(length=16), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_figures_enterprise_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_figures_import_id_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figures")),
        sa.UniqueConstraint(
            "enterprise_id", "year", "field", name=op.f("uq_figures_enterprise_id")
        ),
    )
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figures_import_id"), ["import_id"], unique=False)
        batch_op.create_index("ix_figures_year_field", ["year", "field"], unique=False)

    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("department", sa.String(length=16), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_incidents_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_incidents_import_id_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incidents_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index("ix_incidents_year_department", ["year", "department"], unique=False)

    op.create_table(
        "leases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("lessee_id", sa.Integer(), nullable=True),
        sa.Column("area_m2", sa.Double(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lessee_id"], ["enterprises.id"], name=op.f("fk_leases_lessee_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["parcels.id"],
            name=op.f("fk_leases_parcel_id_parcels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leases")),
    )
    with op.batch_alter_table("leases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leases_lessee_id"), ["lessee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leases_parcel_id"), ["parcel_id"], unique=False)

    op.create_table(
        "run_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("group", sa.String(length=8), nullable=True),
        sa.Column("exempt_reason", sa.String(length=32), nullable=True),
        sa.Column("vetoed", sa.Boolean(), nullable=True),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("class", sa.String(length=1), nullable=True),
        sa.Column("low_efficiency", sa.Boolean(), nullable=True),
        sa.Column("row", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_run_results_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_results")),
        sa.UniqueConstraint("run_id", "row_no", name=op.f("uq_run_results_run_id")),
    )
    with op.batch_alter_table("run_results", schema=None) as batch_op:
        batch_op.create_index("ix_run_results_run_uscc", ["run_id", "uscc"], unique=False)

    op.create_table(
        "standard_land_commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("investment_wan_per_mu", sa.Double(), nullable=True),
        sa.Column("plot_ratio", sa.Double(), nullable=True),
        sa.Column("tax_wan_per_mu", sa.Double(), nullable=True),
        sa.Column("energy_tce_per_wan", sa.Double(), nullable=True),
        sa.Column("review_after_years", sa.Integer(), nullable=True),
        sa.Column("penalty", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["parcels.id"],
            name=op.f("fk_standard_land_commitments_parcel_id_parcels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_land_commitments")),
        sa.UniqueConstraint("parcel_id", name=op.f("uq_standard_land_commitments_parcel_id")),
    )


def downgrade() -> None:

    op.drop_table("standard_land_commitments")
    with op.batch_alter_table("run_results", schema=None) as batch_op:
        batch_op.drop_index("ix_run_results_run_uscc")

    op.drop_table("run_results")
    with op.batch_alter_table("leases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leases_parcel_id"))
        batch_op.drop_index(batch_op.f("ix_leases_lessee_id"))

    op.drop_table("leases")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_year_department")
        batch_op.drop_index(batch_op.f("ix_incidents_enterprise_id"))

    op.drop_table("incidents")
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.drop_index("ix_figures_year_field")
        batch_op.drop_index(batch_op.f("ix_figures_import_id"))

    op.drop_table("figures")
    with op.batch_alter_table("figure_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figure_changes_import_id"))
        batch_op.drop_index("ix_figure_changes_figure")

    op.drop_table("figure_changes")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeals_run_id"))

    op.drop_table("appeals")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_runs_year"))

    op.drop_table("runs")
    with op.batch_alter_table("parcels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parcels_owner_id"))

    op.drop_table("parcels")
    op.drop_table("imports")
    with op.batch_alter_table("enterprise_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprise_tags_tag"))

    op.drop_table("enterprise_tags")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entity")
        batch_op.drop_index(batch_op.f("ix_audit_at"))

    op.drop_table("audit")
    op.drop_table("users")
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprises_town"))
        batch_op.drop_index(batch_op.f("ix_enterprises_park"))

    op.drop_table("enterprises")
