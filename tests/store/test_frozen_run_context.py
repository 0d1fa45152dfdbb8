"""Migration 0010 gives the runs that exist already what a run freezes now: the county figures of
their year and the town and industry of each result, from the run's own snapshot."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from tests.web import county

from mujun.services.county import set_county_figure
from mujun.store.migrate import downgrade, upgrade_to_head
from mujun.store.models import Enterprise, Run, RunResult
from mujun.store.models.county import INDUSTRIAL_INVESTMENT


def test_existing_runs_are_filled_from_their_snapshot(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        county.load(session, tmp_path)
        set_county_figure(session=session, actor=None, year=2021, name=INDUSTRIAL_INVESTMENT,
                          value=60_000.0)
        # the registry moves on after the runs: the runs keep the towns of their snapshot
        session.execute(update(Enterprise).values(town="别的镇", industry_code="13"))
        session.commit()
    downgrade(engine, "0004")
    upgrade_to_head(engine)
    with Session(engine) as session:
        runs = {r.year: r for r in session.scalars(select(Run))}
        assert runs[2021].county_figures == {INDUSTRIAL_INVESTMENT: 60_000.0}
        assert runs[2020].county_figures == {}
        rows = session.execute(select(RunResult.run_id, RunResult.uscc, RunResult.town,
                                      RunResult.industry_code)).all()
        assert len(rows) == 2 * county.N
        expected = {(code, county.town_of(i), "33" if i % 3 else "31")
                    for i, code in enumerate(county.CODES)}
        assert {(u, t, ind) for _, u, t, ind in rows} == expected
