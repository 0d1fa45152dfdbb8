"""The 2021 programme's people-facing parts: 六百工程 talent and 三服务 enterprise requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from mujun.demo.county import LAST_YEAR, TEA_TOWNS, TOWNS
from mujun.demo.model import Enterprise
from mujun.demo.names import pseudonym

PROGRAMME_YEARS = tuple(range(2021, LAST_YEAR + 1))
#: code -> (label, per-year range, share linked to an enterprise)
TALENT = {
    "industrial_engineer": ("产业工程师", (16, 26), 1.0),
    "tea_master": ("金牌茶师", (16, 26), 0.6),
    "skilled_craftsman": ("高技能工匠", (16, 26), 1.0),
    "resident_artist": ("艺术家入驻乡村", (14, 24), 0.0),
    "returning_doctor": ("博士反哺家乡", (12, 24), 0.5),
    "teacher_doctor": ("高学历教师医师", (16, 26), 0.0),
    "excellent_talent": ("其他优秀人才（千名人才）", (70, 110), 0.7),
}
#: as of this day the requests are reported (status, closed date)
AS_OF = date(LAST_YEAR, 12, 31)
REQUEST_STATUS = {"submitted": "诉求", "in_progress": "办理中", "closed": "办结"}
#: code -> (label, department, summaries)
REQUESTS = {
    "land": ("用地", "自然资源和规划局",
             ("申请新增工业用地用于扩产", "厂区用地证照办理进度咨询", "闲置厂房盘活再利用需求")),
    "labour": ("用工", "人力资源和社会保障局",
               ("招工难，需协助招聘熟练焊工", "员工技能培训补贴申请", "外地员工住房需求")),
    "finance": ("融资", "金融服务中心",
                ("流动资金贷款续贷困难", "申请应急转贷资金", "上市辅导政策咨询")),
    "approval": ("审批", "行政服务中心",
                 ("技改项目备案审批加快办理", "消防验收协调", "施工许可办理咨询")),
    "policy": ("政策兑现", "经济和信息化局",
               ("亩均效益奖励资金兑现", "技改补助申报指导", "专精特新认定辅导")),
    "infrastructure": ("基础设施", "住房和城乡建设局",
                       ("园区道路破损影响运输", "雨水管网排水不畅", "厂区周边路灯缺失")),
    "power": ("用电用能", "供电公司", ("申请增容变压器", "峰谷电价咨询", "能耗指标调剂申请")),
    "environment": ("环保", "生态环境分局",
                    ("酸洗废水处理设施改造指导", "排污许可证变更", "危废处置渠道协调")),
    "schooling": ("子女入学", "教育局", ("外地员工子女就近入学", "人才子女入学政策咨询")),
}


@dataclass(frozen=True)
class Person:
    person_id: str
    pseudonym: str
    category: str
    year: int
    uscc: str
    town: str


@dataclass(frozen=True)
class ServiceRequest:
    request_id: str
    uscc: str
    submitted: date
    category: str
    summary: str
    department: str
    due: date
    status: str
    closed: date | None
    satisfaction: int | None


def _present(enterprises: list[Enterprise], year: int) -> list[Enterprise]:
    return [e for e in enterprises if e.present(year)]


def draw_talent(rng: np.random.Generator, enterprises: list[Enterprise]) -> list[Person]:
    people: list[Person] = []
    for year in PROGRAMME_YEARS:
        present = _present(enterprises, year)
        tea = [e for e in present if e.industry == "15"]
        for code, (_label, (low, high), linked) in TALENT.items():
            pool = tea if code == "tea_master" else present
            for _ in range(int(rng.integers(low, high, endpoint=True))):
                uscc, town = "", ""
                if rng.random() < linked:
                    e = pool[int(rng.integers(len(pool)))]
                    uscc, town = e.uscc, e.town
                elif code in ("resident_artist", "tea_master"):
                    town = str(rng.choice(TEA_TOWNS))
                elif code == "teacher_doctor":
                    town = str(rng.choice(["西屏街道", "水南街道", "望松街道", "古市镇"]))
                else:
                    town = TOWNS[int(rng.integers(len(TOWNS)))].name
                n = len(people) + 1
                people.append(Person(f"RC{n:04d}", pseudonym(n), code, year, uscc, town))
    return people


def draw_requests(rng: np.random.Generator, enterprises: list[Enterprise]) -> list[ServiceRequest]:
    requests: list[ServiceRequest] = []
    codes = list(REQUESTS)
    for i, year in enumerate(PROGRAMME_YEARS):
        present = _present(enterprises, year)
        weight = np.array([3.0 if e.figures[year].above_scale else 1.0 for e in present])
        drawn = []
        for _ in range(int(rng.integers(110, 140)) + 20 * i):
            e = present[int(rng.choice(len(present), p=weight / weight.sum()))]
            submitted = date(year, 1, 1) + timedelta(days=int(rng.integers(0, 365)))
            drawn.append((submitted, e.uscc, codes[int(rng.integers(len(codes)))]))
        for n, (submitted, uscc, code) in enumerate(sorted(drawn), start=1):
            _label, department, summaries = REQUESTS[code]
            due = submitted + timedelta(days=int(rng.choice([7, 15, 30])))
            closed: date | None = submitted + timedelta(days=int(rng.lognormal(np.log(9), 0.7)))
            satisfaction = int(rng.choice([10, 9, 8, 7, 6, 5, 3],
                                          p=[0.42, 0.3, 0.13, 0.07, 0.04, 0.03, 0.01]))
            rated: int | None = satisfaction if rng.random() > 0.12 else None
            status = "closed"
            if closed is not None and closed > AS_OF:
                status = "submitted" if (AS_OF - submitted).days < 3 else "in_progress"
                closed, rated = None, None
            requests.append(ServiceRequest(
                f"SF{year}-{n:04d}", uscc, submitted, code,
                str(rng.choice(summaries)), department, due, status, closed, rated))
    return requests
