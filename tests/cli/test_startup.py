"""Start-up stays light (docs/benchmarks.md, "Start-up"): loading the ``mujun`` command and every
command family registers the commands without importing the data and web stack; each command
imports what it uses when it runs. The list below is the contract; the time is measured in
``bench/startup.py``, not here."""

from __future__ import annotations

import json
import subprocess
import sys

#: never imported by ``mujun --help`` / ``mujun COMMAND --help``
HEAVY = ("pandas", "ibis", "duckdb", "polars", "pyarrow", "sqlalchemy", "fastapi", "pyspark",
         "openpyxl")


def loaded_after(code: str) -> list[str]:
    """The heavy top-level packages in ``sys.modules`` after running ``code`` in a fresh
    interpreter (this test process has imported them all already)."""
    probe = (f"{code}\nimport sys, json\n"
             f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_loading_the_command_imports_no_heavy_package() -> None:
    assert loaded_after("import mujun.cli.main") == []


def test_the_help_of_every_command_imports_no_heavy_package() -> None:
    """``mujun --help`` as the entry point runs it, then every command's ``--help`` (the
    command tree walked as tests/cli/test_help.py does), all in one fresh interpreter."""
    code = """
import sys
import typer.main
from typer.testing import CliRunner
from mujun.cli.main import app

def paths(group, path=()):
    yield path
    for name, sub in getattr(group, "commands", {}).items():
        yield from paths(sub, (*path, name))

sys.argv = ["mujun", "--help"]
try:
    app()
except SystemExit as exc:
    assert not exc.code, exc.code
shown = list(paths(typer.main.get_command(app)))
assert len(shown) > 40, shown
for path in shown:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, (path, result.output)
"""
    assert loaded_after(code) == []


def test_the_probe_sees_an_import() -> None:
    """The check can fail: an imported package is seen."""
    assert loaded_after("import pyarrow") == ["pyarrow"]


def _openblas_threads(environment: dict[str, str]) -> str:
    """``OPENBLAS_NUM_THREADS`` as numpy would read it after ``mujun`` loads, in a fresh
    interpreter started with ``environment``."""
    probe = "import os, mujun.cli.main\nprint(os.environ.get('OPENBLAS_NUM_THREADS'))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, env=environment)
    return done.stdout.strip().splitlines()[-1]


def test_numpy_starts_one_openblas_thread_unless_the_user_chose() -> None:
    """numpy's OpenBLAS threads cost CPU for nothing (docs/benchmarks.md, "Start-up"): the
    program asks for one, unless the environment already says how many."""
    import os

    clean = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert _openblas_threads(clean) == "1"
    assert _openblas_threads({**clean, "OPENBLAS_NUM_THREADS": "4"}) == "4"
