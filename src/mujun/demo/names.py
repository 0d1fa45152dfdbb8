"""Synthetic identities: credit codes, company names and talent pseudonyms.

Names are drawn from common trade-name characters; any likeness to a real enterprise is chance.
"""

from __future__ import annotations

import numpy as np

from mujun.demo.county import DIVISION_CODE, Industry
from mujun.engine.uscc import ALPHABET, check_char

#: GB 32100 registration-authority + entity-type prefixes used here
COMPANY, INDIVIDUAL, COOPERATIVE = "91", "92", "93"

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUE = {ch: i for i, ch in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
#: characters allowed in both GB 11714 bodies and the GB 32100 alphabet
_BODY_CHARS = ALPHABET

_TRADE_CHARS = (
    "华瑞泰隆鑫宏金永兴盛达丰恒通诚信利源德昌祥嘉宝益明光远世纪天和顺安康富豪凯龙鹏飞海峰翔汇"
    "中成立广东正邦晟润亿博卓力旺荣腾振茂元发聚新铭圣佳美华群创业联合胜辉煌协众钰豪森"
)
_TEA_PLACES = ("玉岩", "大木山", "箬寮", "卯山", "独山", "松阴溪", "竹源", "枫坪", "安岱后", "横樟")


def org_check(body8: str) -> str:
    """GB 11714 check character of an 8-character organization-code body."""
    total = sum(_ORG_VALUE[ch] * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(rng: np.random.Generator, prefix: str, established_year: int,
              taken: set[str]) -> str:
    """A fresh, valid 18-character code of the county; older entities carry numeric org codes."""
    while True:
        if established_year >= 2016:
            tail = "".join(rng.choice(list(_BODY_CHARS), 5))
            body = "MA2" + tail
        else:
            body = str(rng.choice(["7", "6", "5", "3"])) + "".join(
                str(d) for d in rng.integers(0, 10, 7))
        body17 = prefix + DIVISION_CODE + body + org_check(body)
        code = body17 + check_char(body17)
        if code not in taken:
            taken.add(code)
            return code


def _trade_name(rng: np.random.Generator) -> str:
    a, b = rng.choice(len(_TRADE_CHARS), 2, replace=False)
    return _TRADE_CHARS[a] + _TRADE_CHARS[b]


def company_name(rng: np.random.Generator, industry: Industry, town: str, prefix: str,
                 taken: set[str]) -> str:
    """A unique, plausible name for an entity of ``industry`` registered in ``town``."""
    for _ in range(1000):
        trade = str(rng.choice(industry.trades))
        brand = _trade_name(rng)
        if industry.code == "15" and rng.random() < 0.3:
            brand = str(rng.choice(_TEA_PLACES)) + brand[0]
        if prefix == INDIVIDUAL:
            place = town.removesuffix("街道").removesuffix("畲族乡").rstrip("镇乡")
            kind = "茶厂" if industry.code == "15" else "加工厂"
            name = f"松阳县{place}{brand}{trade.removesuffix('加工')}{kind}"
        elif prefix == COOPERATIVE:
            name = f"松阳县{brand}茶叶专业合作社"
        else:
            region = str(rng.choice(["浙江", "浙江松阳", "松阳县", "松阳县", "松阳", "丽水"],
                                    p=[0.3, 0.1, 0.35, 0.1, 0.1, 0.05]))
            suffix = "股份有限公司" if rng.random() < 0.06 else "有限公司"
            if region.startswith("浙江") and "科技" not in trade and rng.random() < 0.3:
                suffix = "科技" + suffix
            name = f"{region}{brand}{trade}{suffix}"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("name space exhausted")


def pseudonym(number: int) -> str:
    """Talent records carry numbered pseudonyms, never personal names."""
    return f"人才{number:04d}"
