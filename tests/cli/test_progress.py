"""Issue 9, point 7: long commands show progress on standard error when it is a terminal
(forced here with ``--progress`` or ``MUJUN_PROGRESS=always``), and nothing when it is not or
with ``--quiet``; standard output is the same either way."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from mujun.cli.main import app

ESC = "\x1b["


def invoke(args: list[str], **env: str) -> Result:
    result = CliRunner().invoke(app, args, env={"COLUMNS": "100", **env})
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def small(demo_files: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 60 rows of the demo's 2024 table: quick to evaluate."""
    lines = (demo_files / "enterprises-2024.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("progress") / "e.csv"
    path.write_text("\n".join(lines[:61]) + "\n", encoding="utf-8")
    return path


def evaluate_args(data: Path, out: Path) -> list[str]:
    return ["evaluate", "--year", "2024", "--data", str(data), "--out", str(out)]


def test_evaluate_shows_its_stages_when_forced_and_nothing_otherwise(
    small: Path, tmp_path: Path
) -> None:
    forced = invoke(["--progress", *evaluate_args(small, tmp_path / "a.csv")])
    assert ESC in forced.stderr
    for stage in ("reading e.csv", "evaluating 2024 with zhejiang-template", "writing a.csv"):
        assert stage in forced.stderr, stage
    assert ESC not in forced.stdout

    piped = invoke(evaluate_args(small, tmp_path / "a.csv"))
    assert piped.stderr == ""
    # the result on standard output does not depend on the progress display
    assert piped.stdout == forced.stdout

    by_env = invoke(evaluate_args(small, tmp_path / "a.csv"), MUJUN_PROGRESS="always")
    assert "evaluating 2024" in by_env.stderr
    quiet = invoke(["--quiet", *evaluate_args(small, tmp_path / "a.csv")],
                   MUJUN_PROGRESS="always")
    assert quiet.stderr == "" and quiet.stdout == piped.stdout


def test_whatif_names_both_evaluations(small: Path) -> None:
    args = ["whatif", "--year", "2024", "--data", str(small), "--policy", "zhejiang-template",
            "--against", "songyang-2024"]
    forced = invoke(["--progress", *args])
    assert "with zhejiang-template" in forced.stderr and "with songyang-2024" in forced.stderr
    assert invoke(args).stderr == ""


def test_demo_data_counts_its_files(tmp_path: Path) -> None:
    forced = invoke(["--progress", "demo-data", "--out", str(tmp_path / "a")])
    assert "enterprises-2024.csv" in forced.stderr and ESC in forced.stderr
    piped = invoke(["demo-data", "--out", str(tmp_path / "b")])
    assert piped.stderr == ""
    assert "enterprises-2024.csv" in piped.stdout


def test_backup_and_restore_name_their_stage(sqlite_store: str, tmp_path: Path) -> None:
    file = tmp_path / "b.zip"
    forced = invoke(["--progress", "backup", str(file)])
    assert "checking it restorable" in forced.stderr
    assert f"wrote {file}" in " ".join(forced.stdout.split())
    assert invoke(["backup", str(tmp_path / "c.zip")]).stderr == ""
    restored = invoke(["--progress", "restore", str(file), "--yes"])
    assert "restoring" in restored.stderr and "restored" in restored.stdout


def test_run_create_names_its_stages_and_counts_the_stored_results(
        sqlite_store: str, small: Path) -> None:
    invoke(["db", "upgrade"])
    for department in ("stats", "tax", "land"):
        invoke(["import", "--year", "2024", "--department", department, str(small)])
    forced = invoke(["--progress", "run", "create", "--year", "2024"])
    for stage in ("freezing the year's inputs", "evaluating 60 enterprises",
                  "storing the results and their explanations (0/60)", "(60/60)", "committing"):
        assert stage in forced.stderr, stage
    assert "60 results" in forced.stdout and ESC not in forced.stdout
    piped = invoke(["run", "create", "--year", "2024"])
    assert piped.stderr == "" and "2024-v2" in piped.stdout
