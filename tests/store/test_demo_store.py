"""`mujun demo`'s loading: the demo county through the department imports, runs and appeals."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.demo.generate import generate
from mujun.engine.monitoring import monitor, months
from mujun.io.policy_files import load_policy
from mujun.io.power import read_power
from mujun.services import runs
from mujun.services.demo import is_demo_store, load_demo
from mujun.services.demo_enterprise import demo_town, demo_uscc
from mujun.store.models import (
    Appeal,
    Enterprise,
    ImportBatch,
    Parcel,
    Run,
    StoredPolicy,
    User,
)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    generate(folder)
    return folder


def test_demo_county_loads(session: Session, admin: User, demo_files: Path) -> None:
    steps: list[str] = []
    assert not is_demo_store(session)
    load_demo(session=session, actor=admin, folder=demo_files, say=steps.append)
    session.commit()
    assert is_demo_store(session)  # the marker that allows demo accounts (on loopback)
    assert steps[0] == "registry and land" and steps[-1] == "达产复核 2024 and 2025"
    assert session.scalar(select(func.count()).select_from(Enterprise)) > 1000
    assert session.scalar(select(func.count()).select_from(Parcel)) > 1000
    # every year through the imports: five departments' figures, four departments' incidents
    years = session.execute(select(ImportBatch.year, func.count()).group_by(ImportBatch.year)
                            .order_by(ImportBatch.year)).all()
    assert [y for y, _ in years] == list(range(2020, 2026))
    status = {r.year: r.status for r in session.scalars(select(Run))}
    assert status == {2020: "final", 2021: "final", 2022: "final", 2023: "final",
                      2024: "final", 2025: "notice"}
    # the county's own 办法 applies from 2024 (kept in the store); earlier years the template
    policies = {r.year: r.policy_name for r in session.scalars(select(Run))}
    assert policies == {2020: "zhejiang-template", 2021: "zhejiang-template",
                        2022: "zhejiang-template", 2023: "zhejiang-template",
                        2024: "songyang-2024", 2025: "songyang-2024"}
    kept = session.scalars(select(StoredPolicy)).one()
    assert (kept.name, kept.version, kept.years_from) == ("songyang-2024", 1, 2024)
    run_2025 = session.scalars(select(Run).where(Run.year == 2025)).one()
    assert run_2025.policy_text == kept.text
    assert run_2025.title == "2025 年度 第 1 版 · 松阳县工业企业亩均效益综合评价办法（2024年修订）"
    appeal_states = sorted(a.status for a in session.scalars(
        select(Appeal).where(Appeal.run_id == run_2025.id)))
    assert appeal_states == ["pending", "rejected"]
    assert runs.verify_run(session=session, run=run_2025).ok
    # the demo's power readings as of 2025-12 (docs/demo-data.md): the officer's town has a
    # stopped and a declining enterprise, the demo enterprise account's own is normal
    result = monitor(read_power(demo_files / "power-monthly.csv").table,
                     months.index(2025, 12), load_policy(None).policy.monitoring)
    levels = dict(zip(result["uscc"].to_pylist(), result["level"].to_pylist(), strict=True))
    town = demo_town(session)
    members = set(session.scalars(select(Enterprise.uscc).where(Enterprise.town == town)))
    assert {"stopped", "declining"} <= {levels[u] for u in members if u in levels}
    own = result.filter(pc.equal(result["uscc"], demo_uscc(session, town))).to_pylist()
    assert own[0]["level"] == "normal" and own[0]["yoy_3m"] is not None
