"""`mujun targets` on the demo county (docs/targets.md): all eleven targets, and the figures agree
with a computation straight from the demo files."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mujun.cli.main import app

KEYS = ["above_scale_output", "rd_expense", "va_per_mu", "tax_per_mu", "industrial_investment",
        "pillar_revenue_wan", "satisfaction", "investment_wan", "talent", "land_mu", "benefit_wan"]


def _revenue(folder: Path, year: int, keep: Callable[[dict[str, str]], bool]) -> float:
    with (folder / f"enterprises-{year}.csv").open(encoding="utf-8") as fh:
        return sum(float(r["revenue"] or 0) for r in csv.DictReader(fh) if keep(r))


@pytest.mark.takes(15)
@pytest.mark.usefixtures("sqlite_store")
def test_targets_of_the_demo_county(demo_files: Path) -> None:
    runner = CliRunner()
    loaded = runner.invoke(app, ["demo", "--data", str(demo_files)])
    assert loaded.exit_code == 0, loaded.output

    shown = runner.invoke(app, ["targets", "--year", "2025"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert [k for k in KEYS if k not in shown.output] == []
    assert "五个翻番" in shown.output and "个十百千万亿" in shown.output
    assert "营业收入" in shown.output  # revenue stands in for gross output

    out = runner.invoke(app, ["targets", "--year", "2025", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["year"] == 2025 and data["base_year"] == 2020 and data["target_year"] == 2025
    targets = {t["key"]: t for t in [*data["doubling"], *data["programme"]]}
    assert list(targets) == KEYS
    for t in targets.values():
        assert {"key", "title", "unit", "value", "goal", "progress", "series"} <= t.keys()
        assert [p["year"] for p in t["series"]] == list(range(2020, 2026))

    # 规上工业产值: Σ revenue of the above-scale rows of the year's file (the demo has no row
    # errors), doubled from 2020's
    def above(r: dict[str, str]) -> bool:
        return r["above_scale"] == "true"

    output = targets["above_scale_output"]
    assert output["value"] == pytest.approx(_revenue(demo_files, 2025, above), rel=1e-12)
    assert output["goal"] == pytest.approx(2 * _revenue(demo_files, 2020, above), rel=1e-12)
    assert output["progress"] == pytest.approx(output["value"] / output["goal"])
    growth = (output["value"] / output["base"]) ** (1 / 5) - 1
    assert output["actual_growth"] == pytest.approx(growth)
    assert output["projection"] == pytest.approx(output["value"])  # Y = target year
    # 工业投资: the county's own yearly figure
    with (demo_files / "industrial_investment.csv").open(encoding="utf-8") as fh:
        series = {int(r["year"]): float(r["industrial_investment_wan"])
                  for r in csv.DictReader(fh)}
    assert targets["industrial_investment"]["value"] == pytest.approx(series[2025])
    assert targets["industrial_investment"]["base"] == pytest.approx(series[2020])
    # 一个支柱产业: revenue of the major classes 31 and 33
    def pillar(r: dict[str, str]) -> bool:
        return (r["industry_code"] or "")[:2] in ("31", "33")

    assert targets["pillar_revenue_wan"]["value"] == pytest.approx(
        _revenue(demo_files, 2025, pillar), rel=1e-12)
    assert targets["pillar_revenue_wan"]["goal"] == 1_000_000
    # 亿元政策惠企 adds land-use tax reductions from 2021: positive and growing
    benefit = [p["value"] for p in targets["benefit_wan"]["series"]]
    assert benefit[0] == 0 and all(a < b for a, b in pairwise(benefit))


def test_targets_help_names_the_options() -> None:
    result = CliRunner().invoke(app, ["targets", "--help"])
    assert result.exit_code == 0
    assert "--year" in result.output and "--json" in result.output
