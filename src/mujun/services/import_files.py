"""Reading and validating a department's file before anything touches the store.

The cells are checked by the same functions as the engine's input (``mujun.io.enterprises``:
credit code, types, repeated codes, negative values) plus the store's rules: only the department's
own columns are taken (another department's column is reported and ignored), money is read in 元 or
万元 as its header says, text must fit its column. A workbook may hold a figures sheet and an
incidents sheet (``事件``); a CSV holds one or the other. Nothing here raises on a bad file: every
problem is a :class:`~mujun.io.problems.Problem`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from mujun.engine import uscc as uscc_check
from mujun.engine.fields import FIELD_BY_KEY, INCIDENT_CODE_BY_LABEL, INCIDENT_CODES, FieldType
from mujun.io.enterprises import validate_raw
from mujun.io.headers import ENTERPRISE_HEADERS, INCIDENT_HEADERS, normalize_header
from mujun.io.parsing import parse_date, parse_text, parse_year
from mujun.io.problems import FileProblemError, InputError, Problem
from mujun.io.readers import RawTable, read_raw
from mujun.io.workbook_limits import check_workbook
from mujun.services.departments import FIELD_OWNER, Department

#: the instructions sheet of a template; never read as data
INSTRUCTIONS_SHEET = "说明"
INCIDENTS_SHEET = "事件"
#: the longest text each text field may hold (the store's column sizes)
TEXT_LIMITS = {"name": 200, "town": 64, "industry_code": 8}
NOTE_LIMIT = 500
YUAN_PER_WAN = 10000.0


@dataclass(frozen=True)
class FigureSheet:
    """The department's columns, typed, one row per kept file row."""

    frame: pl.DataFrame  # uscc, line, and one column per field (canonical units)
    fields: tuple[str, ...]


@dataclass(frozen=True)
class IncidentSheet:
    frame: pl.DataFrame  # uscc, line, year, type, date, note — only the department's, of the year


@dataclass
class DepartmentFile:
    file: str
    sha256: str
    rows: int = 0
    figures: FigureSheet | None = None
    incidents: IncidentSheet | None = None
    problems: list[Problem] = dataclasses.field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def money_headers(dept: Department) -> dict[str, tuple[str, float | None]]:
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


def read_department_file(path: str | Path, dept: Department, year: int) -> DepartmentFile:
    """Read every data sheet of the file and validate it for ``dept`` and ``year``."""
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
        _read_table(raw, dept, year, out)
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


def _read_table(raw: RawTable, dept: Department, year: int, out: DepartmentFile) -> None:
    if any(INCIDENT_HEADERS.get(normalize_header(h)) == "type" for h in raw.headers):
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
        out.figures = _figures(raw, dept, out.problems)
    out.rows += len(raw)


def _figures(raw: RawTable, dept: Department, problems: list[Problem]) -> FigureSheet | None:
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
            owner = FIELD_OWNER.get(key, "")
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


def _each(
    raw: RawTable, where: pl.Series, cells: pl.Series, header: str, reason: str
) -> list[Problem]:
    """An error for each row where ``where`` holds, with the cell as found."""
    return [Problem(raw.file, ln, header, v, reason)
            for ln, v in zip(raw.lines.filter(where).to_list(), cells.filter(where).to_list(),
                             strict=True)]


def _incidents(
    raw: RawTable, dept: Department, year: int, problems: list[Problem]
) -> IncidentSheet:
    positions: dict[str, int] = {}
    for pos, header in enumerate(raw.headers):
        key = INCIDENT_HEADERS.get(normalize_header(header))
        if key is not None and key not in positions:
            positions[key] = pos
        elif header.strip():
            problems.append(Problem(raw.file, raw.header_line, header, None,
                                    "未知的列，已忽略 (unknown column, ignored)", "warning"))
    n = len(raw)
    empty = pl.Series([None] * n, dtype=pl.String)

    def cells_of(key: str) -> pl.Series:
        return raw.column(positions[key]) if key in positions else empty

    def header_of(key: str) -> str:
        return raw.headers[positions[key]] if key in positions else key

    if "uscc" not in positions:
        problems.append(Problem(raw.file, raw.header_line, None, None,
                                "缺少必需的列 统一社会信用代码 (required column uscc missing)"))
        return IncidentSheet(pl.DataFrame())
    codes = cells_of("uscc").str.strip_chars().str.to_uppercase().fill_null("")
    invalid = pl.Series(~uscc_check.valid_mask(codes.to_list()))
    problems += [
        Problem(raw.file, ln, header_of("uscc"), v,
                f"{uscc_check.problem(code) or '统一社会信用代码为空'} (invalid credit code)")
        for ln, v, code in zip(raw.lines.filter(invalid).to_list(),
                               cells_of("uscc").filter(invalid).to_list(),
                               codes.filter(invalid).to_list(), strict=True)
    ]
    bad = invalid.to_numpy().copy()
    type_text = parse_text(cells_of("type"))
    types = type_text.replace_strict(INCIDENT_CODE_BY_LABEL, default=type_text,
                                     return_dtype=pl.String)
    unknown = (~types.is_in(list(INCIDENT_CODES))).fill_null(True)
    problems += _each(raw, unknown, cells_of("type"), header_of("type"),
                      "未知的事件类型 (unknown incident type)")
    bad |= unknown.to_numpy()
    dates = parse_date(cells_of("date"))
    problems += _each(raw, dates.bad, cells_of("date"), header_of("date"), "不是日期 (not a date)")
    bad |= dates.bad.to_numpy()
    years = parse_year(cells_of("year"))
    problems += _each(raw, years.bad, cells_of("year"), header_of("year"), "不是年份 (not a year)")
    bad |= years.bad.to_numpy()
    year_values = years.values.fill_null(dates.values.dt.year().cast(pl.Int64))
    no_year = year_values.is_null() & ~years.bad & ~dates.bad
    for ln in raw.lines.filter(no_year).to_list():
        problems.append(Problem(raw.file, ln, header_of("year"), None,
                                "缺少年度，日期也为空 (no year and no date)"))
    bad |= no_year.to_numpy()
    notes = parse_text(cells_of("note"))
    problems += _check_text(pl.DataFrame({"line": raw.lines}), notes, raw.file, header_of("note"),
                            NOTE_LIMIT)
    frame = pl.DataFrame({
        "uscc": codes, "line": raw.lines, "year": year_values, "type": types,
        "date": dates.values, "note": notes,
    }).filter(pl.Series(~bad))
    other_year = frame.get_column("year") != year
    other_dept = ~frame.get_column("type").is_in(list(dept.incident_types))
    skipped = frame.filter(other_year | other_dept)
    if skipped.height:
        problems.append(Problem(
            raw.file, None, header_of("type"), None,
            f"{skipped.height} 条事件不属于本部门或 {year} 年度，已忽略 "
            f"({skipped.height} incidents of another department or year, ignored)", "warning",
        ))
    return IncidentSheet(frame.filter(~other_year & ~other_dept))
