"""Issue 7.4: a hostile upload is refused before it is read, and any upload name is safe.

The bombs are made here, about 1 MB each on disk (``bombs.py``). The refusal happens in ``io``
(``mujun.io.workbook_limits``), so the command line (``read_raw``) and the web's import job
(``read_department_file``) are both protected.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tests.security.bombs import sparse_sheet, zip_bomb
from tests.web.conftest import SignIn
from tests.web.county import CODES, NAMES
from tests.web.jobs import submitted, wait_job

from mujun.io import workbook_limits

#: the reading process's address space: a reader that unpacks the bomb runs out of it
MEMORY_CAP = 2 * 2**30

_PROBE = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
    from mujun.io.problems import InputError
    from mujun.io.readers import read_raw
    out = []
    for path in sys.argv[1:]:
        try:
            read_raw(path)
            out.append("read")
        except InputError as exc:
            out.append(exc.problem.reason)
    # VmHWM: this process's peak resident memory (ru_maxrss would include the forking parent's)
    status = open("/proc/self/status").read()
    peak = int(status.split("VmHWM:")[1].split()[0]) // 1024
    print(json.dumps({{"reasons": out, "peak_mb": peak}}))
""")


def _ratio_bomb(path: Path) -> Path:
    """Below the size limit, but 1,000 to 1 (the size limit alone would let it through)."""
    return zip_bomb(path, unpacked_mb=200)


def test_bombs_are_refused_by_the_reader_with_bounded_memory(tmp_path: Path) -> None:
    files = [zip_bomb(tmp_path / "bomb.xlsx"), _ratio_bomb(tmp_path / "ratio.xlsx"),
             sparse_sheet(tmp_path / "sparse.xlsx")]
    assert all(f.stat().st_size < 2 * 2**20 for f in files)
    done = subprocess.run([sys.executable, "-c", _PROBE.format(cap=MEMORY_CAP),
                           *map(str, files)], capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    bomb, ratio, sparse = found["reasons"]
    limit_mb = workbook_limits.MAX_UNPACKED_BYTES // 2**20
    assert "bomb.xlsx" in bomb and "1024 MB" in bomb and f"上限 {limit_mb} MB" in bomb
    assert "ratio.xlsx" in ratio and f"超过上限 {workbook_limits.MAX_COMPRESSION_RATIO}:1" in ratio
    assert "sparse.xlsx" in sparse and f"上限 {workbook_limits.MAX_ROWS} 行" in sparse
    # nothing was unpacked: the process stays at the size of the interpreter and its libraries
    assert found["peak_mb"] < 400, found


def test_a_bomb_uploaded_for_import_is_refused_with_the_limit(sign_in: SignIn,
                                                              tmp_path: Path) -> None:
    c = sign_in("clerk")
    data = zip_bomb(tmp_path / "税收.xlsx").read_bytes()
    r = c.post("/api/imports", data={"department": "tax", "year": "2021"},
               files={"file": ("税收.xlsx", data, "application/octet-stream")})
    job = wait_job(c, submitted(r))
    assert job["status"] == "done", job
    report = job["result"]
    assert (report["applied"], report["errors"], report["rows"]) == (False, 1, 0)
    reason = report["problems"][0]["reason"]
    assert "税收.xlsx" in reason and "超过上限 512 MB" in reason
    assert c.get("/api/imports").json()["items"] == []


def test_a_workbook_within_the_limits_is_read(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "ok.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["统一社会信用代码", "企业名称"])
    for i in range(1, 2001):
        sheet.write_row(i, 0, [CODES[0], NAMES[0]])
    book.close()
    workbook_limits.check_workbook(path.read_bytes(), str(path))  # raises when refused


ODD_NAMES = ["..", ".", "/", "税" * 300 + ".csv", "../../etc/passwd", "a\x00b\x1b[31m\r\n.csv",
             " ", "\\..\\x.csv"]


@pytest.mark.parametrize("name", ODD_NAMES, ids=range(len(ODD_NAMES)))
def test_any_upload_name_is_stored_safely(sign_in: SignIn, name: str) -> None:
    c = sign_in("clerk")
    # a year with no figures yet: inserted (a changed stored value would wait for acceptance)
    good = f"统一社会信用代码,企业名称,实缴税收(万元)\n{CODES[1]},{NAMES[1]},77\n".encode()
    r = c.post("/api/imports", data={"department": "tax", "year": "2022"},
               files={"file": (name, good, "text/csv")})
    assert r.status_code == 202, r.text
    job = wait_job(c, submitted(r))
    assert job["status"] == "done", job
    assert (job["result"]["applied"], job["result"]["errors"]) == (True, 0)
    shown = job["params"]["file"]
    assert len(shown) <= 200 and not any(ord(ch) < 32 for ch in shown)
    [batch] = c.get("/api/imports").json()["items"]
    stored = batch["file_name"]
    assert stored and "/" not in stored and "\\" not in stored and not stored.startswith(".")
    assert len(stored.encode()) < 255 and not any(ord(ch) < 32 for ch in stored)
    assert c.get(job["page"]).status_code == 200


def test_an_upload_without_a_name_is_not_a_server_error(sign_in: SignIn) -> None:
    c = sign_in("clerk")
    r = c.post("/api/imports", data={"department": "tax", "year": "2021"},
               files={"file": ("", b"x", "text/csv")})
    assert r.status_code in (202, 422), r.text
