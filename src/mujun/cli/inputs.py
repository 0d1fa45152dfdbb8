"""Shared steps of the stateless commands: load a policy, read and validate the input tables.

Problems are printed on standard error, one per line with file, line, column and reason; bad input
ends the command with exit code 2, never with a traceback.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:  # the engine and the readers are imported when a command runs
    import pyarrow as pa
    from ibis.backends import BaseBackend

    from mujun.engine.policy import LoadedPolicy
    from mujun.io import Problem

BAD_INPUT = 2

err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(BAD_INPUT)


def policy(ref: str | None) -> LoadedPolicy:
    from mujun.engine.policy import PolicyError
    from mujun.io.policy_files import load_policy

    try:
        return load_policy(ref)
    except PolicyError as exc:
        for path, message in exc.problems:
            err.print(f"{exc.source}: {path or '(root)'}: {message}")
        fail(f"policy {exc.source} has {len(exc.problems)} problem(s)")


def report_problems(problems: list[Problem]) -> None:
    """Each problem on standard error, one line with file, line, column and reason.

    One text printed once (a province's thousands of warnings printed one by one took half a
    second), styled without markup: a cell that reads like ``[/red]`` is printed as it is.
    """
    if not problems:
        return
    lines = Text()
    for p in problems:
        lines.append(p.severity, style="red" if p.severity == "error" else "yellow")
        lines.append(f" {p}\n")
    lines.rstrip()
    err.print(lines)


@dataclass(frozen=True)
class Inputs:
    enterprises: pa.Table
    incidents: pa.Table | None
    input_hash: str
    errors: int
    warnings: int


def read_inputs(data: Path, incidents: Path | None, *, strict: bool) -> Inputs:
    """Read and validate both tables; with ``strict`` any row error ends the command."""
    from mujun.io import InputError, read_enterprises, read_incidents

    try:
        ent = read_enterprises(data, strict=strict)
        inc = read_incidents(incidents) if incidents is not None else None
    except InputError as exc:
        fail(str(exc))
    problems = [*ent.problems, *(inc.problems if inc else [])]
    report_problems(problems)
    errors = sum(p.severity == "error" for p in problems)
    if strict and errors:
        fail(f"{errors} row error(s); nothing was evaluated (--strict)")
    input_hash = ent.input_hash
    if inc is not None:  # one hash naming both files
        input_hash = hashlib.sha256(f"{ent.input_hash}:{inc.input_hash}".encode()).hexdigest()
    return Inputs(
        enterprises=ent.table,
        incidents=inc.table if inc else None,
        input_hash=input_hash,
        errors=errors,
        warnings=len(problems) - errors,
    )


def backend(engine: str, spark_master: str) -> BaseBackend | None:
    """The backend to evaluate on; None for the embedded DuckDB (the engine's default)."""
    from mujun.engine import backends

    if engine == "duckdb":
        return None
    if engine == "spark":
        try:
            return backends.spark(spark_master)
        except RuntimeError as exc:
            fail(str(exc))
    fail(f"unknown engine {engine!r}: use duckdb or spark")
