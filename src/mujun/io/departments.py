"""Reading and validating a department's file (docs/input-files.md, docs/store.md).

The cells are checked by the same functions as the engine's input — ``mujun.io.enterprises`` for the
figures (credit code, types, repeated codes, negative values) and ``mujun.io.incidents`` for the
incidents, so a file gets the same verdict from ``mujun evaluate`` and from ``mujun import`` — plus
the store's rules: only the department's own columns are taken (another department's column is
reported and ignored), money is read in 元 or 万元 as its header says, text must fit its column.

A department file speaks only for the cells it fills: an empty cell is "not given" (null in the
figures frame, whatever the evaluation would read it as), never "delete". A workbook may hold a
figures sheet and an incidents sheet (``事件``); a CSV holds one or the other. Nothing here raises
on a bad file: every problem is a :class:`~mujun.io.problems.Problem`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import fastexcel
import polars as pl

from mujun.engine.fields import FIELD_BY_KEY, FieldType
from mujun.io.enterprises import validate_raw
from mujun.io.headers import ENTERPRISE_HEADERS, INCIDENT_HEADERS, normalize_header
from mujun.io.incidents import validate_incidents
from mujun.io.parsing import filled_expr
from mujun.io.problems import FileProblemError, HasProblems, InputError, Problem
from mujun.io.readers import RawTable, read_raw
from mujun.io.workbook_limits import check_workbook

#: the instructions sheet of a template; never read as data
INSTRUCTIONS_SHEET = "说明"
INCIDENTS_SHEET = "事件"
#: the longest text each text field may hold (the store's column sizes)
TEXT_LIMITS = {"name": 200, "town": 64, "industry_code": 8}
NOTE_LIMIT = 500
YUAN_PER_WAN = 10000.0
#: the incidents of a department file: one row per kept incident, in file order
INCIDENT_FRAME = {"uscc": pl.String, "line": pl.Int64, "year": pl.Int64, "type": pl.String,
                  "date": pl.Date, "note": pl.String}


class DepartmentColumns(Protocol):
    """What the reader needs of a department (``mujun.services.departments.Department``)."""

    @property
    def fields(self) -> tuple[str, ...]: ...

    @property
    def incident_types(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class FigureSheet:
    """The department's columns, typed, one row per kept file row."""

    frame: pl.DataFrame  # uscc, line, and one column per field (canonical units; null = not given)
    fields: tuple[str, ...]


@dataclass(frozen=True)
class IncidentSheet:
    frame: pl.DataFrame  # uscc, line, year, type, date, note — only the department's, of the year


@dataclass
class DepartmentFile(HasProblems):
    file: str
    sha256: str
    rows: int = 0
    figures: FigureSheet | None = None
    incidents: IncidentSheet | None = None
    problems: list[Problem] = dataclasses.field(default_factory=list)


def money_headers(dept: DepartmentColumns) -> dict[str, tuple[str, float | None]]:
    """Normalized header → (field, divisor to 万元; None = the unit is missing) for ``dept``."""
    index: dict[str, tuple[str, float | None]] = {}
    for key in ("uscc", "name", *dept.fields):
        field = FIELD_BY_KEY[key]
        index[normalize_header(key)] = (key, 1.0)
        index[normalize_header(field.header_zh)] = (key, 1.0)
        if field.unit == "万元":
            base = field.header_zh.removesuffix("(万元)")
            index[normalize_header(f"{base}(元)")] = (key, YUAN_PER_WAN)
            index[normalize_header(base)] = (key, None)
    return index


