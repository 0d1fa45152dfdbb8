"""One-shot commands that use no pandas run as if it were not installed.

pyarrow imports pandas the first time it builds or converts an array (``pa.array``,
``to_numpy``, even ``pa.scalar``), only to recognise pandas objects, whether the program has any
or not; DuckDB and pyarrow's C++ conversions look for it too. The import costs 0.3–0.7 s of CPU,
a third of ``mujun monitor`` on 3.5 million readings (docs/benchmarks.md, "Without pandas").
pyarrow and DuckDB both work without pandas (it is optional to them) and give the same results
on the arrays mujun hands them, so ``evaluate``, ``whatif`` and ``monitor`` on the embedded
engine refuse its import.

Only in the ``mujun`` program's own process (:func:`run`, the console script), which ends with
the command: pyarrow remembers for the rest of a process that pandas was missing, so a process
that goes on (a test calling commands through typer's runner, the web) would later convert a
pandas object handed to pyarrow as a plain sequence.
"""

from __future__ import annotations

import sys
from importlib.machinery import ModuleSpec
from typing import Any

_standalone = False


class _RefusePandas:
    """A finder first on ``sys.meta_path`` that fails every import of pandas."""

    def __init__(self, command: str):
        self.command = command

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(
                f"mujun {self.command} runs without pandas (cli/pandas_free.py)", name=name)
        return None


def run() -> None:
    """The ``mujun`` program (console script): the commands in a process of their own."""
    global _standalone
    _standalone = True
    from mujun.cli.main import app

    app()


def refuse_pandas(command: str, *, engine: str = "duckdb") -> None:
    """Make pandas unimportable for the rest of this process, when the process is the ``mujun``
    program itself (not a test's or the web's), pandas is not loaded yet and the command runs on
    the embedded ``engine`` (Spark's conversions use pandas)."""
    if not _standalone or engine != "duckdb" or "pandas" in sys.modules:
        return
    if not any(isinstance(finder, _RefusePandas) for finder in sys.meta_path):
        sys.meta_path.insert(0, _RefusePandas(command))
