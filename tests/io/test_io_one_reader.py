"""One reader per kind of file: the golden files get the same verdict from ``mujun evaluate``'s
readers (``read_incidents``, ``read_enterprises``) and from the store's department imports
(``read_department_file``), which call the same validation."""

from __future__ import annotations

import pytest
from io_helpers import as_tuples, golden

from mujun.io import InputError, read_enterprises, read_incidents
from mujun.io.departments import money_headers, read_department_file
from mujun.io.headers import normalize_header
from mujun.io.problems import Problem
from mujun.services.departments import DEPARTMENTS, FIELD_OWNER

INCIDENT_FILES = ["incidents.csv", "incidents_mixed_case_bad_date.csv", "incidents_no_type.csv",
                  "incidents_header_only.csv", "incidents_dates_only.csv"]
WITH_INCIDENTS = [d for d in DEPARTMENTS.values() if d.incident_types]


def _skipped(reason: str) -> bool:
    return "incidents of another department or year, ignored" in reason


@pytest.mark.parametrize("name", INCIDENT_FILES)
@pytest.mark.parametrize("year", [2022, 2023, 2025])
def test_incident_files_get_one_verdict(name: str, year: int) -> None:
    path = golden(name)
    try:
        evaluated = read_incidents(path)
    except InputError as exc:
        for dept in WITH_INCIDENTS:
            imported = read_department_file(path, dept, year, FIELD_OWNER)
            assert as_tuples(imported.problems) == as_tuples([exc.problem])
        return
    rows = [(r["uscc"], r["year"], r["type"], line)
            for r, line in zip(evaluated.table.to_pylist(), evaluated.lines, strict=True)]
    for dept in WITH_INCIDENTS:
        imported = read_department_file(path, dept, year, FIELD_OWNER)
        assert as_tuples([p for p in imported.problems if not _skipped(p.reason)]) == \
            as_tuples(evaluated.problems)
        assert imported.incidents is not None
        kept = imported.incidents.frame.select("uscc", "year", "type", "line").rows()
        assert kept == [r for r in rows if r[1] == year and r[2] in dept.incident_types]


def test_mixed_case_type_and_bad_date_keep_both_rows_in_both_paths() -> None:
    """Defect: the import rejected both rows of this file while ``mujun evaluate`` kept them."""
    path = golden("incidents_mixed_case_bad_date.csv")
    evaluated = read_incidents(path)
    assert evaluated.table.column("type").to_pylist() == ["safety_general", "safety_general"]
    assert [p.severity for p in evaluated.problems] == ["warning"]
    imported = read_department_file(path, DEPARTMENTS["safety"], 2025, FIELD_OWNER)
    assert not imported.errors
    assert imported.incidents is not None
    assert imported.incidents.frame.select("type", "date").rows() == [
        ("safety_general", None), ("safety_general", __import__("datetime").date(2025, 2, 3))]


@pytest.mark.parametrize("name", ["bad_cells.csv", "chinese_headers.csv", "english_keys_bom.csv",
                                  "title_row.xlsx", "empty.csv", "not_a_table.csv"])
def test_figure_files_get_one_verdict_on_the_departments_columns(name: str) -> None:
    """Each cell of a department's own columns is judged as ``mujun evaluate`` judges it."""
    path = golden(name)
    try:
        evaluated = read_enterprises(path).problems
    except InputError as exc:
        evaluated = [exc.problem]
    for dept in DEPARTMENTS.values():
        if not dept.fields:
            continue
        imported = read_department_file(path, dept, 2023, FIELD_OWNER)
        index = money_headers(dept)
        # the cells of the department's columns and the credit codes: the same problems
        assert as_tuples(_cell_problems(imported.problems, index)) == \
            as_tuples(_cell_problems(evaluated, index)), dept.code


def _cell_problems(problems: list[Problem], index: dict[str, object]) -> list[Problem]:
    """File-level problems and those of cells in the indexed columns (not of the header row)."""
    header_lines = {p.line for p in problems if p.column and p.value is None and "列" in p.reason}
    return [p for p in problems if p.line is None or (
        p.line not in header_lines and normalize_header(p.column) in index)]
