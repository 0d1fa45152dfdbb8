"""The error report of a rejected import: an .xlsx a clerk reads, fixes the file and re-submits."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mujun.io.cells import new_workbook
from mujun.io.number_formats import Kind
from mujun.io.problems import Problem

COLUMNS = (("文件/工作表", 28), ("行", 8), ("列", 24), ("值", 24), ("原因", 70), ("级别", 8))


def write_error_report(path: str | Path, problems: Sequence[Problem], *, title: str = "") -> Path:
    """Errors first (by line), then warnings; one row per problem."""
    path = Path(path)
    book = new_workbook(path)
    sheet = book.add_worksheet("错误报告")
    head = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    error = book.add_format({"font_color": "#C00000", "text_wrap": True, "valign": "top"})
    warning = book.add_format({"font_color": "#7F6000", "text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": Kind.CODE.excel_format, "valign": "top"})
    line = book.add_format({"num_format": "0", "valign": "top"})  # a line number, no separator
    row = 0
    if title:
        sheet.write(0, 0, title, book.add_format({"bold": True, "font_size": 13}))
        row = 2
    n_errors = sum(1 for p in problems if p.is_error)
    sheet.write(row, 0, f"错误 {n_errors} 处，提示 {len(problems) - n_errors} 处。"
                        "有错误时整份文件未导入；请按下表改正后重新提交。")
    row += 1
    for col, (name, width) in enumerate(COLUMNS):
        sheet.write(row, col, name, head)
        sheet.set_column(col, col, width)
    header_row = row
    ordered = sorted(problems, key=lambda p: (not p.is_error, p.file,
                                              -1 if p.line is None else p.line))
    for p in ordered:
        row += 1
        style = error if p.is_error else warning
        sheet.write_string(row, 0, p.file, text)
        if p.line is not None:
            sheet.write_number(row, 1, p.line, line)
        sheet.write_string(row, 2, p.column or "", text)
        sheet.write_string(row, 3, "" if p.value is None else str(p.value), text)
        sheet.write_string(row, 4, p.reason, style)
        sheet.write_string(row, 5, "错误" if p.is_error else "提示", style)
    sheet.autofilter(header_row, 0, max(row, header_row), len(COLUMNS) - 1)
    sheet.freeze_panes(header_row + 1, 0)
    book.close()
    return path
