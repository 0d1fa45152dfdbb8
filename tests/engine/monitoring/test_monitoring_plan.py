"""The monitoring rules' compiled SQL kept in the plan cache (engine/monitoring/plan.py): a plan
read back from the cache folder gives the result of a fresh compile, a changed rule compiles its
own plan, a damaged file is compiled again, and a cached plan runs without importing ibis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from tests.engine.monitoring.support import LETTER_CODES, readings_table

from mujun.engine import plan as plans
from mujun.engine.monitoring import _keyed, monitor, months
from mujun.engine.monitoring import plan as monitoring_plan
from mujun.engine.monitoring.pivot import side_by_side
from mujun.io.policy_files import load_policy

AS_OF = months.index(2025, 12)
RULES = load_policy().policy.monitoring
ROOT = Path(__file__).resolve().parents[3]


def _rows() -> list[tuple[str, int, float]]:
    """A: 100 a month, then 20 in M−1 and M — declining under a stop share of 0.1 (the stop line
    is 10), stopped under 0.5 (the line is 50). B: normal. C: readings only before M−14
    (silent)."""
    rows = [(LETTER_CODES["A"], m, 100.0) for m in range(AS_OF - 20, AS_OF - 1)]
    rows += [(LETTER_CODES["A"], AS_OF - 1, 20.0), (LETTER_CODES["A"], AS_OF, 20.0)]
    rows += [(LETTER_CODES["B"], m, 50.0) for m in range(AS_OF - 16, AS_OF + 1)]
    rows += [(LETTER_CODES["C"], m, 70.0) for m in range(AS_OF - 30, AS_OF - 20)]
    return rows


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, and no plan in memory."""
    monkeypatch.setenv(plans.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(plans, "_memory", type(plans._memory)())
    return tmp_path / "plans"


def _levels(result: pa.Table) -> dict[str, str]:
    return dict(zip(result["uscc"].to_pylist(), result["level"].to_pylist(), strict=True))


def test_a_cached_plan_gives_the_fresh_compile_s_result(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = readings_table(_rows())
    first = monitor(table, AS_OF, RULES)
    assert len(list(cache.glob("*.json"))) == 1
    assert _levels(first) == {LETTER_CODES["A"]: "declining", LETTER_CODES["B"]: "normal",
                              LETTER_CODES["C"]: "silent"}
    # from the folder alone: in a new process the memory is empty, and nothing is compiled
    monkeypatch.setattr(plans, "_memory", type(plans._memory)())

    def no_compile(rules: object) -> None:
        raise AssertionError("compiled although the plan is in the cache folder")

    monkeypatch.setattr(monitoring_plan, "compile_plan", no_compile)
    again = monitor(table, AS_OF, RULES)
    assert again.equals(first)
    pivoted = side_by_side(_keyed(table, AS_OF))
    fresh = monitoring_plan.run(monitoring_plan.plan_for(RULES), pivoted)
    monkeypatch.undo()
    assert monitoring_plan.run(monitoring_plan.compile_plan(RULES), pivoted).equals(fresh)


def test_changed_rules_do_not_run_a_stale_plan(cache: Path) -> None:
    table = readings_table(_rows())
    assert _levels(monitor(table, AS_OF, RULES))[LETTER_CODES["A"]] == "declining"
    wider = RULES.model_copy(update={"stop_share": 0.5})
    assert _levels(monitor(table, AS_OF, wider))[LETTER_CODES["A"]] == "stopped"
    assert len(list(cache.glob("*.json"))) == 2
    assert monitoring_plan.plan_for(wider).sql != monitoring_plan.plan_for(RULES).sql


def test_a_damaged_plan_file_is_compiled_again(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = readings_table(_rows())
    first = monitor(table, AS_OF, RULES)
    (stored,) = cache.glob("*.json")
    stored.write_text('{"sql": "SELECT 1"}', encoding="utf-8")  # no schema: unreadable
    monkeypatch.setattr(plans, "_memory", type(plans._memory)())
    assert monitor(table, AS_OF, RULES).equals(first)


def test_the_command_on_a_cached_plan_does_not_import_ibis(tmp_path: Path) -> None:
    power = tmp_path / "power.csv"
    power.write_text("uscc,month,kwh\n" + "".join(
        f"{c},{months.text(m)},{k}\n" for c, m, k in _rows()), encoding="utf-8")
    script = (
        "import sys\n"
        "from mujun.cli.main import app\n"
        "import mujun.cli.monitor\n"
        "try:\n"
        f"    app(['monitor', '--as-of', '2025-12', '--power', {str(power)!r}, '--out', "
        f"sys.argv[1]])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('ibis' in sys.modules, 'sqlglot' in sys.modules)\n"
    )
    env = {**os.environ, plans.CACHE_ENV: str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", script, str(tmp_path / f"out{i}.csv")],
                           capture_output=True, text=True, cwd=ROOT, env=env, check=True)
            for i in range(2)]
    assert runs[0].stdout.strip().splitlines()[-1] == "True True"  # compiled the first time
    assert runs[1].stdout.strip().splitlines()[-1] == "False False"
    assert (tmp_path / "out0.csv").read_bytes() == (tmp_path / "out1.csv").read_bytes()
