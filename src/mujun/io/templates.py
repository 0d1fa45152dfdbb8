"""Department import templates (.xlsx) that a clerk fills in.

One sheet ``填报`` with that department's columns only (Chinese headers with their units, the
credit code and name first), Excel data validation where it helps (yes/no lists, dates, numbers,
18-character codes), an incidents sheet ``事件`` for departments that report incidents, and an
instructions sheet ``说明``. The importer reads exactly what this writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from mujun.engine.fields import FIELD_BY_KEY, INCIDENT_TYPES, FieldType
from mujun.io.cells import new_workbook

FIGURES_SHEET = "填报"
INCIDENTS_SHEET = "事件"
INSTRUCTIONS_SHEET = "说明"
#: rows given data validation (a clerk's file rarely has more; Excel copies validation on insert)
VALIDATED_ROWS = 100_000
#: header colours: the departments' figures (blue), land and power (green)
FIGURES_HEADER, LAND_HEADER = "#DDEBF7", "#E2EFDA"


def header_format(book: xlsxwriter.Workbook, colour: str) -> xlsxwriter.format.Format:
    """The bold, bordered, centred and wrapped header cells of a template's data sheet."""
    return book.add_format({"bold": True, "bg_color": colour, "border": 1, "text_wrap": True,
                            "valign": "vcenter", "align": "center"})


def write_rules_sheet(book: xlsxwriter.Workbook, title: str,
                      rules: Sequence[tuple[str, str]], *, name_width: int = 24) -> Worksheet:
    """The instructions sheet ``说明`` of a template: its title, then one rule a row (the rule's
    name in bold, its text wrapped)."""
    sheet = book.add_worksheet(INSTRUCTIONS_SHEET)
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, name_width)
    sheet.set_column(1, 1, 90, wrap)
    sheet.write(0, 0, title, bold)
    for row, (name, text) in enumerate(rules, start=2):
        sheet.write(row, 0, name, bold)
        sheet.write(row, 1, text)
    return sheet


def _column_rules(
    sheet: Worksheet, col: int, key: str, fmt_text: object, fmt_date: object, fmt_num: object
) -> None:
    field = FIELD_BY_KEY[key]
    last = VALIDATED_ROWS
    if key == "uscc":
        sheet.set_column(col, col, 22, fmt_text)
        sheet.data_validation(1, col, last, col, {
            "validate": "length", "criteria": "==", "value": 18,
            "input_title": "统一社会信用代码", "input_message": "18 位，不含 I、O、S、V、Z",
            "error_title": "统一社会信用代码", "error_message": "统一社会信用代码应为 18 位",
        })
    elif field.type is FieldType.BOOL:
        sheet.set_column(col, col, 12)
        sheet.data_validation(1, col, last, col, {
            "validate": "list", "source": ["是", "否"],
            "input_message": "填 是 或 否；空白表示不填报",
        })
    elif field.type is FieldType.DATE:
        sheet.set_column(col, col, 14, fmt_date)
        sheet.data_validation(1, col, last, col, {
            "validate": "date", "criteria": ">=", "value": date(1950, 1, 1),
            "input_message": "日期，如 2021-03-05", "error_message": "请填写日期，如 2021-03-05",
        })
    elif field.type is FieldType.NUMBER:
        sheet.set_column(col, col, max(14, len(field.header_zh) * 2), fmt_num)
        rule: dict[str, object] = {
            "validate": "decimal", "criteria": ">=" if field.non_negative else "between",
            "error_type": "warning",
            "input_message": f"单位：{field.unit}" + ("，不可为负数" if field.non_negative else ""),
            "error_message": "请填写数字" + ("（不小于 0）" if field.non_negative else ""),
        }
        if field.non_negative:
            rule["value"] = 0
        else:
            rule["minimum"], rule["maximum"] = -1e15, 1e15
        sheet.data_validation(1, col, last, col, rule)
    else:
        sheet.set_column(col, col, 30 if key == "name" else 14, fmt_text)


def write_template(
    path: str | Path,
    *,
    department_zh: str,
    fields: Sequence[str],
    incident_types: Sequence[str] = (),
    year: int | None = None,
    instructions: Sequence[str] = (),
) -> Path:
    """Write the template; ``fields`` are canonical keys (``uscc`` and ``name`` come first)."""
    path = Path(path)
    book = new_workbook(path)
    head = header_format(book, FIGURES_HEADER)
    fmt_text = book.add_format({"num_format": "@"})
    fmt_date = book.add_format({"num_format": "yyyy-mm-dd"})
    fmt_num = book.add_format({"num_format": "General"})
    columns = ["uscc", "name", *[f for f in fields if f not in ("uscc", "name")]]
    if fields:
        sheet = book.add_worksheet(FIGURES_SHEET)
        for col, key in enumerate(columns):
            sheet.write(0, col, FIELD_BY_KEY[key].header_zh, head)
            _column_rules(sheet, col, key, fmt_text, fmt_date, fmt_num)
        sheet.set_row(0, 32)
        sheet.freeze_panes(1, 1)
    if incident_types:
        _incident_sheet(book, incident_types, year, head, fmt_text, fmt_date)
    _instructions(book, department_zh, columns if fields else [], fields, incident_types, year,
                  instructions)
    book.close()
    return path


