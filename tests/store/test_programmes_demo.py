"""The demo county's programmes in the store agree with the files `mujun demo-data` writes:
every person of talent.csv, every stage of registry.csv's ipo_stage, every payment of
incentive_payments.csv; loading them twice changes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from store_helpers import store_fingerprint

from mujun.demo.generate import generate
from mujun.services.demo import load_registry
from mujun.services.programmes.demo import load_programmes
from mujun.services.programmes.payments import incentive_payments
from mujun.services.programmes.talent import talent_by_category, talent_count
from mujun.store.models import IpoRecord, User


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    generate(folder)
    return folder


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_demo_programmes_match_the_files(session: Session, admin: User,
                                         demo_files: Path) -> None:
    load_registry(session=session, actor=admin, path=demo_files / "registry.csv")
    load_programmes(session=session, actor=admin, folder=demo_files)
    session.commit()
    talent = _rows(demo_files / "talent.csv")
    assert talent_count(session, 2021, 2025) == len(talent) > 1000
    by = talent_by_category(session, 2021, 2025)
    for category, n in by.items():
        assert n == sum(1 for r in talent if r["category"] == category)
    assert all(60 <= by[c] <= 140 for c in ("industrial_engineer", "tea_master"))
    stages = [r["ipo_stage"] for r in _rows(demo_files / "registry.csv") if r["ipo_stage"]]
    assert session.scalar(select(func.count()).select_from(IpoRecord)) == len(stages) == 10
    payments = _rows(demo_files / "incentive_payments.csv")
    for year in range(2021, 2026):
        expected = sum(float(r["amount_wan"]) for r in payments if r["year"] == str(year))
        assert incentive_payments(session, [year]) == pytest.approx(expected, abs=1e-6)
    total = incentive_payments(session, range(2021, 2026))
    assert 5000 < total < 12000  # the 亿 target: payments and land-tax reductions together
    before = store_fingerprint(session)
    load_programmes(session=session, actor=admin, folder=demo_files)
    session.commit()
    assert store_fingerprint(session) == before
