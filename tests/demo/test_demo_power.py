"""The demo's monthly power readings (``power-monthly.csv``): read back with the power company's
reader, they add up exactly to each year's ``electricity_kwh``, follow each enterprise's lifecycle,
and give the early warning (docs/monitoring.md) plausible work now and in every earlier year."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pytest
from demo_helpers import rows
from typer.testing import CliRunner

import mujun.demo.generate as generate_module
from mujun.cli.main import app
from mujun.demo.county import YEARS
from mujun.demo.generate import OUTPUT_FILES, generate
from mujun.demo.power import MonthlyPower
from mujun.demo.power_events import END_DECLINES, END_STOPS
from mujun.demo.writer import POWER_HEADERS
from mujun.engine.monitoring import monitor, months
from mujun.io.policy_files import load_policy
from mujun.io.power import POWER_COLUMNS, PowerInput, read_power

FILE = "power-monthly.csv"


def _read(directory: Path) -> PowerInput:
    read = read_power(directory / FILE)
    assert read.problems == [] and read.table.num_rows == read.rows_read
    return read


def _readings(read: PowerInput) -> dict[str, dict[int, float]]:
    """Credit code → month index → kWh."""
    found: dict[str, dict[int, float]] = defaultdict(dict)
    table = read.table
    codes = pc.cast(table["uscc"], "string").to_pylist()
    days: list[date] = table["month"].to_pylist()
    for code, day, kwh in zip(codes, days, table["kwh"].to_pylist(), strict=True):
        found[code][months.of_date(day)] = kwh
    return found


def _yearly(directory: Path) -> dict[tuple[str, int], str]:
    """(credit code, year) → the ``electricity_kwh`` cell of that year's table."""
    return {(r["uscc"], year): r["electricity_kwh"] for year in YEARS
            for r in rows(directory / f"enterprises-{year}.csv")}


def test_the_power_company_headers_are_the_readers() -> None:
    assert tuple(zh for _key, zh in POWER_COLUMNS) == POWER_HEADERS


