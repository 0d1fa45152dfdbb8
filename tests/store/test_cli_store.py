"""The store commands in-process: template → fill → import (rejected with a report, then ok)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from store_helpers import make_uscc
from typer.testing import CliRunner

from mujun.cli.main import app
from mujun.store.models import RunResult

runner = CliRunner()


def test_template_import_and_error_report(cli_env: str, tmp_path: Path) -> None:
    for dept in ("stats", "tax", "safety"):
        out = tmp_path / f"{dept}.xlsx"
        result = runner.invoke(app, ["template", "--department", dept, "--year", "2024",
                                     "--out", str(out)])
        assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "tax.xlsx")
    assert book.sheetnames == ["填报", "事件", "说明"]
    assert [c.value for c in book["填报"][1]] == ["统一社会信用代码", "企业名称", "实缴税收(万元)",
                                                 "城镇土地使用税应纳额(万元)"]
    assert book["填报"].data_validations.dataValidation
    stats = openpyxl.load_workbook(tmp_path / "stats.xlsx")
    sheet = stats["填报"]
    headers = [c.value for c in sheet[1]]
    sheet.append([{"统一社会信用代码": make_uscc(1), "企业名称": "甲", "是否规上": "是",
                   "工业增加值(万元)": "abc"}.get(h) for h in headers])
    stats.save(tmp_path / "bad.xlsx")
    result = runner.invoke(app, ["import", "--year", "2024", "--department", "stats",
                                 str(tmp_path / "bad.xlsx")])
    assert result.exit_code == 1
    report = openpyxl.load_workbook(tmp_path / "bad.xlsx.errors.xlsx").active
    assert report is not None
    rows = [[c.value for c in r] for r in report.iter_rows(min_row=4)]
    assert rows[0][:4] == ["文件/工作表", "行", "列", "值"]
    assert rows[1][1:4] == [2, "工业增加值(万元)", "abc"]
    sheet.cell(row=2, column=headers.index("工业增加值(万元)") + 1, value=12.5)
    stats.save(tmp_path / "good.xlsx")
    result = runner.invoke(app, ["import", "--year", "2024", "--department", "stats",
                                 str(tmp_path / "good.xlsx")])
    assert result.exit_code == 0, result.output
    assert "1 enterprises added" in " ".join(result.output.split())
    result = runner.invoke(app, ["import", "--year", "2024", "--department", "stats",
                                 str(tmp_path / "good.xlsx")])
    assert result.exit_code == 0 and "no change" in result.output
    result = runner.invoke(app, ["backup", str(tmp_path / "b.zip")])
    assert result.exit_code == 0, result.output


def test_users_and_acting_as_a_clerk(cli_env: str, tmp_path: Path) -> None:
    from store_helpers import write_stats, write_tax

    assert runner.invoke(app, ["user", "add", "tax1", "--role", "clerk", "--department",
                               "tax"]).exit_code == 0
    assert runner.invoke(app, ["user", "add", "nobody", "--role", "clerk"]).exit_code == 2
    stats = write_stats(tmp_path / "s.csv", 3)
    tax = write_tax(tmp_path / "t.csv", 3)
    denied = runner.invoke(app, ["import", "--year", "2024", "-d", "stats", str(stats),
                                 "--as", "tax1"])
    assert denied.exit_code == 1 and "tax1 (clerk) 无权导入统计的数据" in denied.output
    loaded = runner.invoke(app, ["import", "--year", "2024", "-d", "stats", str(stats)])
    assert loaded.exit_code == 0
    ok = runner.invoke(app, ["import", "--year", "2024", "-d", "tax", str(tax), "--as", "tax1"])
    assert ok.exit_code == 0, ok.output
    listed = runner.invoke(app, ["user", "list"]).output
    assert "tax1 [clerk tax]" in listed


def test_run_verify_holds_then_names_a_tampered_result(cli_env: str, engine: Engine,
                                                        tmp_path: Path) -> None:
    from store_helpers import write_stats, write_tax

    for dept, path in (("stats", write_stats(tmp_path / "s.csv", 3)),
                       ("tax", write_tax(tmp_path / "t.csv", 3))):
        loaded = runner.invoke(app, ["import", "--year", "2024", "-d", dept, str(path)])
        assert loaded.exit_code == 0, loaded.output
    created = runner.invoke(app, ["--quiet", "run", "create", "--year", "2024"])
    assert created.exit_code == 0, created.output
    verified = runner.invoke(app, ["run", "verify", "2024-v1"])
    assert verified.exit_code == 0, verified.output
    assert ("verified: run 2024-v1, 3 results identical (snapshot and policy hashes match)"
            in " ".join(verified.output.split()))
    with Session(engine) as session:
        row = session.scalars(select(RunResult).order_by(RunResult.row_no)).first()
        assert row is not None
        row.row = {**row.row, "score": 99.0}
        uscc = row.row["uscc"]
        session.commit()
    broken = runner.invoke(app, ["run", "verify", "2024-v1"])
    assert broken.exit_code == 1
    text = " ".join(broken.output.split())
    assert "run 2024-v1 does not verify: snapshot ok, policy ok" in text
    assert f"row 0 ({uscc}): score stored 99.0 recomputed" in text
