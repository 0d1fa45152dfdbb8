"""A formula cell without its saved result (a workbook written by a script, never opened in Excel)
is an error naming sheet, row and column; it never reads as empty and erases a stored value."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import openpyxl
import xlsxwriter
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tests.web.county import CODES, T0

from mujun.io import read_enterprises
from mujun.io.readers import read_raw
from mujun.services.imports import import_file
from mujun.store.models import Base, User

GOLDEN = Path(__file__).parents[1] / "io" / "golden"


def reason(ref: str) -> str:
    return (f"公式单元格没有保存的计算结果（工作表 税务，单元格 {ref}），请在 Excel 中打开并保存后"
            "再导入 (a formula cell without its saved result: open and save the file in Excel, "
            "then import it again)")


def test_golden_uncomputed_formulas_are_errors_and_their_rows_left_out() -> None:
    result = read_enterprises(GOLDEN / "uncomputed_formula.xlsx")
    assert [(p.severity, p.line, p.column, p.value, p.reason) for p in result.errors] == [
        ("error", 3, "实缴税收(万元) (D)", None, reason("D3")),
        ("error", 5, "实缴税收(万元) (D)", None, reason("D5")),
    ]
    assert result.table.column("uscc").to_pylist() == ["91331124MA2A00020R"]
    assert result.table.column("tax_paid").to_pylist() == [88.0]


def test_a_saved_result_is_read(tmp_path: Path) -> None:
    """xlsxwriter stores a result with each formula (Excel does too): nothing to report."""
    path = tmp_path / "saved.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("税务")
    sheet.write_row(0, 0, ["统一社会信用代码", "企业名称", "实缴税收(万元)"])
    sheet.write_row(1, 0, [CODES[0], "甲"])
    sheet.write_formula(1, 2, "=1+2", None, 3)
    book.close()
    raw = read_raw(path)
    assert raw.problems == ()
    assert raw.column(2).to_list()[0] == "3"


def test_department_import_with_uncomputed_formula_is_refused(county_engine: Engine,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "tax-2021.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "税务"
    sheet.append(["统一社会信用代码", "企业名称", "实缴税收(万元)", "城镇土地使用税应纳额(万元)"])
    sheet.append([CODES[0], "甲", "=40*2", 3.0])
    sheet.append([CODES[1], "乙", 77, 3.0])
    book.save(path)
    with Session(county_engine) as session:
        before = _figures(session)
        admin = session.scalar(select(User).where(User.username == "admin"))
        result = import_file(session=session, actor=admin, path=path, department_code="tax",
                             year=2021, now=T0 + timedelta(days=1))
        session.commit()
        assert not result.applied
        assert [(p.line, p.column) for p in result.errors] == [(2, "实缴税收(万元) (C)")]
        assert "请在 Excel 中打开并保存后再导入" in result.errors[0].reason
        assert _figures(session) == before


def _figures(session: Session) -> list[tuple[object, ...]]:
    table = Base.metadata.tables["figures"]
    rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
    return [tuple(r) for r in rows] + [(session.scalar(select(func.count()).select_from(table)),)]
