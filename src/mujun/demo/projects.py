"""Investment projects (招商/重大项目): every parcel sold since 2020 (but small workshops' plots)
is one, plus signed and negotiated projects without land. The stage follows the parcel's and the
enterprise's dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from mujun.demo.county import FIRST_YEAR, LAST_YEAR
from mujun.demo.model import DM2_PER_MU, Enterprise, Holding, mu_to_dm2
from mujun.demo.parcels import Commitment

STAGES = {"negotiating": "洽谈", "signed": "签约", "land_supplied": "供地",
          "under_construction": "开工", "completed": "竣工", "producing": "投产",
          "attained": "达产"}
#: actual / planned investment by stage (low, high)
_SPENT = {"negotiating": (0, 0), "signed": (0, 0), "land_supplied": (0.05, 0.15),
          "under_construction": (0.3, 0.6), "completed": (0.8, 0.95),
          "producing": (0.9, 1.05), "attained": (0.95, 1.15)}
LEADS = ("县委书记", "县长", "县委副书记", "常务副县长", "副县长（分管工业）", "副县长（分管招商）",
         "县委常委、组织部部长", "县委常委、宣传部部长", "县人大常委会副主任", "县政协副主席")
#: industry -> (product, unit, low, high) for "年产{n}{unit}{product}"
PRODUCTS = {
    "31": ("高端不锈钢无缝管", "万吨", 1, 10), "33": ("不锈钢管件", "万件", 50, 500),
    "34": ("智能阀门", "万台", 5, 60), "35": ("智能茶叶机械", "台套", 1000, 6000),
    "26": ("高性能新材料", "吨", 2000, 20000), "30": ("新型绿色建材", "万平方米", 50, 300),
    "38": ("智能电气设备", "万台", 5, 50), "39": ("光电元器件", "万件", 100, 2000),
    "15": ("精制茶", "吨", 200, 3000), "13": ("农产品精深加工", "吨", 500, 5000),
    "14": ("茶食品", "吨", 100, 2000), "20": ("竹木制品", "万件", 10, 200),
    "21": ("定制家具", "万件", 1, 20), "27": ("中药饮片", "吨", 100, 1000),
    "29": ("塑料制品", "吨", 1000, 10000), "18": ("服装", "万件", 10, 200),
    "41": ("文创工艺品", "万件", 5, 100),
}
#: industries of negotiated projects (the county's pillar and its new directions)
_NEGOTIATED = ("31", "33", "34", "35", "26", "30", "38", "39")
_END = date(LAST_YEAR, 12, 31)
#: a small enterprise's plot counts as a project from this size on
MIN_PROJECT_MU = 10


@dataclass(frozen=True)
class Project:
    project_id: str
    name: str
    stage: str
    planned_investment_wan: float
    actual_investment_wan: float
    lead: str
    parcel_id: str
    uscc: str
    signed: date | None
    industry_code: str
    #: the day each stage was entered (the stages reached, in order; 签约's is ``signed``)
    stage_dates: dict[str, date]


def _product(rng: np.random.Generator, industry: str) -> str:
    product, unit, low, high = PRODUCTS[industry]
    return f"年产{int(rng.integers(low, high + 1))}{unit}{product}"


def _stage(e: Enterprise, h: Holding) -> str:
    if h.construction_start is None:
        return "land_supplied"
    if e.origin == "project":
        if e.production_start is None:
            late = h.construction_start > _END - timedelta(days=400)
            return "under_construction" if late else "completed"
        return "attained" if e.production_start.year <= LAST_YEAR - 3 else "producing"
    days_built = (_END - h.construction_start).days
    return "under_construction" if days_built < 450 else "producing" if days_built < 1100 \
        else "attained"


def _days(rng: np.random.Generator, low: int, high: int) -> timedelta:
    return timedelta(days=int(rng.integers(low, high + 1)))


def _stage_dates(rng: np.random.Generator, stage: str, signed: date | None,
                 e: Enterprise | None, h: Holding | None) -> dict[str, date]:
    """The day each stage up to ``stage`` was entered, following the parcel's and the enterprise's
    dates; never after the demo's last day, never before the stage ahead of it."""
    reached = list(STAGES)[:list(STAGES).index(stage) + 1]
    if signed is None:  # still negotiating: talks opened within the last year and a half
        return {"negotiating": _END - _days(rng, 20, 540)}
    out = {"negotiating": signed - _days(rng, 30, 240), "signed": signed}
    if h is not None and h.acquired is not None and "land_supplied" in reached:
        out["land_supplied"] = max(h.acquired, signed)
    start = h.construction_start if h is not None else None
    if start is not None and "under_construction" in reached:
        out["under_construction"] = start = max(start, out.get("land_supplied", signed))
        producing = e.production_start if e is not None and e.origin == "project" else None
        if producing is None or producing <= start:
            producing = start + _days(rng, 400, 449)
        if "completed" in reached:
            out["completed"] = min(start + _days(rng, 250, 380), producing - _days(rng, 20, 60),
                                   _END)
            out["completed"] = max(out["completed"], start)
        if "producing" in reached:
            out["producing"] = min(producing, _END)
        if "attained" in reached:
            out["attained"] = min(out["producing"] + _days(rng, 600, 1000), _END)
    return {k: v for k, v in out.items() if k in reached}


