"""Bonus flags by year (高新, 专精特新, 上市, 研发机构), registry tags and the 股改上市 pipeline."""

from __future__ import annotations

import numpy as np

from mujun.demo.county import FIRST_YEAR, LAST_YEAR
from mujun.demo.model import Enterprise

#: 股改上市 pipeline stages: code, label
IPO_STAGES = {"reform": "股改", "tutoring": "辅导", "filed": "申报", "listed": "上市"}
FLAG_TAGS = {"high_tech": "高新", "specialized": "专精特新", "listed": "上市",
             "rd_center": "省级研发机构"}


def _size(e: Enterprise) -> float:
    if e.mature_revenue is not None:
        return e.mature_revenue
    return e.revenue.get(FIRST_YEAR, e.revenue.get(e.first_year or LAST_YEAR, 0.0))


def draw_flags(rng: np.random.Generator, enterprises: list[Enterprise]) -> None:
    """Each flag gets a first year; enterprises keep it from then on. Drawn before the traits."""
    for e in enterprises:
        big = _size(e) >= 2000
        start = max(e.first_year or LAST_YEAR, FIRST_YEAR)
        if e.origin == "project":
            p = {"high_tech": 0.35, "specialized": 0.10, "rd_center": 0.08}
            start += 1
        elif big:
            p = {"high_tech": 0.22, "specialized": 0.10, "rd_center": 0.12}
        else:
            p = {"high_tech": 0.03, "specialized": 0.01, "rd_center": 0.01}
        for flag, prob in p.items():
            if flag == "rd_center" and "high_tech" in e.flag_since:
                prob *= 2.5
            if rng.random() < prob and start <= LAST_YEAR + 1:
                earliest = {"high_tech": 2012, "specialized": 2019, "rd_center": 2015}[flag]
                low = earliest if e.origin == "incumbent" else start
                e.flag_since[flag] = int(rng.integers(low, LAST_YEAR + 2))
    for e in enterprises:
        for flag in list(e.flag_since):
            if e.flag_since[flag] > LAST_YEAR:
                del e.flag_since[flag]


def draw_tags(rng: np.random.Generator, enterprises: list[Enterprise]) -> None:
    """Digital-factory ratings and the listing pipeline, among the largest incumbents."""
    big = sorted((e for e in enterprises if e.origin == "incumbent" and _size(e) >= 2000),
                 key=lambda e: (-_size(e), e.uscc))
    stages = ["listed", "filed", "tutoring", "tutoring", "tutoring"] + ["reform"] * 5
    for e, stage in zip(big[: len(stages)], stages, strict=False):
        e.ipo_stage = stage
    big[0].flag_since["listed"] = 2022
    order = rng.permutation(len(big))
    digital = [big[int(i)] for i in order]
    digital[0].extra_tags.append("未来工厂")
    for e in digital[1:9]:
        e.extra_tags.append("智能工厂")
    for e in digital[9:24]:
        e.extra_tags.append("数字化车间")
