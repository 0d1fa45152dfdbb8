"""三服务2.0 requests as a file (``service_requests.csv``, docs/demo-data.md): one row per request,
its state as of the file's date.

``request_id, uscc, submitted, category, summary, department, due, status, closed,
satisfaction``; ``category_zh`` and ``status_zh`` are the labels, read past. The category decides
the responsible department (engine/programmes/service_requests.py); ``department`` is the name the
file gives it, kept as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mujun.engine.programmes.service_requests import (
    CATEGORIES,
    RATING_MAX,
    RATING_MIN,
    STATUSES,
)
from mujun.io.problems import Problem, sort_problems
from mujun.io.records import Column, FileRecords, Record, read_records

REQUEST_COLUMNS = (
    Column("request_id", "诉求编号", required=True, unique=True),
    Column("uscc", "统一社会信用代码", "uscc", required=True),
    Column("submitted", "提交日期", "date", required=True),
    Column("category", "类别", required=True, choices={c: c for c in CATEGORIES}),
    Column("category_zh", "类别名称"),
    Column("summary", "诉求内容", required=True),
    Column("department", "责任部门"),
    Column("due", "办理期限", "date", required=True),
    Column("status", "状态", required=True, choices={s: s for s in STATUSES}),
    Column("status_zh", "状态名称"),
    Column("closed", "办结日期", "date"),
    Column("satisfaction", "满意度", "int"),
)


@dataclass(frozen=True)
class RequestRecord:
    line: int
    request_id: str
    uscc: str
    submitted: date
    category: str
    summary: str
    department_name: str | None
    due: date
    status: str
    closed: date | None
    satisfaction: int | None


RequestInput = FileRecords[RequestRecord]


def _row_problems(file: str, r: Record, labels: dict[str, str]) -> list[Problem]:
    v = r.values

    def problem(key: str, reason: str) -> Problem:
        value = v.get(key)
        return Problem(file, r.line, labels.get(key, key), None if value is None else str(value),
                       reason)

    found = []
    if v["due"] < v["submitted"]:
        found.append(problem("due", "办理期限早于提交日期 (due before submitted)"))
    if (v["status"] == "closed") != (v["closed"] is not None):
        found.append(problem("closed", "办结的诉求须有办结日期，未办结的不能有 "
                                       "(a closed date belongs to closed requests only)"))
    elif v["closed"] is not None and v["closed"] < v["submitted"]:
        found.append(problem("closed", "办结日期早于提交日期 (closed before submitted)"))
    if v["satisfaction"] is not None:
        if v["status"] != "closed":
            found.append(problem("satisfaction", "未办结的诉求不能有满意度 "
                                                 "(only closed requests are rated)"))
        elif not RATING_MIN <= v["satisfaction"] <= RATING_MAX:
            found.append(problem("satisfaction", f"满意度须为 {RATING_MIN} 到 {RATING_MAX} 分 "
                                                 "(a rating is 1 to 10)"))
    return found


def read_service_requests(path: str | Path) -> RequestInput:
    """Read the requests; :class:`~mujun.io.problems.InputError` when the file is unusable."""
    checked = read_records(path, REQUEST_COLUMNS)
    labels = dict(checked.labels)
    problems = list(checked.problems)
    records = []
    for r in checked.records:
        found = _row_problems(checked.file, r, labels)
        problems += found
        if found:
            continue
        v = r.values
        records.append(RequestRecord(
            r.line, v["request_id"], v["uscc"], v["submitted"], v["category"], v["summary"],
            v["department"], v["due"], v["status"], v["closed"], v["satisfaction"]))
    return RequestInput(checked.file, records, sort_problems(problems), checked.rows_read)
