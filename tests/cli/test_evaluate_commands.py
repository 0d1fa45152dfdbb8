"""The stateless commands end to end: evaluate, whatif, explain — on files, through the CLI."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from mujun.cli.main import app
from mujun.engine.evaluate import output_columns
from mujun.engine.uscc import check_char
from mujun.io.policy_files import load_policy

runner = CliRunner()


def code(n: int) -> str:
    body = f"91331124{n:09d}"
    return body + check_char(body)


HEADER = "uscc,name,above_scale,production_start,land_owned_m2,tax_paid,value_added,revenue\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """Five above-scale enterprises on 3 亩 each, one row error, one exempt (no land)."""
    rows = [
        f"{code(1)},甲,是,2015-01-01,2000,12,30,3000",
        f"{code(2)},乙,是,2015-01-01,2000,6,30,3000",
        f"{code(3)},丙,是,2015-01-01,2000,3,30,3000",
        f"{code(4)},丁,是,2015-01-01,2000,,30,3000",
        f"{code(5)},戊,是,2015-01-01,0,5,30,3000",
        "91331124000000000X,坏码,是,2015-01-01,2000,5,30,3000",
    ]
    path = tmp_path / "e.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_evaluate_writes_every_row_with_the_spec_columns(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["evaluate", "--year", "2024", "--data", str(data),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == output_columns(load_policy().policy)
    # the row error is left out, the others stay in input order
    assert [r["uscc"] for r in rows] == [code(n) for n in range(1, 6)]
    assert rows[4]["exempt_reason"] == "no_land" and rows[4]["group"] == ""
    assert [r["class"] for r in rows[:4]] == ["B", "B", "C", "D"]
    # columns absent from the file are missing for every row; warnings follow indicator order
    assert rows[3]["warnings"].startswith(
        "tax_per_mu: tax_paid missing; labor_productivity: employees missing; "
    )
    # the summary names the class mix, the low-efficiency land and both hashes
    assert "low-efficiency land" in result.output and "input hash" in result.output
    # the row error is reported on standard error with file and line
    assert "line 7" in result.stderr and "统一社会信用代码" in result.stderr


def test_evaluate_strict_fails_with_exit_code_2_and_writes_nothing(
    data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["evaluate", "--year", "2024", "--data", str(data),
                                 "--out", str(out), "--strict"])
    assert result.exit_code == 2
    assert not out.exists()
    assert "line 7" in result.stderr


def test_a_cell_that_reads_like_console_markup_is_reported_as_written(tmp_path: Path) -> None:
    data = tmp_path / "e.csv"
    data.write_text(HEADER + f"{code(1)},甲,是,2015-01-01,2000,[/red]12,30,3000\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--year", "2024", "--data", str(data),
                                 "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    assert 'line 2, column tax_paid = "[/red]12": 不是数字' in result.stderr


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_evaluate_other_formats(data: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"r{suffix}"
    result = runner.invoke(app, ["evaluate", "--year", "2024", "--data", str(data),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    if suffix == ".parquet":
        assert pq.read_table(out).column_names == output_columns(load_policy().policy)
    else:
        sheet = openpyxl.load_workbook(out).active
        assert sheet is not None
        header = [c.value for c in sheet[1]]
        assert header[:3] == ["统一社会信用代码", "企业名称", "组别"]
        assert "亩均税收(万元/亩)" in header
        assert sheet.freeze_panes == "A2"


def test_bad_inputs_are_messages_not_tracebacks(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["evaluate", "--year", "2024", "--data",
                                  str(tmp_path / "none.csv"), "--out", str(tmp_path / "r.csv")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output + missing.stderr
    bad_policy = tmp_path / "p.yaml"
    bad_policy.write_text("cap: -1\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--year", "2024", "--data", str(bad_policy),
                                 "--policy", str(bad_policy), "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 2
    assert "cap:" in result.stderr


def test_policy_that_does_not_cover_the_year(data: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--year", "2019", "--data", str(data),
                                 "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 2
    assert "not to 2019" in result.stderr


def test_whatif_lists_class_changes(data: Path, tmp_path: Path) -> None:
    # a threshold policy classes the same scores differently
    other = tmp_path / "threshold.yaml"
    other.write_text(
        "name: threshold\ngroups:\n  above:\n    classification: "
        "{method: threshold, A: 120, B: 100, C: 0}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["whatif", "--year", "2024", "--data", str(data),
                                 "--policy", "zhejiang-template", "--against", str(other)])
    assert result.exit_code == 0, result.output
    assert "change class" in result.output
    assert "zhejiang-template → threshold" in result.output


def test_explain_prints_every_point_in_chinese(data: Path) -> None:
    result = runner.invoke(app, ["explain", "--year", "2024", "--data", str(data),
                                 "--uscc", code(4).lower()])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "亩均税收" in text and "权重 35" in text
    assert "实缴税收(万元) 缺失" in text
    assert "评为 D 档" in text and "提档路径" in text and "城镇土地使用税减免" in text


def test_explain_unknown_enterprise(data: Path) -> None:
    result = runner.invoke(app, ["explain", "--year", "2024", "--data", str(data),
                                 "--uscc", code(99)])
    assert result.exit_code == 2
    assert code(99) in result.stderr
