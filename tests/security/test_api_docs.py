"""Attack: reading the API's full description. In production ``/docs``, ``/redoc`` and
``/openapi.json`` are not served."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mujun.store.settings import get_settings
from mujun.web.app import create_app

DOCS = ("/docs", "/redoc", "/openapi.json")


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MUJUN_ENVIRONMENT", "production")
    monkeypatch.setenv("MUJUN_SECRET_KEY", "a-long-random-secret-for-the-test-only-3f9c2")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_api_docs_are_not_served_in_production(engine: Engine, production: None) -> None:
    with TestClient(create_app(engine=engine)) as c:
        for path in DOCS:
            assert c.get(path).status_code == 404, path


def test_api_docs_are_served_locally(client: TestClient) -> None:
    for path in DOCS:
        assert client.get(path).status_code == 200, path
