"""``mujun monitor`` end to end (docs/monitoring.md): a small power file worked out by hand, the
row errors on standard error by line, the count per level, the three output formats, and bad
input (a clear message, exit code 2, never a traceback)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from tests.engine.monitoring.support import code
from typer.testing import CliRunner

from mujun.cli.main import app

runner = CliRunner()
A, B, C, D = code(1), code(2), code(3), code(4)


def _power(tmp_path: Path) -> Path:
    """As of 2025-12: A steady at 100 (normal); B 100 then 5 and 5 (stopped); C 100 a year ago
    and 60 now (yoy −40 %, declining); D last read in 2025-09 (silent). Rows in no order; line 6
    repeats A's 2025-12, line 7 has a bad month, line 8 a negative kWh (B's 2024-01, whose
    correct row comes later and is kept); one reading after M."""
    rows = ["统一社会信用代码,月份,用电量(千瓦时)"]
    bad = [f"{A},2025/12,1", f"{A},2025-13,100", f"{B},2024-01,-3"]
    good = []
    for month in range(12, 36):  # 2024-01 … 2025-12 as months since 2023-01
        text = f"{2023 + month // 12}-{month % 12 + 1:02d}"
        good.append(f"{A},{text},100")
        good.append(f"{B},{text},{5 if month >= 34 else 100}")
        good.append(f"{C},{text},{60 if month >= 33 else 100}")
        if month <= 32:
            good.append(f"{D},{text},100")
    good.reverse()  # 2025-12 first
    rows += good[:4] + bad + good[4:] + [f"{A},2026-01,0"]
    path = tmp_path / "power.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_monitor_writes_the_signals_and_prints_the_counts(tmp_path: Path) -> None:
    out = tmp_path / "monitor.csv"
    result = runner.invoke(app, ["monitor", "--as-of", "2025-12", "--power",
                                 str(_power(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 3
    assert "power.csv line 6, column 月份" in errors[0] and "first on line" in errors[0]
    assert "line 7, column 月份" in errors[1] and "not a month" in errors[1]
    assert "line 8, column 用电量(千瓦时)" in errors[2] and "negative" in errors[2]
    counts = dict(re.findall(r"(silent|stopped|declining|normal)\s*│\s*([0-9]+)",
                             result.stdout))
    assert counts == {"silent": "1", "stopped": "1", "declining": "1", "normal": "1"}
    assert "left out: 3 rows" in result.stdout

    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["uscc", "kwh_3m", "kwh_3m_last_year", "yoy_3m", "baseline",
                             "level"]
    assert [r["uscc"] for r in rows] == sorted([A, B, C, D])
    by = {r["uscc"]: r for r in rows}
    assert by[A] == {"uscc": A, "kwh_3m": "300.0", "kwh_3m_last_year": "300.0",
                     "yoy_3m": "0.0", "baseline": "100.0", "level": "normal"}
    # B: 100 + 5 + 5 = 110 against 300; baseline 100; 5 < 10 twice
    assert (by[B]["kwh_3m"], by[B]["baseline"], by[B]["level"]) == ("110.0", "100.0", "stopped")
    # C: 60 × 3 = 180 against 300 → 180/300 − 1 = −0.4; baseline of 2024-11 … 2025-10:
    # (11 × 100 + 60) / 12 = 96.666…
    assert (by[C]["yoy_3m"], by[C]["baseline"], by[C]["level"]) == (
        "-0.4", "96.66666666666667", "declining")
    # D: nothing since 2025-09; no kwh_3m (empty), baseline of 2024-11 … 2025-09 = 100
    assert (by[D]["kwh_3m"], by[D]["baseline"], by[D]["level"]) == ("", "100.0", "silent")


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_monitor_writes_xlsx_and_parquet(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"monitor{suffix}"
    result = runner.invoke(app, ["monitor", "--as-of", "2025-12", "--power",
                                 str(_power(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    if suffix == ".parquet":
        table = pq.read_table(out)
        assert table.column_names[-1] == "level" and table.num_rows == 4
    else:
        sheet = openpyxl.load_workbook(out).active
        assert sheet is not None and sheet.max_row == 5


def test_a_changed_policy_changes_the_levels(tmp_path: Path) -> None:
    policy = tmp_path / "county.yaml"
    policy.write_text("name: county\nmonitoring: {decline_share: 0.5, stop_share: 0.01}\n",
                      encoding="utf-8")
    out = tmp_path / "monitor.csv"
    result = runner.invoke(app, ["monitor", "--as-of", "2025-12", "--power",
                                 str(_power(tmp_path)), "--policy", str(policy), "--out",
                                 str(out)])
    assert result.exit_code == 0, result.output
    levels = {r["uscc"]: r["level"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    # B: 5 is not below 0.01 × 100; −63 % ≤ −50 % → declining; C's −40 % is no longer a decline
    assert levels == {A: "normal", B: "declining", C: "normal", D: "silent"}


@pytest.mark.parametrize(("args", "message"), [
    (["--as-of", "2025-13"], "is not a month"),
    (["--as-of", "2025-12", "--policy", "nope"], "nope"),
    (["--as-of", "2025-12", "--engine", "oracle"], "unknown engine"),
])
def test_bad_input_ends_with_a_message(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["monitor", *args, "--power", str(_power(tmp_path)),
                                 "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_an_unusable_file_ends_with_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "power.csv"
    bad.write_text(f"uscc,month\n{A},2025-12\n", encoding="utf-8")
    for power, message in ((tmp_path / "nope.csv", "file not found"),
                           (bad, "required column missing")):
        result = runner.invoke(app, ["monitor", "--as-of", "2025-12", "--power", str(power),
                                     "--out", str(tmp_path / "o.csv")])
        assert result.exit_code == 2
        assert message in result.stderr and "Traceback" not in result.output
    result = runner.invoke(app, ["monitor", "--as-of", "2025-12", "--power",
                                 str(_power(tmp_path)), "--out", str(tmp_path / "o.txt")])
    assert result.exit_code == 2 and "unknown output format" in result.stderr


def test_monitor_shows_its_stages_when_forced_and_nothing_otherwise(tmp_path: Path) -> None:
    """A province's power file takes seconds at each stage: they are shown on standard error
    (forced here, as on a terminal), and the row errors and the result stay as without them."""
    args = ["monitor", "--as-of", "2025-12", "--power", str(_power(tmp_path)), "--out",
            str(tmp_path / "m.csv")]
    forced = runner.invoke(app, ["--progress", *args], env={"COLUMNS": "100"})
    assert forced.exit_code == 0, forced.output
    for stage in ("reading power.csv", "as of 2025-12 (电力监测)", "writing m.csv"):
        assert stage in forced.stderr, stage
    assert "\x1b[" not in forced.stdout
    piped = runner.invoke(app, args, env={"COLUMNS": "100"})
    assert piped.exit_code == 0, piped.output
    assert "\x1b[" not in piped.stderr and "reading power.csv" not in piped.stderr
    assert piped.stdout == forced.stdout
    assert [e for e in forced.stderr.splitlines() if "line 7, column 月份" in e]
    assert sum(line.startswith("error") for line in piped.stderr.splitlines()) == 3
