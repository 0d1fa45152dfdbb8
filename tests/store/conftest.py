"""Every store test runs twice: on a fresh SQLite file and on a fresh PostgreSQL schema.

PostgreSQL is the real server on this machine (``MUJUN_TEST_PG_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test gets its own schema,
dropped after, so tests are isolated and may run in parallel (pytest-xdist).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from mujun.store import db
from mujun.store.migrate import upgrade_to_head
from mujun.store.models import User
from mujun.store.settings import get_settings

PG_URL = os.environ.get("MUJUN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_pg_reachable: bool | None = None


def pg_reachable() -> bool:
    global _pg_reachable
    if _pg_reachable is None:
        try:
            engine = create_engine(PG_URL)
            with engine.connect():
                pass
            engine.dispose()
            _pg_reachable = True
        except Exception:
            _pg_reachable = False
    return _pg_reachable


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty, private database (no tables yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    if not pg_reachable():
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    db.dispose_engines()
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = db.make_engine(db_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def admin(session: Session) -> User:
    from mujun.services.users import ensure_admin

    user = ensure_admin(session=session)
    session.commit()
    return user


@pytest.fixture
def cli_env(db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the ``mujun`` command (run in-process) at the test database."""
    monkeypatch.setenv("MUJUN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    db.dispose_engines()
    yield db_url
    db.dispose_engines()
    get_settings.cache_clear()