def _incident_sheet(
    book: xlsxwriter.Workbook, types: Sequence[str], year: int | None, head: object,
    fmt_text: object, fmt_date: object,
) -> None:
    sheet = book.add_worksheet(INCIDENTS_SHEET)
    labels = [t.label_zh for t in INCIDENT_TYPES if t.code in types]
    for col, (title, width, fmt) in enumerate((("统一社会信用代码", 22, fmt_text),
                                               ("年度", 8, None), ("类型", 22, None),
                                               ("日期", 14, fmt_date), ("说明", 40, None))):
        sheet.write(0, col, title, head)
        sheet.set_column(col, col, width, fmt)
    last = VALIDATED_ROWS
    sheet.data_validation(1, 0, last, 0, {"validate": "length", "criteria": "==", "value": 18,
                                          "error_message": "统一社会信用代码应为 18 位"})
    year_rule: dict[str, object] = {"validate": "integer", "criteria": "between",
                                    "minimum": 1990, "maximum": 2100}
    if year is not None:
        year_rule = {"validate": "integer", "criteria": "==", "value": year,
                     "error_message": f"本表只填 {year} 年度的事件"}
    sheet.data_validation(1, 1, last, 1, year_rule)
    sheet.data_validation(1, 2, last, 2, {"validate": "list", "source": labels,
                                          "error_message": "请从下拉列表选择事件类型"})
    sheet.data_validation(1, 3, last, 3, {"validate": "date", "criteria": ">=",
                                          "value": date(1990, 1, 1)})
    sheet.freeze_panes(1, 0)


def _instructions(
    book: xlsxwriter.Workbook, department_zh: str, columns: Sequence[str], owned: Sequence[str],
    incident_types: Sequence[str], year: int | None, extra: Sequence[str],
) -> None:
    sheet = book.add_worksheet(INSTRUCTIONS_SHEET)
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 90, wrap)
    when = f"{year} 年度" if year else "年度"
    sheet.write(0, 0, f"{department_zh} · {when}亩均评价数据填报说明", title)
    rules = [
        ("填写方式", f"每家企业一行，填在「{FIGURES_SHEET}」表；第一行表头不要改动（金额列可把"
                     "「(万元)」改为「(元)」，系统按表头单位换算）。"),
        ("统一社会信用代码", "18 位，必须通过国家标准 GB 32100-2015 校验；大小写均可。"),
        ("是/否", "填 是/否、1/0、true/false 或 Y/N。"),
        ("日期", "如 2021-03-05、2021/3/5、2021.3.5 或 20210305，也可用 Excel 日期格式。"),
        ("空白", "空白单元格表示本次不填报：库中已有的值保持不变，不会被清除。删除库中的值须"
                 "单独办理并注明原因（mujun value remove）。"),
        ("整体导入", "系统先校验整个文件，有任何错误则整份文件不导入，并生成错误报告"
                     "（行、列、值、原因）；改正后重新提交即可。"),
        ("重复提交", "同一文件重复导入不会改变任何数据。与库中已有值不同的数值是「修改」："
                     "系统列出每处修改（原值 → 新值），确认并填写修改原因后才导入，"
                     "修改连同原因留下记录。"),
        ("部门范围", "只导入本部门负责的列；其他部门的列会被忽略。"),
    ]
    if incident_types:
        rules.append(("事件", f"在「{INCIDENTS_SHEET}」表逐条填写本部门{when}的事件；"
                              "导入只新增库中尚无的事件，不删除任何事件（空表不影响已有事件）；"
                              "撤销事件须单独办理并注明原因（mujun incident withdraw）。"))
    rules += [("说明", line) for line in extra]
    row = 2
    for name, text in rules:
        sheet.write(row, 0, name, bold)
        sheet.write(row, 1, text)
        row += 1
    if columns:
        row += 1
        sheet.write(row, 0, "列", bold)
        sheet.write(row, 1, "含义与单位", bold)
        for key in columns:
            row += 1
            field = FIELD_BY_KEY[key]
            unit = f"单位：{field.unit}" if field.unit else field.type.value
            note = "（仅供核对，不导入）" if key == "name" and "name" not in owned else ""
            sheet.write(row, 0, field.header_zh)
            sheet.write(row, 1, f"{key}；{unit}{'；≥ 0' if field.non_negative else ''}{note}")
    if incident_types:
        row += 2
        sheet.write(row, 0, "事件类型", bold)
        for t in INCIDENT_TYPES:
            if t.code in incident_types:
                row += 1
                sheet.write(row, 0, t.label_zh)
                sheet.write(row, 1, t.code)
