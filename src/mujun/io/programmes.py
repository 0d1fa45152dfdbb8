"""The programme files (docs/programmes.md): the talent register, the 股改上市 pipeline and the
incentive payments (奖补兑现), each a CSV or XLSX table checked cell by cell (io/records.py).

A code column takes the code or its Chinese label (``tea_master`` or 金牌茶师). The label columns
the demo files carry beside a code (``category_zh``, ``programme_zh``) are read and not kept. The
pipeline file is read from ``ipo_stage``, so the registry file (``registry.csv``) is a pipeline
file too: its rows without a stage are skipped without a problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mujun.engine.programmes.registers import IPO_STAGE_ZH, PROGRAMME_ZH, TALENT_ZH
from mujun.io.problems import Problem, sort_problems
from mujun.io.records import Column, FileRecords, read_records


def _choices(labels: Mapping[str, str]) -> dict[str, str]:
    """A code column's accepted spellings: each code and its Chinese label."""
    return {c: c for c in labels} | {zh.lower(): c for c, zh in labels.items()}


TALENT_COLUMNS = (
    Column("person_id", "人才编号", required=True, unique=True),
    Column("pseudonym", "化名", required=True),
    Column("category", "人才类别", required=True, choices=_choices(TALENT_ZH)),
    Column("year", "引进年度", "int", required=True),
    Column("uscc", "用人单位统一社会信用代码", "uscc"),
    Column("town", "乡镇街道"),
    Column("category_zh", "人才类别名称"),
)
IPO_COLUMNS = (
    Column("uscc", "统一社会信用代码", "uscc", required=True, unique=True),
    Column("ipo_stage", "股改上市阶段", choices=_choices(IPO_STAGE_ZH)),
    Column("reform_on", "股改日期", "date"),
    Column("tutoring_on", "辅导日期", "date"),
    Column("filed_on", "申报日期", "date"),
    Column("listed_on", "上市日期", "date"),
    Column("ipo_note", "股改上市备注"),
)
PAYMENT_COLUMNS = (
    Column("uscc", "统一社会信用代码", "uscc", required=True),
    Column("year", "年度", "int", required=True),
    Column("programme", "奖补项目", required=True, choices=_choices(PROGRAMME_ZH)),
    Column("amount_wan", "金额（万元）", "number", required=True, positive=True),
    Column("paid_on", "兑现日期", "date"),
    Column("note", "备注"),
    Column("programme_zh", "奖补项目名称"),
)
YEAR_RANGE = range(1990, 2101)
BAD_YEAR = "年度应在 1990–2100 之间 (year out of range)"


@dataclass(frozen=True)
class TalentRecord:
    line: int
    person_code: str
    pseudonym: str
    category: str
    year: int
    uscc: str | None
    town: str | None


@dataclass(frozen=True)
class IpoRow:
    line: int
    uscc: str
    stage: str
    #: the date each stage was reached, by stage code (None: not given)
    dates: dict[str, date | None]
    note: str | None


@dataclass(frozen=True)
class PaymentRecord:
    line: int
    uscc: str
    year: int
    programme: str
    amount_wan: float
    paid_on: date | None
    note: str | None


def _year_problems(file: str, label: str, rows: list[tuple[int, int]]) -> list[Problem]:
    return [Problem(file, line, label, str(year), BAD_YEAR) for line, year in rows
            if year not in YEAR_RANGE]


def read_talent(path: str | Path) -> FileRecords[TalentRecord]:
    checked = read_records(path, TALENT_COLUMNS)
    bad = _year_problems(checked.file, checked.labels.get("year", "year"),
                         [(r.line, r.values["year"]) for r in checked.records])
    refused = {p.line for p in bad}
    records = [TalentRecord(r.line, r.values["person_id"], r.values["pseudonym"],
                            r.values["category"], r.values["year"], r.values["uscc"],
                            r.values["town"])
               for r in checked.records if r.line not in refused]
    return FileRecords(checked.file, records, sort_problems([*checked.problems, *bad]),
                       checked.rows_read)


def read_ipo(path: str | Path) -> FileRecords[IpoRow]:
    checked = read_records(path, IPO_COLUMNS)
    records = [IpoRow(r.line, r.values["uscc"], r.values["ipo_stage"],
                      {s: r.values[f"{s}_on"] for s in IPO_STAGE_ZH}, r.values["ipo_note"])
               for r in checked.records if r.values["ipo_stage"] is not None]
    return FileRecords(checked.file, records, checked.problems, checked.rows_read)


def read_payments(path: str | Path) -> FileRecords[PaymentRecord]:
    checked = read_records(path, PAYMENT_COLUMNS)
    problems = list(checked.problems)
    problems += _year_problems(checked.file, checked.labels.get("year", "year"),
                               [(r.line, r.values["year"]) for r in checked.records])
    seen: dict[tuple[str, int, str], int] = {}
    for r in checked.records:
        key = (r.values["uscc"], r.values["year"], r.values["programme"])
        if key in seen:
            problems.append(Problem(
                checked.file, r.line, checked.labels.get("programme", "programme"),
                r.values["programme"],
                f"同一企业同一年度同一奖补项目与第 {seen[key]} 行重复 (given twice)"))
        else:
            seen[key] = r.line
    refused = {p.line for p in problems if p.is_error}
    records = [PaymentRecord(r.line, r.values["uscc"], r.values["year"], r.values["programme"],
                             float(r.values["amount_wan"]), r.values["paid_on"], r.values["note"])
               for r in checked.records if r.line not in refused]
    return FileRecords(checked.file, records, sort_problems(problems), checked.rows_read)
