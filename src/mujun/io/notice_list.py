"""The 公示名单 (public notice list) of a run as a formatted .xlsx, ready to print."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from mujun.engine.labels import GROUP_ZH
from mujun.io.cells import new_workbook
from mujun.io.number_formats import Kind

COLUMNS = (("序号", 6), ("统一社会信用代码", 22), ("企业名称", 36), ("乡镇街道", 12),
           ("综合得分", 10), ("组内排名", 9), ("评价类别", 9), ("备注", 18))


def notice_list_xlsx(
    rows: Sequence[dict[str, Any]],
    *,
    title: str,
    towns: dict[str, str] | None = None,
    notice_from: datetime | None = None,
    notice_until: datetime | None = None,
    footer: str = "",
    created: datetime | None = None,
) -> bytes:
    """One sheet per group, A4 landscape, header repeated on every page, page numbers.

    ``rows`` are §8 result rows; exempt enterprises are not listed (they are not evaluated).
    ``created`` is the file's creation date (e.g. the publication): the same list gives the same
    bytes.
    """
    buffer = BytesIO()
    book = new_workbook(buffer)
    if created is not None:
        book.set_properties({"created": created.replace(tzinfo=None)})
    fmt_title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    fmt_sub = book.add_format({"align": "center", "font_size": 10})
    fmt_head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                                "bg_color": "#D9D9D9", "text_wrap": True})
    fmt_cell = book.add_format({"border": 1, "valign": "vcenter"})
    fmt_code = book.add_format({"border": 1, "valign": "vcenter",
                                "num_format": Kind.CODE.excel_format})
    fmt_center = book.add_format({"border": 1, "align": "center", "valign": "vcenter"})
    fmt_score = book.add_format({"border": 1, "num_format": Kind.SCORE.excel_format,
                                 "valign": "vcenter"})
    fmt_note = book.add_format({"text_wrap": True, "valign": "top", "font_size": 10})
    period = ""
    if notice_from and notice_until:
        period = f"公示期：{notice_from:%Y年%m月%d日} 至 {notice_until:%Y年%m月%d日}"
    for group in ("above", "below"):
        members = [r for r in rows if r.get("group") == group]
        if not members:
            continue
        members.sort(key=lambda r: (r.get("class") or "Z", r.get("rank") or 10**9, r["uscc"]))
        sheet = book.add_worksheet(GROUP_ZH[group])
        last_col = len(COLUMNS) - 1
        sheet.merge_range(0, 0, 0, last_col, title, fmt_title)
        sheet.merge_range(1, 0, 1, last_col, f"{GROUP_ZH[group]}（{len(members)} 家）  {period}",
                          fmt_sub)
        for col, (name, width) in enumerate(COLUMNS):
            sheet.write(2, col, name, fmt_head)
            sheet.set_column(col, col, width)
        for i, r in enumerate(members, start=1):
            row = 2 + i
            note = "一票否决：" + r["veto_reason"] if r.get("vetoed") else ""
            sheet.write_number(row, 0, i, fmt_center)
            sheet.write_string(row, 1, r["uscc"], fmt_code)
            sheet.write_string(row, 2, r.get("name") or "", fmt_cell)
            sheet.write_string(row, 3, (towns or {}).get(r["uscc"], ""), fmt_cell)
            if r.get("score") is not None:
                sheet.write_number(row, 4, r["score"], fmt_score)
            else:
                sheet.write_blank(row, 4, None, fmt_score)
            sheet.write(row, 5, r.get("rank") if r.get("rank") is not None else "", fmt_center)
            sheet.write_string(row, 6, r.get("class") or "", fmt_center)
            sheet.write_string(row, 7, note, fmt_cell)
        end = 2 + len(members) + 2
        if footer:
            sheet.merge_range(end, 0, end + 3, last_col, footer, fmt_note)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
        sheet.repeat_rows(2)
        sheet.fit_to_pages(1, 0)
        sheet.center_horizontally()
        sheet.set_footer("&C第 &P 页，共 &N 页")
        sheet.freeze_panes(3, 0)
    if not book.worksheets():
        book.add_worksheet("名单").write(0, 0, "本次评价没有参评企业")
    book.close()
    return buffer.getvalue()