def draw_projects(rng: np.random.Generator, enterprises: list[Enterprise],
                  commitments: list[Commitment]) -> list[Project]:
    intensity = {id(c.holding): c.investment_intensity_wan_per_mu for c in commitments}
    # (signed, name, stage, planned, parcel, uscc, industry, stage dates)
    drafts: list[tuple[date | None, str, str, float, str, str, str, dict[str, date]]] = []
    for e in enterprises:
        for h in e.holdings:
            if h.acquired is None or h.acquired.year < FIRST_YEAR or (
                    e.origin == "small_entrant" and h.area_dm2 < mu_to_dm2(MIN_PROJECT_MU)):
                continue
            signed = h.acquired - timedelta(days=int(rng.integers(60, 240)))
            per_mu = intensity.get(id(h)) or float(rng.integers(20, 41) * 10)
            planned = round(h.area_dm2 / DM2_PER_MU * per_mu * float(rng.uniform(1.0, 1.3)), 1)
            kind = "技改扩建项目" if e.origin == "incumbent" else "项目"
            name = f"{e.name.removesuffix('有限公司')}{_product(rng, e.industry)}{kind}"
            stage = _stage(e, h)
            drafts.append((signed, name, stage, planned, h.parcel_id, e.uscc, e.industry,
                           _stage_dates(rng, stage, signed, e, h)))
        if e.origin == "signed":
            signed_on = e.established - timedelta(days=int(rng.integers(10, 60)))
            name = f"{e.name.removesuffix('有限公司')}{_product(rng, e.industry)}项目"
            planned = float(rng.integers(200, 1500) * 100)
            drafts.append((signed_on, name, "signed", planned, "", e.uscc, e.industry,
                           _stage_dates(rng, "signed", signed_on, None, None)))
    for _ in range(8):
        industry = str(rng.choice(_NEGOTIATED))
        name = f"{_product(rng, industry)}项目（洽谈中）"
        planned = float(rng.integers(100, 1000) * 100)
        drafts.append((None, name, "negotiating", planned, "", "", industry,
                       _stage_dates(rng, "negotiating", None, None, None)))
    drafts.sort(key=lambda d: (d[0] or date.max, d[1]))
    projects = []
    for n, (when, name, stage, planned, parcel, uscc, industry, dates) in enumerate(drafts,
                                                                                 start=1):
        low, high = _SPENT[stage]
        actual = round(planned * float(rng.uniform(low, high)), 1) if high else 0.0
        projects.append(Project(
            project_id=f"XM{n:04d}", name=name, stage=stage, planned_investment_wan=planned,
            actual_investment_wan=actual,
            lead=str(rng.choice(LEADS)), parcel_id=parcel, uscc=uscc, signed=when,
            industry_code=industry, stage_dates=dates))
    return projects


def industrial_investment(rng: np.random.Generator) -> dict[int, float]:
    """County industrial investment (工业投资, 万元) per year, the fifth 翻番 target's baseline."""
    value = float(rng.uniform(240_000, 280_000))
    out = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        out[year] = round(value, 1)
        value *= float(np.exp(rng.normal(0.13, 0.05)))
    return out

