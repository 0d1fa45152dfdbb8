"""The command line's help (docs/cli.md): every command answers --help within 80 columns with a
description; the top level and every command family show examples, and every example parses
as a real command line (the command exists, its options and values are accepted)."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
import typer
import typer.main
from rich.cells import cell_len
from typer.testing import CliRunner

from mujun.cli.main import app

ROOT_COMMAND = typer.main.get_command(app)


def subcommands(command: Any) -> dict[str, Any]:
    """A command family's commands (Typer's own click types: duck-typed)."""
    return dict(getattr(command, "commands", {}))


def all_commands(group: Any = ROOT_COMMAND, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in subcommands(group).items():
        found += all_commands(sub, (*path, name))
    return found


COMMANDS = all_commands()


def help_text(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


def example_lines(text: str) -> list[str]:
    """The command lines under "Example(s):", continuation lines joined."""
    after = re.split(r"Examples?:", text, maxsplit=1)
    if len(after) < 2:
        return []
    block = re.split(r"\n\s*╭", after[1], maxsplit=1)[0]
    lines: list[str] = []
    for x in (x.strip() for x in block.splitlines()):
        if lines and lines[-1].endswith("\\"):
            lines[-1] = lines[-1][:-1] + x
        elif x:
            lines.append(x)
    return [x for x in lines if re.match(r"^(\w+=\S+ +)*mujun ", x)]


def parse(argv: list[str]) -> None:
    """Parse a command line as `mujun` would, without running it."""
    command = ROOT_COMMAND
    ctx = command.make_context("mujun", argv)
    while subcommands(command):
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        _, sub, args = command.resolve_command(ctx, rest)
        assert sub is not None, argv
        command, ctx = sub, sub.make_context(sub.name or "", args, parent=ctx)


def test_every_command_is_listed_with_the_global_options() -> None:
    text = help_text(())
    for name in subcommands(ROOT_COMMAND):
        assert re.search(rf"│ {re.escape(name)} ", text), name
    assert "--quiet" in text and "--progress" in text


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "mujun")
def test_help_fits_80_columns_and_describes_the_command(path: tuple[str, ...]) -> None:
    text = help_text(path)
    assert [x for x in text.splitlines() if cell_len(x) > 80] == []
    lines = [x.strip() for x in text.splitlines()]
    usage = next(i for i, x in enumerate(lines) if x.startswith("Usage:"))
    description = next(x for x in lines[usage + 1:] if x)
    assert not description.startswith("╭") and len(description.split()) >= 3, description


@pytest.mark.parametrize(
    "path", [p for p in COMMANDS if len(p) < 2], ids=lambda p: " ".join(p) or "mujun"
)
def test_top_level_help_has_examples_that_parse(path: tuple[str, ...]) -> None:
    text = help_text(path)
    examples = example_lines(text)
    assert examples, f"no examples in `mujun {' '.join(path)} --help`"
    for line in examples:
        words = shlex.split(line)
        while "=" in words[0]:  # VAR=value before the command
            words.pop(0)
        assert words[0] == "mujun"
        if words[1:] == ["COMMAND", "--help"]:
            continue
        parse(words[1:])


def test_an_example_that_does_not_parse_is_caught() -> None:
    with pytest.raises(typer.TyperException):
        parse(["evaluate", "--year", "2024", "--data", "e.csv"])  # --out is missing
    with pytest.raises(typer.TyperException):
        parse(["run", "crate", "--year", "2024"])
