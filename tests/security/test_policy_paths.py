"""What-if and the policy pages never open a path they are given, and never echo a file's text.

The attack: ``POST /api/runs/2/what-if {"policy_name": "/srv/mujun/.env"}`` loaded that file as a
policy and returned its text in the 422 message; ``/dev/zero`` grew memory without limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.security.conftest import SignIn

from mujun.engine.policy import PolicyError, load_policy_text

SECRET = "s3cr3t-9f8e7d6c5b4a-do-not-leak"
ENV = f"MUJUN_SECRET_KEY={SECRET}\nMUJUN_DATABASE_URL=postgresql://mujun:{SECRET}@db/mujun\n"


@pytest.fixture
def env_file(tmp_path: Path) -> Path:
    path = tmp_path / ".env"
    path.write_text(ENV, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["{env}", "{env_yaml}", "../../../../{env}", "/dev/zero",
                                  "songyang-2024.yaml", "/etc/passwd"])
def test_what_if_api_refuses_a_path(sign_in: SignIn, env_file: Path, name: str) -> None:
    env_yaml = env_file.with_suffix(".yaml")
    env_yaml.write_text(ENV, encoding="utf-8")
    admin = sign_in("admin")
    name = name.format(env=env_file, env_yaml=env_yaml)
    r = admin.post("/api/runs/2/what-if", json={"policy_name": name[:100]})
    assert r.status_code == 404, r.text
    assert SECRET not in r.text and "MUJUN_" not in r.text and "root:" not in r.text


def test_what_if_form_refuses_a_path(sign_in: SignIn, env_file: Path) -> None:
    admin = sign_in("admin")
    token = admin.headers["X-CSRF-Token"]
    r = admin.post("/runs/2/what-if", data={"policy_name": str(env_file), "csrf_token": token})
    assert r.status_code == 404
    assert SECRET not in r.text


def test_what_if_by_shipped_name_and_by_a_runs_frozen_policy(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    by_name = admin.post("/api/runs/2/what-if", json={"policy_name": "zhejiang-template"})
    by_run = admin.post("/api/runs/2/what-if", json={"policy_run_id": 1})
    assert by_name.status_code == by_run.status_code == 200, (by_name.text, by_run.text)
    assert by_run.json()["other_policy"] == by_name.json()["other_policy"] == "zhejiang-template"
    assert admin.post("/api/runs/2/what-if", json={"policy_run_id": 999}).status_code == 404
    assert admin.post("/api/runs/2/what-if", json={}).status_code == 422


def test_an_uploaded_env_file_is_refused_without_its_text(sign_in: SignIn) -> None:
    """The form's upload stays allowed; a non-policy text comes back as a problem, not a dump."""
    admin = sign_in("admin")
    token = admin.headers["X-CSRF-Token"]
    r = admin.post("/runs/2/what-if", data={"policy_name": "zhejiang-template",
                                            "csrf_token": token},
                   files={"file": (".env", ENV.encode(), "application/x-yaml")})
    assert r.status_code == 422
    assert SECRET not in r.text and "MUJUN_SECRET_KEY" not in r.text
    checked = admin.post("/api/policies/check", files={"file": ("p.yaml", ENV.encode())}).json()
    assert checked["ok"] is False and SECRET not in str(checked)
    assert "text (" in checked["problems"][0]["message"]


def test_an_oversized_upload_is_refused(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    token = admin.headers["X-CSRF-Token"]
    big = b"name: x\n" + b"# padding\n" * 30_000
    r = admin.post("/runs/2/what-if", data={"csrf_token": token}, files={"file": ("p.yaml", big)})
    assert r.status_code == 422 and "KB" in r.text


#: a line of a secrets file: a message quotes at most its first 40 characters
LINE = f"MUJUN_DATABASE_URL=postgresql://mujun:{SECRET}@db/mujun"


@pytest.mark.parametrize("text", [
    f"name: x\n  cap: [{LINE}\n",                # YAML syntax error
    f"name: x\ncap: {LINE}\n",                   # a value of the wrong type
    f"name: x\n{LINE}: 1\n",                     # an unknown key
    f"name: x\nadjustments:\n  veto: [{LINE}]\n",  # an unknown code
    f"'{LINE}'\n",                                # a document that is one text
    ENV,                                          # a whole secrets file
    f"name: x\n{LINE}: 1\n{LINE}: 2\n",           # a key given twice
])
def test_policy_messages_never_quote_long_text(text: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy_text(text, "upload")
    assert SECRET not in str(caught.value)
    assert all(len(message) < 200 for _, message in caught.value.problems)


def test_load_shipped_policy_opens_no_path(env_file: Path) -> None:
    from mujun.engine.policy import load_shipped_policy

    assert load_shipped_policy("songyang-2024").policy.name == "songyang-2024"
    with pytest.raises(PolicyError) as caught:
        load_shipped_policy(str(env_file))
    assert SECRET not in str(caught.value)
