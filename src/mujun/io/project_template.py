"""The import template of the investment projects (发改/商务), read back by ``io/projects.py``.

Sheet ``项目`` with the Chinese headers of ``PROJECT_COLUMNS`` (a dropdown of the stages, date and
number checks) and an instructions sheet ``说明``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mujun.engine.projects.stages import STAGE_NAMES
from mujun.io.cells import new_workbook
from mujun.io.projects import PROJECT_COLUMNS
from mujun.io.templates import FIGURES_HEADER, INSTRUCTIONS_SHEET, VALIDATED_ROWS, header_format

PROJECTS_SHEET = "项目"
_RULES = (
    ("填写方式", f"每个项目一行，填在「{PROJECTS_SHEET}」表；表头不要改动。项目编号在全县唯一，"
                 "再次导入同一编号即更新该项目。"),
    ("阶段", "洽谈 → 签约 → 供地 → 开工 → 竣工 → 投产 → 达产，填中文名称或英文代码。"
             "导入只能使项目向前推进；阶段倒退须在项目页面填写原因。"),
    ("阶段日期", "各阶段的进入日期；尚未到达的阶段不填；日期须按阶段先后不倒退。"
                 "项目在某阶段停留超过评价办法规定的天数即为滞后。"),
    ("金额", "计划投资、实际投资以万元为单位。"),
    ("空白", "空白单元格表示本次不填报：库中已有的值保持不变。"),
    ("整体导入", "系统先校验整个文件，有任何错误则整份文件不导入，并生成错误报告"
                 "（行、列、值、原因）；同一文件重复导入不会改变任何数据。"),
)


def write_project_template(path: str | Path) -> Path:
    path = Path(path)
    book = new_workbook(path)
    head = header_format(book, FIGURES_HEADER)
    fmt_text = book.add_format({"num_format": "@"})
    fmt_date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet(PROJECTS_SHEET)
    columns = [c for c in PROJECT_COLUMNS if c.key != "stage_zh"]
    for col, column in enumerate(columns):
        sheet.write(0, col, column.header_zh, head)
        if column.kind == "date":
            sheet.set_column(col, col, 14, fmt_date)
            sheet.data_validation(1, col, VALIDATED_ROWS, col, {
                "validate": "date", "criteria": ">=", "value": date(1990, 1, 1),
                "input_message": "日期，如 2021-03-05"})
        elif column.kind == "number":
            sheet.set_column(col, col, 16)
            sheet.data_validation(1, col, VALIDATED_ROWS, col, {
                "validate": "decimal", "criteria": ">=", "value": 0,
                "input_message": "单位：万元，不可为负数"})
        elif column.key == "stage":
            sheet.set_column(col, col, 10)
            sheet.data_validation(1, col, VALIDATED_ROWS, col, {
                "validate": "list", "source": list(STAGE_NAMES.values()),
                "error_message": "请从下拉列表选择阶段"})
        else:
            sheet.set_column(col, col, 36 if column.key == "name" else 20, fmt_text)
    sheet.set_row(0, 32)
    sheet.freeze_panes(1, 2)
    notes = book.add_worksheet(INSTRUCTIONS_SHEET)
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    notes.set_column(0, 0, 24)
    notes.set_column(1, 1, 90, wrap)
    notes.write(0, 0, "发改/商务 · 招商/重大项目填报说明", book.add_format({"bold": True,
                                                                   "font_size": 14}))
    row = 2
    for name, text in _RULES:
        notes.write(row, 0, name, bold)
        notes.write(row, 1, text)
        row += 1
    row += 1
    notes.write(row, 0, "列", bold)
    notes.write(row, 1, "键", bold)
    for column in columns:
        row += 1
        notes.write(row, 0, column.header_zh)
        notes.write(row, 1, column.key + ("（必填）" if column.required else ""))
    book.close()
    return path
