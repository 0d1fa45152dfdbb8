"""appeals and runs: one open appeal per enterprise and run, one run of a year in notice

Before the indexes exist, the data is brought in line with them (docs/store.md, "Evaluation runs,
notice and appeals"): of several runs of a year in notice the newest stays, the older are
superseded; a pending appeal left on a superseded run moves to its year's newest published run; of
several pending appeals of one enterprise against one run the oldest stays open, the others are
closed as repeats.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-29 08:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPEAT_NOTE = "重复申诉：同一批次已有待处理的申诉 #{}，本件随升级关闭"


def _one_notice_per_year(conn: sa.Connection) -> None:
    in_notice = conn.execute(sa.text(
        "SELECT id, year FROM runs WHERE status = 'notice' ORDER BY year, run_version")).all()
    newest = {year: run_id for run_id, year in in_notice}
    for run_id, year in in_notice:
        if newest[year] != run_id:
            conn.execute(sa.text("UPDATE runs SET status = 'superseded', version = version + 1 "
                                 "WHERE id = :r"), {"r": run_id})


def _move_stranded_appeals(conn: sa.Connection) -> None:
    """A pending appeal on a superseded run goes to its year's newest published run."""
    in_force: dict[int, int] = dict(conn.execute(sa.text(
        "SELECT year, id FROM runs WHERE status IN ('notice', 'final') "
        "ORDER BY year, run_version")).all())
    stranded = conn.execute(sa.text(
        "SELECT a.id, r.year FROM appeals a JOIN runs r ON r.id = a.run_id "
        "WHERE a.status = 'pending' AND r.status = 'superseded'")).all()
    for appeal_id, year in stranded:
        if year in in_force:
            conn.execute(sa.text("UPDATE appeals SET run_id = :r, version = version + 1 "
                                 "WHERE id = :a"), {"r": in_force[year], "a": appeal_id})


def _close_repeats(conn: sa.Connection) -> None:
    first: dict[tuple[int, str], int] = {}
    rows = conn.execute(sa.text(
        "SELECT id, run_id, uscc FROM appeals WHERE status = 'pending' ORDER BY id")).all()
    for appeal_id, run_id, uscc in rows:
        kept = first.setdefault((run_id, uscc), appeal_id)
        if kept != appeal_id:
            conn.execute(sa.text(
                "UPDATE appeals SET status = 'rejected', note = :n, version = version + 1 "
                "WHERE id = :a"), {"n": REPEAT_NOTE.format(kept), "a": appeal_id})


def upgrade() -> None:
    conn = op.get_bind()
    _one_notice_per_year(conn)
    _move_stranded_appeals(conn)
    _close_repeats(conn)
    where = sa.text("status = 'pending'")
    op.create_index("uq_appeals_open_per_run", "appeals", ["run_id", "uscc"], unique=True,
                    sqlite_where=where, postgresql_where=where)
    in_notice = sa.text("status = 'notice'")
    op.create_index("uq_runs_year_in_notice", "runs", ["year"], unique=True,
                    sqlite_where=in_notice, postgresql_where=in_notice)


def downgrade() -> None:
    op.drop_index("uq_runs_year_in_notice", table_name="runs")
    op.drop_index("uq_appeals_open_per_run", table_name="appeals")
