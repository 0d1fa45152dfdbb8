"""The demo's 三服务 requests in the store: every row of ``service_requests.csv`` as the file
has it, then the demo enterprise's own three (waiting, in progress, closed and not rated)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.demo.generate import generate
from mujun.engine.programmes.service_requests import CATEGORIES
from mujun.io.service_requests import read_service_requests
from mujun.services.demo import load_registry
from mujun.services.errors import InvalidInput
from mujun.services.programmes import demo_requests
from mujun.services.programmes import service_requests as sr
from mujun.store.models import ServiceRequest, User

NOW = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    generate(folder)
    return folder


def test_the_file_reads_without_problems_and_names_one_department_per_code(
        demo_files: Path) -> None:
    found = read_service_requests(demo_files / "service_requests.csv")
    assert found.problems == [] and len(found.records) == found.rows_read > 500
    names: dict[str, set[str]] = defaultdict(set)
    for r in found.records:
        names[CATEGORIES[r.category].department].add(r.department_name or "")
    assert {code: sorted(n) for code, n in names.items()} == {
        "land": ["自然资源和规划局"], "hr": ["人力资源和社会保障局"], "finance": ["金融服务中心"],
        "service_center": ["行政服务中心"], "econ": ["经济和信息化局"],
        "housing": ["住房和城乡建设局"], "power": ["供电公司"], "env": ["生态环境分局"],
        "education": ["教育局"]}


def test_demo_requests_load_as_the_file_says(session: Session, admin: User, demo_files: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    load_registry(session=session, actor=admin, path=demo_files / "registry.csv")
    found = read_service_requests(demo_files / "service_requests.csv")
    own = found.records[0].uscc
    monkeypatch.setattr(demo_requests, "demo_uscc", lambda _session, _town: own)
    n = demo_requests.load_requests(session=session, actor=admin, found=found, now=NOW)
    session.commit()
    assert n == len(found.records) + 3
    stored = {r.request_no: r for r in session.scalars(select(ServiceRequest))}
    for r in found.records:
        s = stored.pop(r.request_id)
        assert (s.uscc, s.submitted_on, s.category, s.summary, s.due_on, s.status, s.closed_on,
                s.satisfaction) == (r.uscc, r.submitted, r.category, r.summary, r.due, r.status,
                                    r.closed, r.satisfaction)
        assert s.department == CATEGORIES[r.category].department
    # the demo's own, dated before its "now", after the file's date (2025-12-31)
    extra = sorted(stored.values(), key=lambda r: r.request_no)
    assert [(r.request_no, r.uscc, r.status, r.satisfaction) for r in extra] == [
        ("SF2026-0001", own, "submitted", None), ("SF2026-0002", own, "in_progress", None),
        ("SF2026-0003", own, "closed", None)]
    assert all(r.submitted_on > date(2025, 12, 31) for r in extra)
    # 十分满意 of a year = the mean of the file's ratings of requests closed that year
    ratings = [r.satisfaction for r in found.records
               if r.closed and r.closed.year == 2024 and r.satisfaction is not None]
    assert sr.satisfaction(session, 2024) == pytest.approx(sum(ratings) / len(ratings))


def test_a_request_of_an_unknown_enterprise_loads_nothing(session: Session, admin: User,
                                                          demo_files: Path) -> None:
    found = read_service_requests(demo_files / "service_requests.csv")
    with pytest.raises(InvalidInput, match="不在企业库中"):
        demo_requests.load_requests(session=session, actor=admin, found=found, now=NOW)
    session.rollback()
    assert session.scalars(select(ServiceRequest)).first() is None
