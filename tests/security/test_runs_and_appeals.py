"""Issue 7, runs and appeals: two admins deciding one appeal at once, repeated appeals, and two
versions of a year in notice — each refused with a 409 and a clear message, on both stores.

The races are real: two signed-in clients send their requests from two threads; a barrier inside
the service (after both have read the store, before either writes) makes both pass every check.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from tests.web.conftest import SignIn
from tests.web.county import CODES

from mujun.services import appeals, runs
from mujun.services.errors import ConflictError
from mujun.services.users import get_user
from mujun.store.models import Appeal, AppealStatus, AuditRecord, Run, RunStatus

RUN_2021 = 2  # the county's 2021 run, in notice at the fixture's clock


def _race(monkeypatch: pytest.MonkeyPatch, name: str,
          requests: list[Callable[[], Any]], module: Any = appeals) -> list[Any]:
    """Run the requests in threads; each waits in ``module.<name>`` until all have read."""
    barrier = threading.Barrier(len(requests), timeout=60)
    real = getattr(module, name)

    def waiting(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        barrier.wait()
        return found

    monkeypatch.setattr(module, name, waiting)
    out: list[Any] = [None] * len(requests)

    def work(i: int) -> None:
        try:
            out[i] = requests[i]()
        except Exception as exc:  # a server error (the old code's StaleDataError) is a result
            out[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    monkeypatch.setattr(module, name, real)
    return out


def _status(result: Any) -> int | str:
    return result.status_code if hasattr(result, "status_code") else repr(result)


def _file(client: TestClient, uscc: str, reason: str = "税收漏报") -> Any:
    return client.post(f"/api/runs/{RUN_2021}/appeals", json={"uscc": uscc, "reason": reason})


def test_two_admins_resolving_one_appeal_the_second_gets_409(
        county_sign_in: SignIn, county_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    ent, first, second = county_sign_in("ent"), county_sign_in("admin"), county_sign_in("admin")
    appeal = _file(ent, CODES[0]).json()["id"]
    decide = [lambda c=c, n=n: c.post(f"/api/appeals/{appeal}/resolve",
                                      json={"accept": False, "note": n})
              for c, n in ((first, "数据无误"), (second, "维持原结果"))]
    results = _race(monkeypatch, "get_appeal", decide)
    assert sorted(map(str, map(_status, results))) == ["200", "409"]
    loser = next(r for r in results if r.status_code == 409)
    assert "刚被其他管理员处理" in loser.json()["detail"]
    winner = next(r for r in results if r.status_code == 200).json()
    with Session(county_engine) as session:
        stored = session.get(Appeal, appeal)
        assert stored is not None
        assert (stored.status, stored.note) == (AppealStatus.REJECTED, winner["note"])
        decisions = session.scalar(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.entity == "appeal", AuditRecord.action == "appeal.reject"))
        assert decisions == 1
    # deciding it again later is refused as well, with the decision named
    again = first.post(f"/api/appeals/{appeal}/resolve", json={"accept": False, "note": "x"})
    assert again.status_code == 409 and "已处理" in again.json()["detail"]


def test_two_appeals_accepted_at_once_leave_one_corrected_version(
        county_sign_in: SignIn, county_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two acceptances of two appeals of one run at once (two admins' jobs run side by side in
    their worker processes; here two threads call the service the jobs call): no error but a
    ConflictError; every acceptance that stands is in the one corrected draft, and one that could
    not be built stays pending."""
    ids = [_file(county_sign_in(name), code).json()["id"]
           for name, code in (("ent", CODES[0]), ("ent2", CODES[1]))]

    def accepting(appeal_id: int) -> Callable[[], Any]:
        def accept() -> Any:
            with Session(county_engine, expire_on_commit=False) as session:
                admin = get_user(session=session, username="admin")
                appeal = appeals.resolve_appeal(
                    session=session, actor=admin, appeal_id=appeal_id, accept=True,
                    note="核实后更正", corrections={"tax_paid": 400.0})
                session.commit()
                return appeal
        return accept

    results = _race(monkeypatch, "get_appeal", [accepting(a) for a in ids])
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, ConflictError) for r in refused), results
    assert len(refused) <= 1
    with Session(county_engine) as session:
        drafts = session.scalars(select(Run).where(Run.supersedes_id == RUN_2021,
                                                   Run.status == RunStatus.DRAFT)).all()
        assert len(drafts) == 1
        for appeal_id, r in zip(ids, results, strict=True):
            stored = session.get(Appeal, appeal_id)
            assert stored is not None
            if isinstance(r, Exception):
                assert (stored.status, stored.new_run_id) == ("pending", None)
                assert "另一件申诉刚被采纳" in str(r)
            else:
                assert (stored.status, stored.new_run_id) == ("accepted", drafts[0].id)