def read_department_file(
    path: str | Path, dept: DepartmentColumns, year: int, owners: Mapping[str, str] | None = None
) -> DepartmentFile:
    """Read every data sheet of the file and validate it for ``dept`` and ``year``.

    ``owners`` (field → department code) names the owner of another department's column in the
    warning that it is ignored.
    """
    file = str(path)
    try:
        head = Path(path).read_bytes()
    except OSError as exc:
        return _fatal(file, "", f"无法读取文件 (cannot read the file: {exc.strerror})")
    out = DepartmentFile(file, hashlib.sha256(head).hexdigest())
    try:
        check_workbook(head, file)  # before the sheet names are read: a zip bomb stops here
    except InputError as exc:
        out.problems.append(exc.problem)
        return out
    for number, sheet in enumerate(_data_sheets(head)):
        try:
            raw = read_raw(path, sheet=sheet) if sheet is not None else read_raw(path)
        except FileProblemError as exc:
            if number == 0:  # a later sheet without a table (an empty "Sheet2") is no problem
                out.problems.append(exc.problem)
            continue
        except Exception as exc:  # a reader bug must not become a traceback or a partial import
            out.problems.append(Problem(file, None, None, None,
                                        f"无法读取文件 (cannot read the file: {exc!r})"))
            continue
        if isinstance(sheet, str):
            raw = dataclasses.replace(raw, file=f"{raw.file} [{sheet}]")
        _read_table(raw, dept, year, out, owners or {})
    nothing = (out.figures is None or not out.figures.fields) and out.incidents is None
    if nothing and not out.errors:
        out.problems.append(Problem(file, None, None, None,
                                    "文件中没有本部门的数据列 (no column of this department)"))
    return out


def _fatal(file: str, sha: str, reason: str) -> DepartmentFile:
    return DepartmentFile(file, sha, problems=[Problem(file, None, None, None, reason)])


def _data_sheets(data: bytes) -> list[int | str | None]:
    """The sheets to read: every sheet of a workbook but the instructions; None for other files."""
    if not data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return [None]
    try:
        names = fastexcel.read_excel(data).sheet_names
    except Exception:
        return [None]  # read_raw reports the broken workbook
    sheets: list[int | str | None] = [n for n in names if n.strip() != INSTRUCTIONS_SHEET]
    return sheets or [None]


def _read_table(raw: RawTable, dept: DepartmentColumns, year: int, out: DepartmentFile,
                owners: Mapping[str, str]) -> None:
    # a column only incidents have (year, type, date, note) makes it the incidents table, so a
    # table the incidents reader rejects gets the same verdict here
    if any(INCIDENT_HEADERS.get(normalize_header(h), "uscc") != "uscc" for h in raw.headers):
        if out.incidents is not None:
            out.problems.append(Problem(raw.file, raw.header_line, None, None,
                                        "事件表重复，已忽略 (a second incidents table, ignored)",
                                        "warning"))
            return
        out.incidents = _incidents(raw, dept, year, out.problems)
    else:
        if out.figures is not None:
            out.problems.append(Problem(raw.file, raw.header_line, None, None,
                                        "数据表重复，已忽略 (a second figures table, ignored)",
                                        "warning"))
            return
        out.figures = _figures(raw, dept, out.problems, owners)
    out.rows += len(raw)


