"""The raw readers: cells kept as text, true line numbers, header detection."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from io_helpers import golden

from mujun.io import InputError, read_raw, readers


def test_csv_cells_stay_text_with_leading_zeros_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("uscc,industry_code,production_start\n 001 ,06,2021/3/5\n", encoding="utf-8")
    raw = read_raw(path)
    assert raw.headers == ("uscc", "industry_code", "production_start")
    assert raw.cells.rows() == [(" 001 ", "06", "2021/3/5")]
    assert raw.lines.to_list() == [2]


def test_csv_title_rows_above_the_header(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("松阳县亩均数据\n\n统一社会信用代码,企业名称\nX,甲\n", encoding="utf-8")
    raw = read_raw(path)
    assert raw.header_line == 3
    assert raw.headers == ("统一社会信用代码", "企业名称")
    assert raw.lines.to_list() == [4]


def test_whitespace_only_rows_are_skipped_and_lines_stay_true(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("uscc,name\n , \n\nX,\n, 乙\n", encoding="utf-8")
    raw = read_raw(path)
    assert raw.cells.rows() == [("X", None), (None, " 乙")]
    assert raw.lines.to_list() == [4, 5]


@pytest.mark.parametrize("end", ["\n", ""])
@pytest.mark.parametrize(("body", "lines"), [
    ('"X","甲"\n"Y","乙"', [2, 3]),  # quoted, every record one line
    ('"X","甲\n分厂"\n"Y","乙"', [2, 4]),  # a break in a cell pushes the next record down
    ('"X","甲"\n"Y","乙\n分厂"', [2, 3]),  # a break in the last record pushes nothing
    ('"X","甲"\n\n"Y","乙"', [2, 4]),  # an empty line
])
def test_records_start_on_their_own_lines(tmp_path: Path, body: str, lines: list[int],
                                          end: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"uscc,name\n{body}{end}", encoding="utf-8")
    assert read_raw(path).lines.to_list() == lines


def test_unnamed_empty_columns_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("uscc,name,,\nX,甲,,\n", encoding="utf-8")
    assert read_raw(path).headers == ("uscc", "name")


def test_xlsx_rows_are_sheet_rows() -> None:
    raw = read_raw(golden("title_row.xlsx"))
    assert raw.header_line == 3
    assert raw.lines.to_list() == [4, 6, 7]
    assert raw.column(3).to_list() == ["2015-03-05", "2019-12-31", "2020/1/2"]
    assert raw.column(4).to_list() == ["123", "1234.5678", "abc"]
    assert raw.column(6).to_list() == ["06", "33", None]


def test_xlsx_other_sheet_by_name_and_missing_sheet() -> None:
    with pytest.raises(InputError, match="no recognisable header"):
        read_raw(golden("title_row.xlsx"), sheet="说明")
    with pytest.raises(InputError, match="no such sheet"):
        read_raw(golden("title_row.xlsx"), sheet=5)


def test_workbook_saved_as_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "really_excel.csv"
    path.write_bytes(golden("title_row.xlsx").read_bytes())
    assert read_raw(path).lines.to_list() == [4, 6, 7]


def test_utf16_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("uscc\tname\n".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        read_raw(path)


def test_raw_cells_are_strings() -> None:
    raw = read_raw(golden("typed.parquet"))
    assert all(dtype == pl.String for dtype in raw.cells.dtypes)
    assert raw.column(1).to_list() == ["123", None]


@pytest.mark.parametrize("data", [
    b"", b"uscc,name\n", "企业,松阳\n".encode(), "é".encode() + b"\n",
    "企业".encode("gb18030"),  # GBK bytes: not UTF-8
    b"\xff", b"\xc0\xaf",  # never UTF-8; an overlong slash
    b"\xed\xa0\x80",  # a UTF-16 surrogate written as UTF-8
    "中".encode()[:2], b"ok," + "中".encode()[:2] + b"\n",  # a character cut short
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
])
def test_utf8_check_agrees_with_pythons_decoder(data: bytes) -> None:
    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    assert readers._is_utf8(data) is valid


def test_a_gb18030_file_is_read_as_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("uscc,企业名称\n91331124MA2A00010Q,松阳企业\n".encode("gb18030"))
    raw = read_raw(path)
    assert raw.headers == ("uscc", "企业名称")
    assert raw.column(1).to_list() == ["松阳企业"]
