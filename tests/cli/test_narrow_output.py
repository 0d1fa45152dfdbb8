"""Issue 9, problem 10: at 80 columns `whatif` cut credit codes and names, `explain` wrapped in the
middle of a clause. Every credit code must appear whole and no line may exceed the width."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from mujun.cli.layout import wrap_line
from mujun.cli.main import app
from mujun.engine.evaluate import evaluate
from mujun.engine.explain import explain, render_zh
from mujun.engine.whatif import compare
from mujun.io import read_enterprises, read_incidents
from mujun.io.policy_files import load_policy

YEAR = 2024
CODE = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])")
NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def run(args: list[str], width: int = 80) -> str:
    result = CliRunner().invoke(app, args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    for line in result.stdout.splitlines():
        assert cell_len(line) <= width, line
    return result.stdout


def files(demo: Path) -> list[str]:
    return ["--year", str(YEAR), "--data", str(demo / f"enterprises-{YEAR}.csv"),
            "--incidents", str(demo / "incidents.csv")]


@pytest.fixture(scope="module")
def changed(demo_files: Path) -> dict[str, str]:
    """Code → name of every enterprise whose class changes, computed by the engine itself."""
    ent = read_enterprises(demo_files / f"enterprises-{YEAR}.csv").table
    inc = read_incidents(demo_files / "incidents.csv").table
    before = evaluate(ent, inc, load_policy("zhejiang-template"), YEAR)
    after = evaluate(ent, inc, load_policy("songyang-2024"), YEAR)
    result = compare(before, after)
    assert len(result.changes) > 20  # enough rows to matter
    return {c.uscc: c.name or "" for c in result.changes}


@pytest.mark.parametrize("width", [80, 60])
def test_whatif_prints_every_changed_code_whole(
    demo_files: Path, changed: dict[str, str], width: int
) -> None:
    out = run(["whatif", *files(demo_files), "--policy", "zhejiang-template",
               "--against", "songyang-2024"], width)
    assert set(CODE.findall(out)) == set(changed)
    assert "…" not in out  # nothing shortened
    # names wrap inside their cell: joined again, each row's name is the enterprise's
    assert _names_by_code(out) == changed
    # the scores are shown where there is room, and left out below it
    assert ("得分 score" in out) is (width == 80)


def _names_by_code(out: str) -> dict[str, str]:
    """The first two cells of every body row of the first table, a wrapped name joined."""
    names: dict[str, str] = {}
    code = None
    for line in out.splitlines():
        if line.startswith("└"):  # the end of the first table
            break
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) < 2:
            continue
        if cells[0]:
            code = cells[0]
            names[code] = ""
        if code is not None:
            names[code] += cells[1]
    names.pop("统一社会信用代码", None)
    return names


def test_explain_wraps_between_clauses_and_keeps_numbers_whole(
    demo_files: Path,
) -> None:
    code = next(iter(sorted(_evaluated(demo_files))))
    out = run(["explain", *files(demo_files), "--uscc", code])
    ent = read_enterprises(demo_files / f"enterprises-{YEAR}.csv").table
    inc = read_incidents(demo_files / "incidents.csv").table
    ev = evaluate(ent, inc, load_policy(), YEAR)
    found = explain(ev, code, inc)
    assert found is not None
    text = render_zh(found)
    assert any(cell_len(line) > 80 for line in text.splitlines())  # wrapping is needed
    assert CODE.findall(out) == [code]
    # every number of the explanation is printed whole: the same numbers, as often
    assert Counter(NUMBER.findall(out)) == Counter(NUMBER.findall(text))
    # same text apart from the line breaks
    assert re.sub(r"\s+", "", out) == re.sub(r"\s+", "", text)
    # a line breaks after a clause (，；。：) or between words, never inside "（上限 2）"
    assert "（上限\n" not in out


def _evaluated(demo: Path) -> set[str]:
    ent = read_enterprises(demo / f"enterprises-{YEAR}.csv").table
    ev = evaluate(ent, None, load_policy(), YEAR)
    rows = ev.table.to_pylist()
    return {r["uscc"] for r in rows if r["class"] and r["bonus"]}


def test_evaluate_summary_fits_80_columns(demo_files: Path, tmp_path: Path) -> None:
    out = run(["evaluate", *files(demo_files), "--out", str(tmp_path / "r.csv")])
    assert "规上工业企业" in out and "policy hash" in out


@pytest.mark.parametrize(
    ("line", "width", "expected"),
    [
        # the clause break is preferred to a later one inside "（上限 2）"
        ("  甲：实际 14.0777 万元/亩，基准 14.1028 万元/亩，比值 0.9982（上限 2），权重 35",
         40, ["  甲：实际 14.0777 万元/亩，", "    基准 14.1028 万元/亩，",
              "    比值 0.9982（上限 2），权重 35"]),
        # a code longer than the room is kept whole on its own line
        ("代码 91331124754157362A 结束", 12, ["代码", "  91331124754157362A", "  结束"]),
        # punctuation never starts a line
        ("一二三四五六七八，九", 16, ["一二三四五六七", "  八，九"]),
    ],
)
def test_wrap_line(line: str, width: int, expected: list[str]) -> None:
    assert wrap_line(line, width) == expected


def test_the_store_commands_take_the_width_of_the_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A console made once would keep the width of whichever command first imported it: in a
    process that runs several commands (the tests, a notebook), a later command's table wrapped
    at an earlier command's width."""
    from mujun.cli import _store

    for width in (123, 77):
        monkeypatch.setenv("COLUMNS", str(width))
        assert _store.console().width == width
        assert _store.err_console().width == width