def _figures(raw: RawTable, dept: DepartmentColumns, problems: list[Problem],
             owners: Mapping[str, str]) -> FigureSheet | None:
    index = money_headers(dept)
    positions: dict[str, int] = {}
    divisors: dict[str, float] = {}
    for pos, header in enumerate(raw.headers):
        norm = normalize_header(header)
        label = header or f"#{pos + 1}"
        if norm in index:
            key, divisor = index[norm]
            if divisor is None:
                problems.append(Problem(raw.file, raw.header_line, label, None,
                                        "金额列的表头须注明单位 (元) 或 (万元) "
                                        "(the header must state the unit, 元 or 万元)"))
            elif key in positions:
                problems.append(Problem(raw.file, raw.header_line, label, None,
                                        "列重复 (column given twice)"))
            else:
                positions[key], divisors[key] = pos, divisor
        elif norm in ENTERPRISE_HEADERS or _base_of_yuan(norm) in ENTERPRISE_HEADERS:
            key = ENTERPRISE_HEADERS.get(norm) or ENTERPRISE_HEADERS[_base_of_yuan(norm)]
            owner = owners.get(key, "")
            problems.append(Problem(raw.file, raw.header_line, label, None,
                                    f"此列由 {owner} 部门填报，已忽略 "
                                    f"(a column of the {owner} department, ignored)", "warning"))
        elif header.strip():
            problems.append(Problem(raw.file, raw.header_line, label, None,
                                    "未知的列，已忽略 (unknown column, ignored)", "warning"))
    if "uscc" not in positions:
        problems.append(Problem(raw.file, raw.header_line, None, None,
                                "缺少必需的列 统一社会信用代码 (required column uscc missing)"))
        return None
    fields = tuple(k for k in dept.fields if k in positions) + (
        ("name",) if "name" in positions and "name" not in dept.fields else ()
    )
    # the engine's own input validation (types, credit codes, repeats, negatives), in one place
    checked = validate_raw(raw, positions, strict=True)
    problems += checked.problems
    frame = pl.from_arrow(checked.table.select(["uscc", *fields]))
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_columns(line=pl.Series(checked.lines, dtype=pl.Int64))
    # an empty cell is "not given": null, even where the evaluation reads it as "no" or 0
    kept = raw.lines.is_in(checked.lines)
    filled = raw.cells.filter(kept).select(
        filled_expr(pl.col(f"c{positions[k]}")).alias(k) for k in fields)
    frame = frame.with_columns(pl.when(filled.get_column(k)).then(pl.col(k)).alias(k)
                               for k in fields)
    for key, divisor in divisors.items():
        if divisor != 1.0 and key in fields:
            frame = frame.with_columns(pl.col(key) / divisor)
    for key in fields:
        if FIELD_BY_KEY[key].type is FieldType.STR:
            column = frame.get_column(key)
            problems += _check_text(frame, column, raw.file, raw.headers[positions[key]],
                                    TEXT_LIMITS.get(key, 255))
    return FigureSheet(frame, fields)


def _base_of_yuan(norm: str) -> str:
    return norm.removesuffix("(元)") + "(万元)" if norm.endswith("(元)") else ""


def _check_text(
    frame: pl.DataFrame, values: pl.Series, file: str, header: str, limit: int
) -> list[Problem]:
    """Text must fit its column and hold no NUL (PostgreSQL refuses it)."""
    too_long = (values.str.len_chars() > limit).fill_null(False)
    nul = values.str.contains("\x00", literal=True).fill_null(False) & ~too_long
    lines = frame.get_column("line")
    found = [Problem(file, ln, header, v, f"文字过长，最多 {limit} 字 (longer than {limit})")
             for ln, v in zip(lines.filter(too_long).to_list(), values.filter(too_long).to_list(),
                              strict=True)]
    found += [Problem(file, ln, header, None, "含有控制字符 NUL (contains a NUL character)")
              for ln in lines.filter(nul).to_list()]
    return found


def _incidents(
    raw: RawTable, dept: DepartmentColumns, year: int, problems: list[Problem]
) -> IncidentSheet:
    """The incidents reader of the evaluation (one verdict per file), then the department's own."""
    try:
        found = validate_incidents(raw)
    except InputError as exc:
        problems.append(exc.problem)
        return IncidentSheet(pl.DataFrame(schema=INCIDENT_FRAME))
    problems += found.problems
    table = pl.from_arrow(found.table)
    assert isinstance(table, pl.DataFrame)
    frame = pl.concat([
        table.with_columns(line=pl.Series(found.lines, dtype=pl.Int64)), found.details,
    ], how="horizontal").select(list(INCIDENT_FRAME)).cast(INCIDENT_FRAME)  # type: ignore[arg-type]
    note_column = next((h for h in raw.headers if INCIDENT_HEADERS.get(normalize_header(h))
                        == "note"), "note")
    problems += _check_text(frame, frame.get_column("note"), raw.file, note_column, NOTE_LIMIT)
    other_year = frame.get_column("year") != year
    other_dept = ~frame.get_column("type").is_in(list(dept.incident_types))
    skipped = frame.filter(other_year | other_dept)
    if skipped.height:
        problems.append(Problem(
            raw.file, None, None, None,
            f"{skipped.height} 条事件不属于本部门或 {year} 年度，已忽略 "
            f"({skipped.height} incidents of another department or year, ignored)", "warning",
        ))
    return IncidentSheet(frame.filter(~other_year & ~other_dept))
