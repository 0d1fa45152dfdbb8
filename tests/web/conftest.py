"""The web tests drive the app in-process over a private copy of a small county's store.

The county (``county.py``) is loaded once per test session through the store's services into a
SQLite file; each test gets its own copy of that file, so tests are isolated and run in parallel.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.web import county

from mujun.store import db
from mujun.store.migrate import upgrade_to_head
from mujun.web.app import create_app


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def county_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("county")
    path = folder / "county.db"
    engine = db.make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    with Session(engine, expire_on_commit=False) as session:
        county.load(session, folder)
    engine.dispose()
    return path


@pytest.fixture
def engine(county_file: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "store.db"
    shutil.copy(county_file, path)
    engine = db.make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(county.T0)


@pytest.fixture
def app(engine: Engine, clock: Clock):  # type: ignore[no-untyped-def]
    return create_app(engine=engine, clock=clock)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


SignIn = Callable[[str], TestClient]


def signing_in(app) -> Iterator[SignIn]:  # type: ignore[no-untyped-def]
    """New clients of ``app``, each signed in as the named user; the CSRF token is sent on every
    request (the body of the ``sign_in`` fixtures)."""
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        c = TestClient(app)
        clients.append(c)
        r = c.post("/api/auth/login", json={"username": username, "password": county.PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return c

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def sign_in(app) -> Iterator[SignIn]:  # type: ignore[no-untyped-def]
    """A new client signed in as the named user; the CSRF token is sent on every request."""
    yield from signing_in(app)
