from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mujun.cli.main import app
from mujun.demo.generate import OUTPUT_FILES


def test_demo_data_command_writes_the_files(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo-data", "--out", str(out), "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert "enterprises-2024.csv" in result.output and "seed 5" in result.output


def test_demo_data_help_names_the_options() -> None:
    result = CliRunner().invoke(app, ["demo-data", "--help"])
    assert result.exit_code == 0
    assert "--out" in result.output and "--seed" in result.output and "331124" in result.output
