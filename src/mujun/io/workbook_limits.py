"""Limits checked on an .xlsx workbook before any reader opens it (docs/security.md, "Uploads").

An .xlsx file is a zip archive of XML parts. A small file may unpack to gigabytes (a *zip bomb*),
and a sheet holding one cell at ``A1`` and one at ``XFD1048576`` makes the spreadsheet reader
allocate the whole rectangle between them. So before the workbook is parsed, from the archive's
directory and one streaming pass over each sheet's XML (the CRC of each part is verified, so a
part cannot lie about its size), the check refuses a workbook that exceeds any limit below, with
the limit named. A bomb is refused from the directory alone, before anything is unpacked.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from mujun.io.problems import InputError, Problem

#: the XML parts together, unpacked (a 200,000-row, 15-column sheet is about 120 MB)
MAX_UNPACKED_BYTES = 512 * 2**20
#: unpacked / packed size of one part; sheet XML packs 5–10 times (checked above 1 MB only)
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 2**20
#: parts in the archive (a workbook has about ten, plus one per sheet)
MAX_PARTS = 1000
#: rows and columns of a sheet, as declared (``<dimension>``) or as found, and their product
MAX_ROWS = 500_000
MAX_COLUMNS = 256
MAX_CELLS = 20_000_000

ZIP_MAGIC = b"PK\x03\x04"
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
_DIMENSION = re.compile(
    rb'<dimension ref="([A-Z]{1,3})?([0-9]{1,7})?(?::([A-Z]{1,3})([0-9]{1,7}))?"')
_ROW = re.compile(rb'<row r="([0-9]{1,9})"')
#: a cell of a column past Z (two or three letters): rare, so the scan stays fast
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,3})[0-9]')
_CHUNK = 4 * 2**20
_MB = 2**20


def check_workbook(data: bytes, file: str) -> None:
    """Raise :class:`InputError` when the workbook ``data`` exceeds a limit; a file that is not a
    zip archive (a legacy .xls, a CSV) passes (its reader reports what is wrong with it)."""
    if not data.startswith(ZIP_MAGIC):
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the reader reports the broken workbook
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            _refuse(file, f"包含 {len(parts)} 个部件，超过上限 {MAX_PARTS}")
        unpacked = sum(p.file_size for p in parts)
        if unpacked > MAX_UNPACKED_BYTES:
            _refuse(file, f"解压后 {unpacked // _MB} MB，超过上限 {MAX_UNPACKED_BYTES // _MB} MB")
        for part in parts:
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
                _refuse(file, f"部件 {part.filename[:60]} 压缩比 {ratio:.0f}:1，"
                              f"超过上限 {MAX_COMPRESSION_RATIO}:1（疑似压缩炸弹）")
        for part in parts:
            if _SHEET_PART.fullmatch(part.filename):
                _check_sheet(archive, part, file)


def _refuse(file: str, what: str) -> None:
    name = Path(file).name or file
    raise InputError(Problem(file, None, None, None,
                             f"文件 {name} 超出安全限制，已拒绝读取：{what} "
                             f"(the workbook exceeds a limit and was not read)"))


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_sheet(archive: zipfile.ZipFile, part: zipfile.ZipInfo, file: str) -> None:
    rows = columns = 0
    tail = b""
    first = True
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                text = tail + chunk
                if first:
                    found = _DIMENSION.search(text)
                    if found and found[4]:
                        rows, columns = int(found[4]), _column_number(found[3])
                    elif found and found[2]:
                        rows, columns = int(found[2]), _column_number(found[1] or b"A")
                    first = False
                rows = max(rows, _last_row(text))
                wide = {_column_number(c) for c in _WIDE_CELL.findall(text)}
                columns = max(columns, *wide) if wide else columns
                _check_size(file, part.filename, rows, columns)
                tail = text[-64:]
    except zipfile.BadZipFile as exc:  # a CRC or size that does not match: a forged part
        _refuse(file, f"部件 {part.filename[:60]} 已损坏或大小不符 ({exc})")
    except (OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        _refuse(file, f"部件 {part.filename[:60]} 无法解压 ({exc})")


def _last_row(text: bytes) -> int:
    at = text.rfind(b'<row r="')
    found = _ROW.match(text, at) if at >= 0 else None
    return int(found[1]) if found else 0


def _check_size(file: str, sheet: str, rows: int, columns: int) -> None:
    name = sheet.rsplit("/", 1)[-1]
    if rows > MAX_ROWS:
        _refuse(file, f"工作表 {name} 有 {rows} 行，超过上限 {MAX_ROWS} 行")
    if columns > MAX_COLUMNS:
        _refuse(file, f"工作表 {name} 有 {columns} 列，超过上限 {MAX_COLUMNS} 列")
    if rows * columns > MAX_CELLS:
        _refuse(file, f"工作表 {name} 有 {rows} 行 × {columns} 列，超过上限 {MAX_CELLS} 个单元格")
