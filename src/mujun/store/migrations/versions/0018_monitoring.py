"""monitoring: monthly power readings, monitored months, their signals and the alerts (预警)

Revision ID: 0018_monitoring
Revises: 0017_programmes
Create Date: 2026-11-29 21:20:00

docs/monitoring.md describes the tables and how a month's signals open and close alerts.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_monitoring"
down_revision: str | None = "0017_programmes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "power_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("kwh", sa.Double(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f("fk_power_readings_enterprise_id_enterprises")),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"],
                                name=op.f("fk_power_readings_import_id_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_power_readings")),
        sa.UniqueConstraint("enterprise_id", "month",
                            name=op.f("uq_power_readings_enterprise_id")),
    )
    op.create_index(op.f("ix_power_readings_month"), "power_readings", ["month"], unique=False)
    op.create_table(
        "power_reading_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reading_id", sa.Integer(), nullable=False),
        sa.Column("old_kwh", sa.Double(), nullable=False),
        sa.Column("new_kwh", sa.Double(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["reading_id"], ["power_readings.id"],
                                name=op.f("fk_power_reading_changes_reading_id_power_readings")),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"],
                                name=op.f("fk_power_reading_changes_import_id_imports")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_power_reading_changes_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_power_reading_changes")),
    )
    op.create_index(op.f("ix_power_reading_changes_reading_id"), "power_reading_changes",
                    ["reading_id"], unique=False)
    op.create_table(
        "monitored_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("policy", sa.String(length=64), nullable=False),
        sa.Column("silent", sa.Integer(), nullable=False),
        sa.Column("stopped", sa.Integer(), nullable=False),
        sa.Column("declining", sa.Integer(), nullable=False),
        sa.Column("normal", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitored_months")),
        sa.UniqueConstraint("month", name=op.f("uq_monitored_months_month")),
    )
    op.create_table(
        "power_signals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("kwh_3m", sa.Double(), nullable=True),
        sa.Column("kwh_3m_last_year", sa.Double(), nullable=True),
        sa.Column("yoy_3m", sa.Double(), nullable=True),
        sa.Column("baseline", sa.Double(), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f("fk_power_signals_enterprise_id_enterprises")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_power_signals")),
        sa.UniqueConstraint("month", "enterprise_id", name=op.f("uq_power_signals_month")),
    )
    op.create_index(op.f("ix_power_signals_enterprise_id"), "power_signals", ["enterprise_id"],
                    unique=False)
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_month", sa.Date(), nullable=False),
        sa.Column("opened_level", sa.String(length=16), nullable=False),
        sa.Column("last_month", sa.Date(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("normal_months", sa.Integer(), nullable=False),
        sa.Column("closed_month", sa.Date(), nullable=True),
        sa.Column("closed_reason", sa.String(length=16), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("visit_note", sa.Text(), nullable=True),
        sa.Column("visited_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f("fk_alerts_enterprise_id_enterprises")),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"],
                                name=op.f("fk_alerts_closed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index(op.f("ix_alerts_enterprise_id"), "alerts", ["enterprise_id"], unique=False)
    op.create_index("ix_alerts_status_enterprise", "alerts", ["status", "enterprise_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_alerts_status_enterprise", table_name="alerts")
    op.drop_index(op.f("ix_alerts_enterprise_id"), table_name="alerts")
    op.drop_table("alerts")
    op.drop_index(op.f("ix_power_signals_enterprise_id"), table_name="power_signals")
    op.drop_table("power_signals")
    op.drop_table("monitored_months")
    op.drop_index(op.f("ix_power_reading_changes_reading_id"), table_name="power_reading_changes")
    op.drop_table("power_reading_changes")
    op.drop_index(op.f("ix_power_readings_month"), table_name="power_readings")
    op.drop_table("power_readings")
