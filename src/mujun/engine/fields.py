"""The canonical input fields of evaluation.md §1 and the incident types.

One table drives the readers, the validators, the templates and the engine, so a field's key,
Chinese header, type and constraints are written down once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mujun.engine.texts import N_


class FieldType(StrEnum):
    STR = "str"
    BOOL = "bool"
    DATE = "date"
    NUMBER = "number"


@dataclass(frozen=True)
class Field:
    key: str
    header_zh: str
    type: FieldType
    non_negative: bool = False
    #: empty cell means 0 (the three land fields), not missing
    empty_is_zero: bool = False
    unit: str = ""
    note: str = ""


S, B, D, N = FieldType.STR, FieldType.BOOL, FieldType.DATE, FieldType.NUMBER

FIELDS: tuple[Field, ...] = (
    Field("uscc", N_("统一社会信用代码"), S, note="GB 32100-2015"),
    Field("name", N_("企业名称"), S),
    Field("town", N_("乡镇街道"), S),
    Field("industry_code", N_("行业代码"), S, note="GB/T 4754-2017 两位大类"),
    Field("above_scale", N_("是否规上"), B),
    Field("production_start", N_("投产日期"), D),
    Field("land_owned_m2", N_("自有用地面积(平方米)"), N, True, True, N_("平方米")),
    Field("land_leased_in_m2", N_("租入用地面积(平方米)"), N, True, True, N_("平方米")),
    Field("land_leased_out_m2", N_("租出用地面积(平方米)"), N, True, True, N_("平方米")),
    Field("tax_paid", N_("实缴税收(万元)"), N, unit=N_("万元")),
    Field("value_added", N_("工业增加值(万元)"), N, unit=N_("万元")),
    Field("revenue", N_("营业收入(万元)"), N, True, unit=N_("万元")),
    Field("rd_expense", N_("研发经费支出(万元)"), N, True, unit=N_("万元")),
    Field("employees", N_("年平均职工人数(人)"), N, True, unit=N_("人")),
    Field("energy_tce", N_("综合能耗(吨标准煤)"), N, True, unit=N_("吨标准煤")),
    Field("emissions_t", N_("主要污染物排放当量(吨)"), N, True, unit=N_("吨")),
    Field("electricity_kwh", N_("用电量(千瓦时)"), N, True, unit=N_("千瓦时")),
    Field("water_t", N_("用水量(吨)"), N, True, unit=N_("吨")),
    Field("land_use_tax_due", N_("城镇土地使用税应纳额(万元)"), N, True, unit=N_("万元")),
    Field("high_tech", N_("高新技术企业"), B),
    Field("specialized", N_("专精特新"), B),
    Field("listed", N_("上市企业"), B),
    Field("rd_center", N_("省级以上研发机构"), B),
)

FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
FIELD_BY_HEADER: dict[str, Field] = {f.header_zh: f for f in FIELDS}
NUMBER_FIELDS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.type is N)
BOOL_FIELDS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.type is B)
BONUS_FLAGS: tuple[str, ...] = ("high_tech", "specialized", "listed", "rd_center")

#: the derived field an indicator may name besides the canonical numbers
LAND_MU = "land_mu"
M2_PER_MU = 10000 / 15
#: fields an indicator's numerator or denominator may name
RATIO_FIELDS: frozenset[str] = frozenset(NUMBER_FIELDS) | {LAND_MU}


@dataclass(frozen=True)
class IncidentType:
    code: str
    label_zh: str


INCIDENT_TYPES: tuple[IncidentType, ...] = (
    IncidentType("safety_major", N_("较大及以上安全事故")),
    IncidentType("safety_general", N_("一般安全事故")),
    IncidentType("env_major", N_("重大环境污染事件")),
    IncidentType("env_penalty", N_("环境行政处罚")),
    IncidentType("tax_serious", N_("重大税收违法")),
    IncidentType("land_illegal", N_("违法用地")),
)
INCIDENT_CODES: frozenset[str] = frozenset(t.code for t in INCIDENT_TYPES)
INCIDENT_CODE_BY_LABEL: dict[str, str] = {t.label_zh: t.code for t in INCIDENT_TYPES}

#: incidents table: key, Chinese header
INCIDENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("uscc", "统一社会信用代码"),
    ("year", "年度"),
    ("type", "类型"),
    ("date", "日期"),
    ("note", "说明"),
)
