"""Incidents (safety, environment, tax, land) of each year, for the veto and the penalties."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from mujun.demo.county import YEARS
from mujun.demo.model import Enterprise

#: type -> (min, max) incidents per year (every type of fields.INCIDENT_TYPES), and their notes
PER_YEAR = {
    "safety_major": (0, 1), "safety_general": (3, 6), "env_major": (0, 1),
    "env_penalty": (4, 9), "tax_serious": (0, 1), "land_illegal": (1, 2),
}
NOTES = {
    "safety_major": ("粉尘爆炸事故，造成3人死亡", "厂房火灾事故，造成多人伤亡，已立案调查"),
    "safety_general": ("车间机械伤害事故，1人受伤", "行车吊装作业物体打击，1人受伤",
                       "叉车作业碰撞事故，1人轻伤", "高处坠落事故，1人受伤"),
    "env_major": ("酸洗废液非法倾倒，造成河道污染", "废气处理设施停运导致重大污染"),
    "env_penalty": ("酸洗废水超标排放，罚款", "危险废物贮存不规范，责令改正并罚款",
                    "废气无组织排放，罚款", "未批先建配套环保设施，罚款"),
    "tax_serious": ("虚开增值税专用发票，已移送公安机关", "偷逃税款数额较大，已作出税务处理"),
    "land_illegal": ("未批先建，违法占用土地", "擅自改变土地用途", "超出红线建设仓库"),
}
_RISKY = {"env_major": ("31", "26", "30", "33"), "env_penalty": ("31", "26", "30", "33", "29")}


@dataclass(frozen=True)
class Incident:
    uscc: str
    year: int
    type: str
    date: date
    note: str


def draw_incidents(rng: np.random.Generator, enterprises: list[Enterprise]) -> list[Incident]:
    out: list[Incident] = []
    for year in YEARS:
        present = [e for e in enterprises if e.present(year)]
        for kind, (low, high) in PER_YEAR.items():
            pool = present
            if kind in _RISKY:
                pool = [e for e in present if e.industry in _RISKY[kind]] or present
            if kind == "land_illegal":
                pool = [e for e in present if e.holdings] or present
            for _ in range(int(rng.integers(low, high, endpoint=True))):
                e = pool[int(rng.integers(len(pool)))]
                day = date(year, 1, 1) + timedelta(days=int(rng.integers(0, 365)))
                out.append(Incident(e.uscc, year, kind, day, str(rng.choice(NOTES[kind]))))
    out.sort(key=lambda i: (i.date, i.uscc, i.type))
    return out
