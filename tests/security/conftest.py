"""Fixtures for the attack tests: the web tests' small county, on SQLite (a copy per test) or on
both stores (the county loaded afresh into a private SQLite file and a private PostgreSQL schema).

``engine``/``app``/``client``/``sign_in``/``clock`` are the web tests' (SQLite copy);
``county_engine``/``county_app``/``county_sign_in`` hold the county on each store in turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.store.conftest import db_url, pg_reachable  # noqa: F401  (fixtures)
from tests.web import county
from tests.web.conftest import (  # noqa: F401  (fixtures)
    Clock,
    SignIn,
    app,
    client,
    clock,
    county_file,
    engine,
    sign_in,
    signing_in,
)

from mujun.store import db
from mujun.store.migrate import upgrade_to_head
from mujun.web.app import create_app


@pytest.fixture
def county_engine(db_url: str, tmp_path: Path) -> Iterator[Engine]:  # noqa: F811
    """The small county loaded into a fresh store of each kind (SQLite, then PostgreSQL)."""
    store = db.make_engine(db_url)
    upgrade_to_head(store)
    with Session(store, expire_on_commit=False) as session:
        county.load(session, tmp_path)
    yield store
    store.dispose()


@pytest.fixture
def county_app(county_engine: Engine, clock: Clock):  # type: ignore[no-untyped-def]  # noqa: F811
    return create_app(engine=county_engine, clock=clock)


@pytest.fixture
def county_sign_in(county_app) -> Iterator[SignIn]:  # type: ignore[no-untyped-def]
    """Like ``sign_in``, on ``county_app``."""
    yield from signing_in(county_app)
