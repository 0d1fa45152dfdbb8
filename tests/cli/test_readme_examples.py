"""Every command example of README.md runs as written on a fresh clone (issue 9, point 7).

The ```bash blocks of README.md after the first two (install-and-serve and the test suite; serving
is tested in test_serve.py), and any ```bash block of docs/*.md right under a
``<!-- example: run -->`` line, run in order in an empty directory holding what a clone holds
(``examples/``), with ``uv run`` meaning this test's environment. A ``<统一社会信用代码>``
placeholder takes a code of the demo data. Each command must exit 0, print at most 80 columns,
and show what it is for; ``whatif``'s "before" class mix must be ``evaluate``'s."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = 2  # the README's own two commands: install-and-serve, the whole test suite
MARKER = "<!-- example: run -->"
BLOCK = re.compile(r"^(?P<marker>[^\n]*\n)?[ \t]*```bash\n(?P<body>.*?)^[ \t]*```", re.M | re.S)
PLACEHOLDER = "<统一社会信用代码>"
GROUPS = ("规上工业企业", "规下工业企业")


def bash_blocks(text: str, *, marked_only: bool) -> list[str]:
    blocks = []
    for m in BLOCK.finditer(text):
        if marked_only and (m.group("marker") or "").strip() != MARKER:
            continue
        lines = m.group("body").splitlines()
        indent = min(len(x) - len(x.lstrip()) for x in lines if x.strip())
        blocks.append("\n".join(x[indent:] for x in lines))
    return blocks


def commands(block: str) -> list[str]:
    """One command per logical line (backslash continuations joined), comments left to bash."""
    return [c.strip() for c in block.replace("\\\n", " ").splitlines() if c.strip()]


def examples() -> list[str]:
    found = [c for b in bash_blocks((ROOT / "README.md").read_text(encoding="utf-8"),
                                    marked_only=False)[SKIPPED:] for c in commands(b)]
    for doc in sorted((ROOT / "docs").glob("*.md")):
        found += [c for b in bash_blocks(doc.read_text(encoding="utf-8"), marked_only=True)
                  for c in commands(b)]
    return found


def class_counts(out: str, *, before_arrow: bool) -> dict[str, list[int]]:
    """Group title → counts of A–D, from evaluate's summary or whatif's class mix."""
    counts = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        group = cells[0].split()[0] if cells and cells[0] else ""
        if group not in GROUPS:
            continue
        if before_arrow:  # 组别 | A | B | C | D, each "before → after"
            counts[group] = [int(c.split("→")[0]) for c in cells[1:5]]
        else:  # 组别 | 参评 | A | B | C | D | 一票否决
            counts[group] = [int(c) for c in cells[2:6]]
    return counts


def first_code(demo: Path) -> str:
    with (demo / "enterprises-2024.csv").open(encoding="utf-8") as f:
        return next(csv.DictReader(f))["uscc"]


def test_the_readme_lists_the_stateless_commands() -> None:
    found = examples()
    for command in ("demo-data", "evaluate", "explain", "whatif", "policy show", "policy check"):
        assert any(f"mujun {command}" in c for c in found), command


@pytest.mark.takes(35)
def test_every_readme_example_runs_as_written(tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "COLUMNS": "80", "MUJUN_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    env.pop("MUJUN_PROGRESS", None)
    outputs: dict[str, str] = {}
    for command in examples():
        line = command.removeprefix("uv run ")
        if PLACEHOLDER in line:
            line = line.replace(PLACEHOLDER, first_code(tmp_path / "demo"))
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", line], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        words = line.split()
        if words[0] != "mujun":
            name = line
        else:
            name = " ".join(words[1:3]) if words[1] == "policy" else words[1]
        if name != "policy show":  # YAML, meant for a file, not for the terminal
            wide = [x for x in done.stdout.splitlines() if cell_len(x) > 80]
            assert not wide, f"{command}: lines wider than 80 columns: {wide}"
        outputs[name] = done.stdout

    assert (tmp_path / "demo" / "enterprises-2024.csv").exists()
    assert (tmp_path / "result-2024.xlsx").stat().st_size > 0
    code = re.search(r"--uscc (\S+)", " ".join(examples()))
    assert code
    wanted = first_code(tmp_path / "demo") if code.group(1) == PLACEHOLDER else code.group(1)
    assert wanted in outputs["explain"] and re.search(r"评为 [ABCD] 档", outputs["explain"])
    evaluated = class_counts(outputs["evaluate"], before_arrow=False)
    assert set(evaluated) == set(GROUPS)
    assert class_counts(outputs["whatif"], before_arrow=True) == evaluated
    assert "hash" in outputs["policy show"] and outputs["policy check"].startswith("OK: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("```bash\nuv run mujun a \\\n    --b c   # note\nuv run mujun d\n```\n",
         ["uv run mujun a      --b c   # note", "uv run mujun d"]),
    ],
)
def test_commands_of_a_block(text: str, expected: list[str]) -> None:
    assert [c for b in bash_blocks(text, marked_only=False) for c in commands(b)] == expected
