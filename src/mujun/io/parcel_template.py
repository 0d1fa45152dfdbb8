"""The land department's (自然资源) parcels template (.xlsx): one sheet ``地块`` with the Chinese
headers of land.md §1 (``io/land.PARCEL_COLUMNS``), Excel validation where it helps, and an
instructions sheet ``说明``. The parcels import (``services/land/parcel_import``) reads exactly what
this writes; the polygons come as a GeoJSON file instead (docs/land.md, "地块导入")."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mujun.io.cells import new_workbook
from mujun.io.land import PARCEL_COLUMNS
from mujun.io.parcel_geometry import AREA_TOLERANCE
from mujun.io.templates import LAND_HEADER, VALIDATED_ROWS, header_format, write_rules_sheet

PARCELS_SHEET = "地块"


#: the rules of the sheet 说明 (docs/land.md, "地块导入")
RULES = (
    ("填写方式", f"每个地块一行，填在「{PARCELS_SHEET}」表；第一行表头不要改动。也可上传 "
                 "GeoJSON（FeatureCollection，属性用同样的列名或英文键），附地块图形。"),
    ("地块编号", "必填，全文件唯一；重复的编号是错误。"),
    ("出让面积(平方米)", "必填，大于 0。"),
    ("受让企业统一社会信用代码", "空白表示储备用地；填写的须已在企业库中。"),
    ("延迟动工原因", "仅当县里认定延迟动工是政府原因或不可抗力时填写：政府原因 / 不可抗力。"),
    ("地块图形", f"GeoJSON 的 Polygon/MultiPolygon：环须闭合，坐标在 WGS 84 范围内，图形面积与"
                 f"出让面积相差不超过 {AREA_TOLERANCE:.0%}。"),
    ("空白", "空白单元格表示本次不填报：库中已有的值保持不变；文件中没有的地块不会被删除。"),
    ("是否标准地", "填「是」标记为标准地；「否」或空白不改变库中已标记的标准地。"),
    ("整体导入", "系统先校验整个文件，有任何错误则整份文件不导入，并生成错误报告"
                 "（行、列、值、原因）；改正后重新提交即可。"),
    ("重复提交", "同一文件重复导入不会改变任何数据。与库中已有值不同的值是「修改」：系统列出"
                 "每处修改（原值 → 新值），确认并填写修改原因后才导入，修改连同原因留下记录。"),
)


def write_parcel_template(path: str | Path) -> Path:
    path = Path(path)
    book = new_workbook(path)
    head = header_format(book, LAND_HEADER)
    fmt_text = book.add_format({"num_format": "@"})
    fmt_date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet(PARCELS_SHEET)
    last = VALIDATED_ROWS
    for col, column in enumerate(PARCEL_COLUMNS):
        sheet.write(0, col, column.header_zh, head)
        if column.kind == "date":
            sheet.set_column(col, col, 14, fmt_date)
            sheet.data_validation(1, col, last, col, {
                "validate": "date", "criteria": ">=", "value": date(1950, 1, 1),
                "input_message": "日期，如 2021-03-05",
                "error_message": "请填写日期，如 2021-03-05"})
        elif column.kind == "bool":
            sheet.set_column(col, col, 12)
            sheet.data_validation(1, col, last, col, {"validate": "list", "source": ["是", "否"]})
        elif column.kind == "number":
            sheet.set_column(col, col, 16)
            sheet.data_validation(1, col, last, col, {
                "validate": "decimal", "criteria": ">" if column.positive else ">=", "value": 0,
                "error_type": "warning",
                "error_message": "请填写大于 0 的数字" if column.positive
                else "请填写不小于 0 的数字"})
        elif column.choices:
            sheet.set_column(col, col, 14)
            sheet.data_validation(1, col, last, col, {"validate": "list",
                                                      "source": ["政府原因", "不可抗力"]})
        else:
            sheet.set_column(col, col, 22 if column.kind == "uscc" else 16, fmt_text)
    sheet.set_row(0, 32)
    sheet.freeze_panes(1, 1)
    write_rules_sheet(book, "自然资源 · 地块数据填报说明", RULES, name_width=26)
    book.close()
    return path
