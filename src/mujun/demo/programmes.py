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


#: 奖补兑现 programmes: code -> label (engine/programmes/registers.py has the same codes)
PAYMENT_PROGRAMMES = {"per_mu_award": "亩均效益奖励", "tech_upgrade": "技改补助",
                      "specialized": "专精特新奖励", "listing": "上市奖励",
                      "talent": "人才奖补"}
#: 上市奖励 (万元) paid in the year an enterprise reaches each stage of the pipeline
IPO_STAGE_LABEL = {"reform": "股改", "tutoring": "辅导", "filed": "申报", "listed": "上市"}
LISTING_AWARD = {"reform": 50.0, "tutoring": 100.0, "filed": 150.0, "listed": 500.0}


@dataclass(frozen=True)
class Payment:
    uscc: str
    year: int
    programme: str
    amount_wan: float
    paid_on: date
    note: str


def _paid_on(rng: np.random.Generator, year: int) -> date:
    """Paid in the following spring or summer, after the year's evaluation."""
    return date(year + 1, 3, 1) + timedelta(days=int(rng.integers(0, 150)))


def draw_payments(rng: np.random.Generator, enterprises: list[Enterprise],
                  talent: list[Person]) -> list[Payment]:
    """Incentive payments (奖补兑现) for 2021 … 2025, about 700–1,000 万元 a year: the best
    taxpayers per 亩 get 亩均效益奖励, a share of the above-scale ones 技改补助, new 专精特新 a
    one-off award, the listing pipeline its stage awards, employers of talent 人才奖补."""
    payments: list[Payment] = []
    for year in PROGRAMME_YEARS:
        present = _present(enterprises, year)
        above = [e for e in present if e.figures[year].above_scale]
        by_tax = sorted(above, key=lambda e: (-(e.figures[year].tax_paid or 0.0), e.uscc))
        for rank, e in enumerate(by_tax[:10]):
            amount = round(50.0 - 3.0 * rank, 1)
            payments.append(Payment(e.uscc, year, "per_mu_award", amount, _paid_on(rng, year),
                                    f"{year} 年度亩均效益综合评价第 {rank + 1} 名"))
        for e in above:
            if rng.random() < 0.05:
                amount = round(float(rng.uniform(10, 60)), 1)
                payments.append(Payment(e.uscc, year, "tech_upgrade", amount,
                                        _paid_on(rng, year), "技术改造项目设备投资补助"))
        for e in present:
            if e.flag_since.get("specialized") == year:
                payments.append(Payment(e.uscc, year, "specialized", 30.0, _paid_on(rng, year),
                                        "新认定省级专精特新中小企业"))
        employers: dict[str, int] = {}
        for p in talent:
            if p.year == year and p.uscc:
                employers[p.uscc] = employers.get(p.uscc, 0) + 1
        for uscc, n in sorted(employers.items()):
            payments.append(Payment(uscc, year, "talent", round(2.0 * n, 1), _paid_on(rng, year),
                                    f"引进人才 {n} 名安家补助"))
    stage_year = {"reform": 2021, "tutoring": 2022, "filed": 2023, "listed": 2022}
    for e in sorted(enterprises, key=lambda e: e.uscc):
        if e.ipo_stage:
            year = e.flag_since.get("listed", stage_year[e.ipo_stage])
            if year in PROGRAMME_YEARS:
                note = f"股改上市奖励（{IPO_STAGE_LABEL[e.ipo_stage]}）"
                payments.append(Payment(e.uscc, year, "listing", LISTING_AWARD[e.ipo_stage],
                                        _paid_on(rng, year), note))
    return sorted(payments, key=lambda p: (p.year, p.programme, p.uscc))
