"""The one-shot commands run without pandas in the ``mujun`` program's own process
(cli/pandas_free.py; docs/benchmarks.md, "Without pandas"), with the same results as a process
that has it, and a process that goes on (this one, through typer's runner) is left alone."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from mujun.cli.main import app

runner = CliRunner()


def _as_the_program(args: list[str], cwd: Path) -> bool:
    """Run ``mujun ARGS`` in a fresh interpreter as the console script does; whether pandas
    was loaded when it ended."""
    probe = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: print(json.dumps('pandas' in sys.modules), file=sys.stderr))\n"
        f"sys.argv = ['mujun', *{args!r}]\n"
        "from mujun.cli.pandas_free import run\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=cwd, check=False)
    assert done.returncode == 0, done.stderr
    loaded: bool = json.loads(done.stderr.strip().splitlines()[-1])
    return loaded


def _in_process(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output


def test_the_console_script_is_the_program_entry() -> None:
    (script,) = [e for e in metadata.entry_points(group="console_scripts") if e.name == "mujun"]
    assert script.value == "mujun.cli.pandas_free:run"


def test_evaluate_and_whatif_run_without_pandas_and_evaluate_gives_the_same_table(
        demo_files: Path, tmp_path: Path) -> None:
    given = ["--year", "2024", "--data", str(demo_files / "enterprises-2024.csv"),
             "--incidents", str(demo_files / "incidents.csv")]
    assert _as_the_program(["evaluate", *given, "--out", "alone.parquet"], tmp_path) is False
    assert _as_the_program(["whatif", *given, "--policy", "zhejiang-template",
                            "--against", "songyang-2024"], tmp_path) is False
    _in_process(["evaluate", *given, "--out", str(tmp_path / "with.parquet")])
    assert "pandas" in sys.modules  # the reference run had it
    alone = pq.read_table(tmp_path / "alone.parquet")
    assert alone.num_rows > 1000
    assert alone.equals(pq.read_table(tmp_path / "with.parquet"), check_metadata=True)


def test_monitor_runs_without_pandas_and_gives_the_same_table(
        demo_files: Path, tmp_path: Path) -> None:
    given = ["monitor", "--as-of", "2025-12", "--power", str(demo_files / "power-monthly.csv")]
    assert _as_the_program([*given, "--out", "alone.parquet"], tmp_path) is False
    _in_process([*given, "--out", str(tmp_path / "with.parquet")])
    alone = pq.read_table(tmp_path / "alone.parquet")
    assert set(alone.column("level").to_pylist()) >= {"normal", "stopped"}
    assert alone.equals(pq.read_table(tmp_path / "with.parquet"), check_metadata=True)


def test_a_command_run_in_a_process_that_goes_on_leaves_pandas_importable(
        demo_files: Path, tmp_path: Path) -> None:
    """The app called directly, as typer's runner calls it in the tests (not through ``run``), in
    a fresh interpreter that has not loaded pandas: pandas stays importable after the command."""
    args = ["monitor", "--as-of", "2025-12", "--power", str(demo_files / "power-monthly.csv"),
            "--out", str(tmp_path / "m.csv")]
    code = (f"import sys\nsys.argv = ['mujun', *{args!r}]\n"
            "from mujun.cli.main import app\n"
            "try:\n    app()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
            "from mujun.cli.pandas_free import _RefusePandas\n"
            "assert not any(isinstance(f, _RefusePandas) for f in sys.meta_path)\n"
            "import pandas\nprint(pandas.__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "pandas"


def test_a_command_that_needs_pandas_is_not_refused_it(tmp_path: Path) -> None:
    """``mujun policy``, say, is not one of the three: pandas stays importable in it."""
    code = ("import sys\nsys.argv = ['mujun', 'policy', 'list']\n"
            "from mujun.cli.pandas_free import run\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
            "import pandas\nprint(pandas.__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, check=True)
    assert done.stdout.strip().splitlines()[-1] == "pandas"
