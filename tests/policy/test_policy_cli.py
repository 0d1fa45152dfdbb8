"""``mujun policy show|check|list`` in-process (plain output: CliRunner is not a terminal)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from mujun.cli.main import app
from mujun.engine.policy import load_policy_text
from mujun.io.policy_files import load_policy

TEMPLATE = load_policy("zhejiang-template")


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["policy", *args])


def test_show_prints_a_header_and_the_effective_policy_as_yaml() -> None:
    result = run("show")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "# source: zhejiang-template",
        "# name:   zhejiang-template",
        "# title:  工业企业亩均效益综合评价（浙江通用模板）",
        "# years:  2020–",
        f"# hash:   {TEMPLATE.hash}",
    ]
    doc = yaml.safe_load(result.stdout)
    assert doc["groups"]["above"]["indicators"]["tax_per_mu"] == {
        "title": "亩均税收", "numerator": "tax_paid", "denominator": "land_mu", "weight": 35,
        "scale": 1, "zero_denominator": "zero",
    }
    assert doc["years"] == {"from": 2020, "to": None}
    assert doc["benchmark"] == {"method": "aggregate", "min_peers": 5, "by": None}
    assert "\x1b[" not in result.stdout  # no colour when piped


@pytest.mark.parametrize("name", ["zhejiang-template", "songyang-2024"])
def test_the_shown_yaml_is_a_policy_with_the_same_hash(name: str) -> None:
    result = run("show", name)
    assert result.exit_code == 0
    assert load_policy_text(result.stdout, "shown").hash == load_policy(name).hash


def test_show_a_file_applies_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "county.yaml"
    path.write_text("name: county\nyears: {from: 2022, to: 2023}\ncap: 3\n", encoding="utf-8")
    result = run("show", str(path))
    assert result.exit_code == 0
    assert f"# source: {path}" in result.stdout and "# years:  2022–2023" in result.stdout
    doc = yaml.safe_load(result.stdout)
    assert doc["cap"] == 3 and doc["notice_days"] == 7 and list(doc["groups"]) == ["above", "below"]


def test_show_json() -> None:
    result = run("show", "songyang-2024", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    loaded = load_policy("songyang-2024")
    assert list(doc) == ["source", "name", "title", "years", "hash", "policy"]
    assert doc["name"] == "songyang-2024" and doc["source"] == "songyang-2024"
    assert doc["years"] == {"from": 2024, "to": None}
    assert doc["hash"] == loaded.hash
    assert doc["policy"] == loaded.policy.model_dump(mode="json", by_alias=True)
    assert doc["policy"]["groups"]["above"]["indicators"]["tax_per_mu"]["weight"] == 40


def test_check_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("name: ok\nyears: {from: 2021}\n", encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 0
    hash_ = load_policy(path).hash
    assert result.output == f"OK: ok, years 2021–, hash {hash_[:12]}\n"


def test_check_a_shipped_name() -> None:
    result = run("check", "songyang-2024")
    assert result.exit_code == 0
    assert result.output.startswith("OK: songyang-2024, years 2024–, hash ")


def test_check_reports_every_problem_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: bad\ncap: abc\ngroups:\n  above:\n    indicators:\n"
        "      tax_per_mu: {title: t, numerator: tax_paid, denominator: land_mu, weight: x}\n",
        encoding="utf-8",
    )
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}: 2 problem(s)",
        "cap: expected a number, got 'abc'",
        "groups.above.indicators.tax_per_mu.weight: expected a number, got 'x'",
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.yaml", "cannot read the file: No such file or directory"),
        (lambda d: d, "cannot read the file: Is a directory"),
        (lambda d: d / "unknown-policy", "no such policy file or shipped policy (shipped: "),
    ],
)
def test_check_unreadable_references_without_a_traceback(tmp_path: Path, make, message) -> None:  # type: ignore[no-untyped-def]
    ref = make(tmp_path)
    result = run("check", str(ref))
    assert result.exit_code == 1
    assert result.output.splitlines()[1].startswith(f"(file): {message}")
    assert "Traceback" not in result.output


def test_check_a_file_with_a_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: bom\n".encode())
    assert run("check", str(path)).exit_code == 0


def test_check_needs_a_file() -> None:
    result = run("check")
    assert result.exit_code == 2


def test_list_shipped_policies() -> None:
    result = run("list")
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [r[0] for r in rows] == ["songyang-2024", "zhejiang-template"]
    assert rows[1] == ["zhejiang-template", "2020–", "工业企业亩均效益综合评价（浙江通用模板）",
                       TEMPLATE.hash[:12]]


def test_list_json() -> None:
    result = run("list", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows[1] == {"name": "zhejiang-template", "title": TEMPLATE.policy.title,
                       "years": "2020–", "hash": TEMPLATE.hash}


@pytest.mark.parametrize(
    ("command", "phrases"),
    [
        ("show", ["[NAME|FILE]", "--json", "Exit status", "0 shown", "1 the policy cannot"]),
        ("check", ["FILE", "Exit status", "0 valid", "1 problems found", "2 wrong usage"]),
        ("list", ["--json", "Exit status"]),
    ],
)
def test_help_documents_arguments_and_exit_codes(command: str, phrases: list[str]) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for phrase in phrases:
        assert phrase in text, phrase


def test_policy_family_is_registered() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert "policy" in result.output
