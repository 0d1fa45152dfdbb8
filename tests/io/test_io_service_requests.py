"""``service_requests.csv`` as read by io/service_requests.py: located problems, all or nothing."""

from __future__ import annotations

from pathlib import Path

from mujun.io.service_requests import read_service_requests

HEADER = "request_id,uscc,submitted,category,summary,department,due,status,closed,satisfaction\n"
GOOD = ("SF2025-0001,91331124707511314K,2025-01-10,land,扩产用地,自然资源和规划局,2025-02-09,"
        "closed,2025-01-17,10\n")


def _read(tmp_path: Path, *rows: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "service_requests.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return read_service_requests(path)


def test_a_good_row(tmp_path: Path) -> None:
    found = _read(tmp_path, GOOD)
    assert found.problems == []
    r = found.records[0]
    assert (r.request_id, r.category, r.status, r.satisfaction, str(r.closed)) == (
        "SF2025-0001", "land", "closed", 10, "2025-01-17")


def test_rows_with_problems_are_named(tmp_path: Path) -> None:
    found = _read(
        tmp_path, GOOD,
        "SF2025-0002,91331124707511314K,2025-01-10,nonsense,x,,2025-02-09,submitted,,\n",
        "SF2025-0003,91331124707511314K,2025-01-10,land,x,,2025-02-09,submitted,2025-01-12,\n",
        "SF2025-0004,91331124707511314K,2025-01-10,land,x,,2025-02-09,closed,2025-01-12,11\n",
        "SF2025-0005,91331124707511314K,2025-01-10,land,x,,2025-02-09,in_progress,,8\n",
        "SF2025-0006,91331124707511314K,2025-01-10,land,x,,2025-01-09,submitted,,\n",
    )
    assert [r.request_id for r in found.records] == ["SF2025-0001"]
    where = [(p.line, p.column) for p in found.errors]
    assert where == [(3, "category"), (4, "closed"), (5, "satisfaction"), (6, "satisfaction"),
                     (7, "due")]
    assert "1 到 10" in found.errors[2].reason
