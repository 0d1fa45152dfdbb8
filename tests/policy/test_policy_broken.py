"""Golden files for broken policies: each ``broken/X.yaml`` is rejected with exactly the problems
in ``broken/X.expected`` (one ``key.path: message`` line each, ``(file)`` for the file as a whole),
both by the library and by ``mujun policy check``.

A new fixture needs only the two files; write the ``.expected`` by hand, from the message a clerk
should read, and let the test show what the code says instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mujun.cli.main import app
from mujun.engine.policy import PolicyError
from mujun.io.policy_files import load_policy

BROKEN = Path(__file__).parent / "broken"
CASES = sorted(p.stem for p in BROKEN.glob("*.yaml"))


def expected(name: str) -> list[str]:
    return (BROKEN / f"{name}.expected").read_text(encoding="utf-8").splitlines()


def test_every_fixture_has_its_expectations() -> None:
    assert len(CASES) >= 20
    stems = sorted(p.stem for p in BROKEN.glob("*.expected"))
    assert stems == CASES


@pytest.mark.parametrize("name", CASES)
def test_broken_policy_is_rejected_with_exactly_these_problems(name: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(BROKEN / f"{name}.yaml")
    err = caught.value
    assert err.source == str(BROKEN / f"{name}.yaml")
    assert [f"{path or '(file)'}: {message}" for path, message in err.problems] == expected(name)
    # every problem names a key path unless the file as a whole is unusable
    assert all(path for path, _ in err.problems) or len(err.problems) == 1


@pytest.mark.parametrize("name", CASES)
def test_policy_check_prints_the_same_lines_and_exits_1(name: str) -> None:
    path = BROKEN / f"{name}.yaml"
    result = CliRunner().invoke(app, ["policy", "check", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{path}: {len(expected(name))} problem(s)"
    assert lines[1:] == expected(name)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", CASES)
def test_policy_show_of_a_broken_file_exits_1_without_a_traceback(name: str) -> None:
    result = CliRunner().invoke(app, ["policy", "show", str(BROKEN / f"{name}.yaml")])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.splitlines()[1:] == expected(name)