def test_an_acceptance_already_queued_is_refused_at_once(county_sign_in: SignIn) -> None:
    """Accepting an appeal is a job; a second acceptance of the same appeal, sent before the job
    ran, is a 409 at once (not a second job)."""
    appeal = _file(county_sign_in("ent"), CODES[0]).json()["id"]
    first, second = county_sign_in("admin"), county_sign_in("admin")
    body = {"accept": True, "note": "核实后更正", "corrections": {"tax_paid": 400}}
    queued = first.post(f"/api/appeals/{appeal}/resolve", json=body)
    assert queued.status_code == 202
    again = second.post(f"/api/appeals/{appeal}/resolve", json=body)
    if again.status_code != 409:  # the job already ran: the appeal is decided
        assert again.status_code == 409, again.text
    assert "申诉" in again.json()["detail"]


def test_an_enterprise_has_one_open_appeal_per_run(county_sign_in: SignIn) -> None:
    ent, admin = county_sign_in("ent"), county_sign_in("admin")
    first = _file(ent, CODES[0])
    assert first.status_code == 201
    repeat = _file(ent, CODES[0], "再次申诉")
    assert repeat.status_code == 409
    assert f"已有一件待处理的申诉 #{first.json()['id']}" in repeat.json()["detail"]
    # the admin filing on its behalf is refused as well
    assert _file(admin, CODES[0], "代为申诉").status_code == 409
    # once it is decided, the enterprise may appeal again (during the notice)
    admin.post(f"/api/appeals/{first.json()['id']}/resolve",
               json={"accept": False, "note": "数据无误"})
    assert _file(ent, CODES[0], "补充材料后再次申诉").status_code == 201
    mine = ent.get(f"/api/enterprises/{CODES[0]}").json()["appeals"]
    assert [a["status"] for a in mine] == ["rejected", "pending"]


def test_two_appeals_filed_at_once_one_is_refused(
        county_sign_in: SignIn, county_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    ent_a, ent_b = county_sign_in("ent"), county_sign_in("ent")
    results = _race(monkeypatch, "open_appeal",
                    [lambda: _file(ent_a, CODES[0], "甲"), lambda: _file(ent_b, CODES[0], "乙")])
    assert sorted(map(str, map(_status, results))) == ["201", "409"]
    assert "已有一件待处理的申诉" in next(r for r in results if r.status_code == 409).json()[
        "detail"]
    with Session(county_engine) as session:
        assert session.scalar(select(func.count()).select_from(Appeal).where(
            Appeal.uscc == CODES[0], Appeal.status == AppealStatus.PENDING)) == 1


def test_the_store_itself_refuses_a_second_open_appeal(county_engine: Engine) -> None:
    with Session(county_engine) as session:
        for reason in ("甲", "乙"):
            session.add(Appeal(run_id=RUN_2021, uscc=CODES[0], reason=reason,
                               status=AppealStatus.PENDING))
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()
        # a decided appeal does not count
        session.add_all([Appeal(run_id=RUN_2021, uscc=CODES[0], reason="甲",
                                status=AppealStatus.REJECTED),
                         Appeal(run_id=RUN_2021, uscc=CODES[0], reason="乙",
                                status=AppealStatus.PENDING)])
        session.flush()


def test_a_year_has_one_run_in_notice(county_sign_in: SignIn, county_engine: Engine) -> None:
    with Session(county_engine, expire_on_commit=False) as session:
        admin_user = get_user(session=session, username="admin")
        draft = runs.create_run(session=session, actor=admin_user, year=2021)
        session.commit()
    admin = county_sign_in("admin")
    refused = admin.post(f"/api/runs/{draft.id}/publish")
    assert refused.status_code == 409
    assert "2021-v1 正在公示" in refused.json()["detail"]
    assert admin.get(f"/api/runs/{draft.id}").json()["run"]["status"] == "draft"
    # once 2021-v1 is final, the other version may be published
    with Session(county_engine) as session:
        run = session.get(Run, RUN_2021)
        assert run is not None
        run.status = RunStatus.FINAL
        session.commit()
    assert admin.post(f"/api/runs/{draft.id}/publish").json()["status"] == "notice"


def test_two_versions_published_at_once_one_is_refused(
        county_sign_in: SignIn, county_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with Session(county_engine, expire_on_commit=False) as session:
        run = session.get(Run, RUN_2021)
        assert run is not None
        run.status = RunStatus.FINAL
        drafts = [runs.create_run(session=session, actor=None, year=2021) for _ in range(2)]
        session.commit()
    first, second = county_sign_in("admin"), county_sign_in("admin")
    results = _race(monkeypatch, "_in_notice", [
        lambda: first.post(f"/api/runs/{drafts[0].id}/publish"),
        lambda: second.post(f"/api/runs/{drafts[1].id}/publish")], module=runs)
    assert sorted(map(str, map(_status, results))) == ["200", "409"]
    assert "刚有另一个评价批次发布公示" in next(
        r for r in results if r.status_code == 409).json()["detail"]
    with Session(county_engine) as session:
        assert session.scalar(select(func.count()).select_from(Run).where(
            Run.year == 2021, Run.status == RunStatus.NOTICE)) == 1


def test_the_store_itself_refuses_two_runs_of_a_year_in_notice(county_engine: Engine) -> None:
    with Session(county_engine) as session:
        draft = runs.create_run(session=session, actor=None, year=2021)
        session.commit()
        draft.status = RunStatus.NOTICE
        with pytest.raises(IntegrityError):
            session.flush()
