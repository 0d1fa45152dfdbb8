"""The power department's (供电) template of monthly readings (.xlsx, docs/monitoring.md, "The
power file"): one sheet ``月度用电量`` with the three Chinese headers the power reader knows
(``io/power.POWER_COLUMNS``), Excel validation where it helps, and an instructions sheet
``说明``. The power import (``services/monitoring/readings``) reads exactly what this writes."""

from __future__ import annotations

from pathlib import Path

from mujun.io.cells import new_workbook
from mujun.io.power import POWER_COLUMNS
from mujun.io.templates import LAND_HEADER, VALIDATED_ROWS, header_format, write_rules_sheet

POWER_SHEET = "月度用电量"


#: the rules of the sheet 说明 (docs/monitoring.md, "The power file" and "In the store")
RULES = (
    ("填写方式", f"每家企业每个月一行，填在「{POWER_SHEET}」表；第一行表头不要改动。可一次填一个"
                 "月或多个月。也可上传同样三列的 CSV 或 Parquet 文件。"),
    ("统一社会信用代码", "必填，18 位；须已在企业库中。"),
    ("月份", "必填，如 2025-12、2025/12 或 202512；填日期（如 2025-12-31）时取其月份。"),
    ("用电量(千瓦时)", "必填，不小于 0 的数字。没有读数的月份不要填 0，整行不填即可：缺少的月份"
                       "按缺失处理，不当作停产。"),
    ("重复", "同一企业同一月份只能有一行；重复的行是错误。"),
    ("文件中没有的月份", "保持库中原值不变，不会被删除。"),
    ("整体导入", "系统先校验整个文件，有任何错误则整份文件不导入，并列出每个问题（行、列、值、"
                 "原因）；改正后重新提交即可。"),
    ("修改已有数据", "同一文件重复导入不会改变任何数据。与库中已有值不同的用电量是「修改」："
                     "系统列出每处修改（原值 → 新值），填写修改原因确认后才导入，并留下记录。"),
    ("监测", "导入后自动对新的月份进行用电监测，生成或关闭预警（用电预警）。"),
)


def write_power_template(path: str | Path) -> Path:
    path = Path(path)
    book = new_workbook(path)
    head = header_format(book, LAND_HEADER)
    text = book.add_format({"num_format": "@"})
    number = book.add_format({"num_format": "#,##0.##"})
    sheet = book.add_worksheet(POWER_SHEET)
    last = VALIDATED_ROWS
    code, month, kwh = (col for col, _ in enumerate(POWER_COLUMNS))
    for col, (_, header) in enumerate(POWER_COLUMNS):
        sheet.write(0, col, header, head)
    sheet.set_column(code, code, 22, text)
    sheet.data_validation(1, code, last, code, {
        "validate": "length", "criteria": "==", "value": 18,
        "input_title": "统一社会信用代码", "input_message": "18 位，不含 I、O、S、V、Z",
        "error_title": "统一社会信用代码", "error_message": "统一社会信用代码应为 18 位"})
    # a text cell, so that Excel does not turn 2025-12 into a date of its own choosing
    sheet.set_column(month, month, 12, text)
    sheet.data_validation(1, month, last, month, {
        "validate": "any", "input_title": "月份", "input_message": "如 2025-12"})
    sheet.set_column(kwh, kwh, 18, number)
    sheet.data_validation(1, kwh, last, kwh, {
        "validate": "decimal", "criteria": ">=", "value": 0, "error_type": "warning",
        "input_message": "单位：千瓦时，不可为负数", "error_message": "请填写数字（不小于 0）"})
    sheet.set_row(0, 32)
    sheet.freeze_panes(1, 1)
    write_rules_sheet(book, "供电 · 月度用电量填报说明", RULES, name_width=20)
    book.close()
    return path
