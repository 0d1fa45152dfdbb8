"""Waiting for a background job (an import, a run) the way a browser does: poll its URL."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

#: a job runs in its own process (start-up ≈ 1–3 s on a loaded machine); this is no timing test,
#: only a bound so that a broken worker fails the test instead of hanging it
PATIENCE = 120.0


def wait_job(client: TestClient, url: str) -> dict[str, Any]:
    """Poll the job at ``url`` (``/api/jobs/ID``) until it is done or failed; its last state."""
    deadline = time.monotonic() + PATIENCE
    while True:
        job: dict[str, Any] = client.get(url).json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def submitted(response: Any) -> str:
    """The job URL of a 202 answer or of a page's redirect to ``/jobs/ID``."""
    if response.status_code == 202:
        return str(response.json()["url"])
    assert response.status_code == 303, (response.status_code, response.text[:500])
    page = response.headers["location"]
    assert page.startswith("/jobs/"), page
    return "/api" + page
