"""Attack: many parallel sign-ins with wrong passwords, hoping to check more than the lockout
allows before it counts them (the old count, read from the audit trail before each check, let
14–20 of 40 through). The reserved check is one atomic UPDATE in the store, on both stores."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tests.web.conftest import Clock
from tests.web.county import PASSWORD

from mujun.services.auth import MAX_FAILURES, WINDOW
from mujun.store.models import AuditRecord

ATTEMPTS = 40


def _parallel_wrong_sign_ins(app: FastAPI, username: str) -> Counter[int]:
    start = threading.Barrier(ATTEMPTS)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        with TestClient(app) as c:
            start.wait()
            r = c.post("/api/auth/login", json={"username": username,
                                                "password": f"wrong-guess-{n}"})
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Counter(statuses)


def _checked_wrong_passwords(engine: Engine, username: str) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).where(AuditRecord.action == "auth.fail",
                                                   AuditRecord.entity_id == username)) or 0


def test_parallel_wrong_passwords_check_at_most_the_limit_then_the_right_one_is_refused(
    county_app: FastAPI, county_engine: Engine, clock: Clock
) -> None:
    statuses = _parallel_wrong_sign_ins(county_app, "ent")
    assert sum(statuses.values()) == ATTEMPTS
    # every attempt beyond the limit is refused unchecked: 4 plain refusals, then locked
    assert statuses[401] == MAX_FAILURES - 1, statuses
    assert statuses[429] == ATTEMPTS - (MAX_FAILURES - 1), statuses
    assert _checked_wrong_passwords(county_engine, "ent") == MAX_FAILURES
    with TestClient(county_app) as c:
        right = {"username": "ent", "password": PASSWORD}
        r = c.post("/api/auth/login", json=right)
        assert r.status_code == 429, r.text
        assert r.json()["detail"].startswith("登录失败次数过多，请在 ")
        # the other users are not affected; the window ends and the right password opens
        assert c.post("/api/auth/login",
                      json={"username": "ent2", "password": PASSWORD}).status_code == 200
        clock.now += WINDOW + timedelta(seconds=1)
        assert c.post("/api/auth/login", json=right).status_code == 200


def test_unknown_names_are_throttled_the_same_way(county_app: FastAPI,
                                                  county_engine: Engine) -> None:
    statuses = _parallel_wrong_sign_ins(county_app, "nobody-here")
    assert statuses[401] == MAX_FAILURES - 1, statuses
    assert _checked_wrong_passwords(county_engine, "nobody-here") == MAX_FAILURES
