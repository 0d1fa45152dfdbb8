"""Schemathesis against the OpenAPI description, signed in as an admin and as an enterprise
user: no generated request may get a 5xx answer.

Cases are generated from the app's own description and sent in-process through a TestClient
over a private copy of the test county (writes such as new runs stay in that copy).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from tests.hypothesis_profiles import examples
from tests.web import county
from tests.web.conftest import Clock

from mujun.store import db
from mujun.web.app import create_app

# signing in or out would change the session the other requests use
schema = (schemathesis.openapi.from_dict(create_app(engine=db.make_engine("sqlite://")).openapi())
          .exclude(path="/api/auth/login").exclude(path="/api/auth/logout"))
SETTINGS = settings(max_examples=examples(5), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def fuzz_app(county_file: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("fuzz") / "store.db"
    shutil.copy(county_file, path)
    engine = db.make_engine(f"sqlite:///{path}")
    yield create_app(engine=engine, clock=Clock(county.T0))
    engine.dispose()


def _client(app, username: str) -> TestClient:  # type: ignore[no-untyped-def]
    c = TestClient(app, raise_server_exceptions=False)
    r = c.post("/api/auth/login", json={"username": username, "password": county.PASSWORD})
    assert r.status_code == 200
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


@pytest.fixture(scope="module")
def admin_client(fuzz_app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with _client(fuzz_app, "admin") as c:
        yield c


@pytest.fixture(scope="module")
def enterprise_client(fuzz_app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with _client(fuzz_app, "ent") as c:
        yield c


def _send(client: TestClient, case) -> None:  # type: ignore[no-untyped-def]
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url))
    kwargs.pop("cookies", None)  # the client's session cookie stays
    headers = {**dict(client.headers), **(kwargs.pop("headers", None) or {})}
    response = client.request(**kwargs, headers=headers)
    assert response.status_code < 500, (case.as_curl_command(), response.text[:500])


@schema.parametrize()
@SETTINGS
def test_no_server_errors_as_admin(case, admin_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    _send(admin_client, case)


@schema.parametrize()
@SETTINGS
def test_no_server_errors_as_enterprise(case, enterprise_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    _send(enterprise_client, case)
