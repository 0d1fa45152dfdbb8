"""The enterprise registry file (企业库, platform.md module 1): one row per enterprise ever known.

Columns (docs/input-files.md): ``uscc, name`` (required), ``town, park, industry_code, scale``
(``above``/``below`` or 规上/规下), ``stage`` (a lifecycle code or its Chinese label),
``established`` (a date), ``tags`` (``;`` or ``；``-separated) and ``left_year``. Other columns of
the demo file (``industry_name``, ``stage_zh``, ``ipo_stage``) are read but not kept. A row with an
invalid or repeated credit code, an unknown scale or stage, or an unreadable date or year
is reported and left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mujun.io.records import Column, FileRecords, read_records

#: lifecycle codes (筹建 → 在建 → 投产 → 规上 → 迁出/注销) with their Chinese labels
LIFECYCLE_LABELS = {"planning": "筹建", "building": "在建", "producing": "投产",
                    "above_scale": "规上", "moved_out": "迁出", "deregistered": "注销"}
_STAGES = {c: c for c in LIFECYCLE_LABELS} | {zh: c for c, zh in LIFECYCLE_LABELS.items()}
_SCALES = {"above": "above", "below": "below", "规上": "above", "规下": "below"}

REGISTRY_COLUMNS = (
    Column("uscc", "统一社会信用代码", "uscc", required=True, unique=True),
    Column("name", "企业名称", required=True),
    Column("town", "乡镇街道"),
    Column("park", "园区"),
    Column("industry_code", "行业代码"),
    Column("scale", "规模", choices=_SCALES),
    Column("stage", "阶段", choices=_STAGES),
    Column("established", "成立日期", "date"),
    Column("tags", "标签"),
    Column("left_year", "迁出年度", "int"),
    # read so that the demo file raises no unknown-column warnings; not kept
    Column("industry_name", "行业名称"),
    Column("stage_zh", "阶段名称"),
    Column("ipo_stage", "股改上市阶段"),
)


@dataclass(frozen=True)
class RegistryRecord:
    line: int
    uscc: str
    name: str
    town: str | None
    park: str | None
    industry_code: str | None
    #: 规上 (True) / 规下 (False); None when not given
    above_scale: bool | None
    lifecycle: str | None
    established: date | None
    left_year: int | None
    tags: tuple[str, ...]


RegistryInput = FileRecords[RegistryRecord]


def read_registry(path: str | Path) -> RegistryInput:
    """Read a registry file; :class:`~mujun.io.problems.InputError` when it is unusable."""
    checked = read_records(path, REGISTRY_COLUMNS)
    records = []
    for r in checked.records:
        v = r.values
        split = (v["tags"] or "").replace("；", ";").split(";")
        tags = tuple(dict.fromkeys(t.strip() for t in split if t.strip()))
        records.append(RegistryRecord(
            line=r.line, uscc=v["uscc"], name=v["name"], town=v["town"], park=v["park"],
            industry_code=v["industry_code"],
            above_scale=None if v["scale"] is None else v["scale"] == "above",
            lifecycle=v["stage"], established=v["established"], left_year=v["left_year"],
            tags=tags,
        ))
    return RegistryInput(checked.file, records, checked.problems, checked.rows_read)