@pytest.mark.parametrize("fixture", ["demo_dir", "other_dir"])
def test_months_add_up_exactly_to_each_years_figure(fixture: str,
                                                     request: pytest.FixtureRequest) -> None:
    directory: Path = request.getfixturevalue(fixture)
    readings = _readings(_read(directory))
    sums: dict[tuple[str, int], float] = defaultdict(float)
    for code, by_month in readings.items():
        for month in sorted(by_month):  # the order a reader would add them in
            sums[code, month // 12] += by_month[month]
    yearly = _yearly(directory)
    given = {key: float(cell) for key, cell in yearly.items() if cell != ""}
    # every year with a figure has rows adding up to it exactly; no year without one has rows
    assert sums == given
    assert all(month // 12 in YEARS for r in readings.values() for month in r)
    empty = [key for key, cell in yearly.items() if cell == ""]
    assert len(empty) > 10 and not set(empty) & set(sums)


def test_no_rows_before_production_or_after_the_last_table_year(demo_dir: Path) -> None:
    readings = _readings(_read(demo_dir))
    started: dict[str, date] = {}
    for year in YEARS:
        for r in rows(demo_dir / f"enterprises-{year}.csv"):
            if r["production_start"]:
                started[r["uscc"]] = date.fromisoformat(r["production_start"])
    registry = {r["uscc"]: r for r in rows(demo_dir / "registry.csv")}
    late_starts = 0
    for code, by_month in readings.items():
        first, last = min(by_month), max(by_month)
        if code in started:
            assert first >= months.of_date(started[code]), code
            late_starts += first == months.of_date(started[code]) and first % 12 > 0
        left = registry[code]["left_year"]
        if left:
            assert last // 12 <= int(left) - 1, code  # quiet by the end of its last table year
    assert late_starts > 50  # new plants start mid-year


def test_leavers_wind_down_before_their_meter_goes_quiet(demo_dir: Path) -> None:
    readings = _readings(_read(demo_dir))
    leavers = [r["uscc"] for r in rows(demo_dir / "registry.csv") if r["left_year"]]
    wound_down = 0
    for code in leavers:
        values = [readings[code][m] for m in sorted(readings.get(code, {}))]
        if len(values) >= 6:
            wound_down += sum(values[-3:]) <= 0.7 * sum(values[-6:-3])
    assert len(leavers) > 100 and wound_down >= 0.9 * len(leavers)


def test_the_season_shows_in_the_county_total(demo_dir: Path) -> None:
    readings = _readings(_read(demo_dir))
    total: Counter[int] = Counter()
    for by_month in readings.values():
        for month, kwh in by_month.items():
            total[month] += kwh
    for year in YEARS[1:]:
        month = [total[months.index(year, m)] for m in range(1, 13)]
        festival = min(month[0], month[1])  # 正月 falls in January or February
        assert festival < 0.9 * month[11] and festival < 0.9 * month[2], year
        assert max(month[6], month[7]) > month[4], year  # the summer peak


def test_the_power_part_changes_no_other_file(demo_dir: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The other files are as they were before the power readings were drawn."""
    def nothing(*_args: object) -> MonthlyPower:
        return MonthlyPower(np.array([], dtype=object), np.zeros(0, np.int64),
                            np.zeros(0, np.int64))

    monkeypatch.setattr(generate_module, "draw_power", nothing)
    generate(tmp_path / "without", 331124)
    for name in OUTPUT_FILES:
        if name not in (FILE, "README.md"):
            assert (tmp_path / "without" / name).read_bytes() == (demo_dir / name).read_bytes()
    power_row = re.compile(rf"^\| `{re.escape(FILE)}` \| [0-9,]+ \|\n", re.MULTILINE)
    assert power_row.sub("", (tmp_path / "without" / "README.md").read_text()) == \
        power_row.sub("", (demo_dir / "README.md").read_text())


def _counts(output: str) -> dict[str, int]:
    return {level: int(n) for level, n in
            re.findall(r"(silent|stopped|declining|normal)\s*│\s*([0-9]+)", output)}


def test_monitor_as_of_2025_12_finds_plausible_work(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "monitor.csv"
    result = CliRunner().invoke(app, ["monitor", "--as-of", "2025-12", "--power",
                                      str(demo_dir / FILE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    counts = _counts(result.stdout)
    registry = {r["uscc"]: r for r in rows(demo_dir / "registry.csv")}
    leavers = sum(1 for r in registry.values() if r["left_year"])
    # every enterprise that left is silent (monitoring.md §2); beyond them, a few lost meters
    # and the enterprises without a 2025 figure
    assert 0 < counts["silent"] - leavers <= 40, counts
    assert END_STOPS <= counts["stopped"] <= 15, counts
    assert END_DECLINES <= counts["declining"] <= 80, counts
    assert counts["normal"] >= 0.8 * sum(counts.values()), counts
    with out.open(encoding="utf-8") as f:
        levels = {r["uscc"]: r["level"] for r in csv.DictReader(f)}
    # (a leaver whose only table year had no figure has no reading at all)
    assert all(levels.get(c, "silent") == "silent" for c, r in registry.items() if r["left_year"])
    # the demo officer's town (the one with the most enterprises) has work of each kind
    town = Counter(r["town"] for r in registry.values()).most_common(1)[0][0]
    in_town = Counter(level for code, level in levels.items() if registry[code]["town"] == town)
    assert in_town["stopped"] >= 1 and in_town["declining"] >= 1, in_town


def test_every_year_opens_and_closes_warnings(demo_dir: Path) -> None:
    table = _read(demo_dir).table
    rules = load_policy(None).policy.monitoring
    before: set[str] = set()
    opened = closed = 0
    for year in YEARS[1:]:
        for month in (3, 6, 9, 12):
            result = monitor(table, months.index(year, month), rules)
            levels = dict(zip(result["uscc"].to_pylist(), result["level"].to_pylist(),
                              strict=True))
            warned = {c for c, level in levels.items() if level in ("stopped", "declining")}
            assert len(warned) >= 10, (year, month)
            opened += len(warned - before)
            closed += len(before - warned)
            before = warned
        assert any(level == "stopped" for level in levels.values()), year  # in December
    assert opened > 200 and closed > 150
