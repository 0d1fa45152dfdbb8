"""Engine and session factory. The schema is brought to the newest migration on first use."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from mujun.store.settings import get_settings

_lock = threading.Lock()
#: connections per engine: the web serves its synchronous endpoints from 40 threads
#: (``web_threads``), each holding one session for its request, so the pool has as many; with
#: fewer, requests queue for a connection and fail after ``pool_timeout`` (``QueuePool limit``)
POOL_SIZE = 10
MAX_OVERFLOW = 30
_engines: dict[str, Engine] = {}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers (the web) go on while an import writes; NORMAL is durable in WAL mode
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # a large page cache: index maintenance during a 100,000-row import thrashes the default 2 MB
    cursor.execute("PRAGMA cache_size=-262144")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def make_engine(url: str) -> Engine:
    """A new engine for ``url`` (no migration run); SQLite gets foreign keys and WAL."""
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        in_memory = sa_url.database in (None, "", ":memory:")  # one connection, no pool to size
        sizes = {} if in_memory else {"pool_size": POOL_SIZE, "max_overflow": MAX_OVERFLOW}
        engine = create_engine(sa_url, connect_args={"timeout": 30}, **sizes)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(sa_url, pool_pre_ping=True, pool_size=POOL_SIZE,
                         max_overflow=MAX_OVERFLOW)


def get_engine(url: str | None = None, *, upgrade: bool | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the settings'), upgraded on first use."""
    settings = get_settings()
    url = url or settings.database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            if settings.auto_upgrade if upgrade is None else upgrade:
                from mujun.store.migrate import upgrade_to_head

                upgrade_to_head(engine)
            _engines[url] = engine
    return engine


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session
