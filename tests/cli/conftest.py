from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mujun.demo.generate import generate
from mujun.store import db
from mujun.store.settings import get_settings


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo county of the default seed, as `mujun demo-data` writes it."""
    out = tmp_path_factory.mktemp("cli-demo") / "demo"
    generate(out)
    return out


@pytest.fixture
def sqlite_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The store commands on a fresh SQLite file of this test."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("MUJUN_DATABASE_URL", url)
    get_settings.cache_clear()
    db.dispose_engines()
    yield url
    db.dispose_engines()
    get_settings.cache_clear()
