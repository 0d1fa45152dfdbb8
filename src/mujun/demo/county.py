"""The fixed facts of the demo county 松阳县: towns, industrial zones, industries, years.

Coordinates are schematic (WGS84 lon/lat near the real places, good enough for a map), not survey
data. Everything here is constant; all randomness lives in the modules that draw from it.
"""

from __future__ import annotations

from dataclasses import dataclass

DIVISION_CODE = "331124"
COUNTY = "松阳县"
YEARS: tuple[int, ...] = (2020, 2021, 2022, 2023, 2024, 2025)
FIRST_YEAR, LAST_YEAR = YEARS[0], YEARS[-1]
DEFAULT_SEED = 331124
#: 1 tce of electricity at the equivalent-value factor 0.1229 kgce/kWh
KWH_PER_TCE = 8137.0


@dataclass(frozen=True)
class Town:
    name: str
    lon: float
    lat: float


#: 3 街道, 5 镇, 12 乡 (板桥 is a 畲族乡), in the county's usual order
TOWNS: tuple[Town, ...] = (
    Town("西屏街道", 119.482, 28.452),
    Town("水南街道", 119.490, 28.430),
    Town("望松街道", 119.455, 28.465),
    Town("古市镇", 119.400, 28.385),
    Town("象溪镇", 119.545, 28.475),
    Town("大东坝镇", 119.440, 28.330),
    Town("新兴镇", 119.395, 28.480),
    Town("玉岩镇", 119.300, 28.500),
    Town("赤寿乡", 119.535, 28.400),
    Town("樟溪乡", 119.330, 28.440),
    Town("三都乡", 119.500, 28.520),
    Town("竹源乡", 119.420, 28.560),
    Town("四都乡", 119.440, 28.505),
    Town("安民乡", 119.250, 28.380),
    Town("裕溪乡", 119.560, 28.355),
    Town("枫坪乡", 119.300, 28.330),
    Town("斋坛乡", 119.350, 28.270),
    Town("板桥畲族乡", 119.580, 28.300),
    Town("叶村乡", 119.480, 28.370),
    Town("黄塘乡", 119.620, 28.420),
)
TOWN_BY_NAME = {t.name: t for t in TOWNS}
#: towns where tea is grown and processed (most small 精制茶 plants sit here)
TEA_TOWNS = ("新兴镇", "大东坝镇", "玉岩镇", "樟溪乡", "象溪镇", "古市镇", "四都乡", "三都乡",
             "竹源乡", "斋坛乡", "枫坪乡", "安民乡", "裕溪乡", "板桥畲族乡", "叶村乡", "赤寿乡")


@dataclass(frozen=True)
class Zone:
    """An industrial zone laid out as rows of rectangular plots east and south of ``origin``."""

    code: str  # the middle part of a parcel id, e.g. 331124-CS-001
    name: str
    town: str
    park: str  # the park name in the registry; "" for a town's scattered industrial sites
    lon: float  # north-west corner
    lat: float
    row_width_m: float
    #: 城镇土地使用税 rate (元/m²) of the land grade
    land_tax_yuan_per_m2: float
    opened: int  # first year plots were sold here


PARKS: tuple[Zone, ...] = (
    Zone("SY", "松阳工业园区", "水南街道", "松阳工业园区", 119.466, 28.426, 3000, 6.0, 1998),
    Zone("CS", "赤寿工业园区", "赤寿乡", "赤寿工业园区", 119.515, 28.400, 3000, 4.5, 2004),
    Zone("ZZ", "智能制造新城", "望松街道", "智能制造新城", 119.420, 28.478, 2000, 6.0, 2021),
    Zone("XW", "水南小微企业园", "水南街道", "水南小微企业园", 119.503, 28.444, 500, 6.0, 2016),
    Zone("GX", "古市小微企业园", "古市镇", "古市小微企业园", 119.380, 28.398, 450, 4.5, 2017),
)
#: each town's scattered industrial sites (乡镇工业点), zone code T01..T20 in TOWNS order
TOWN_SITES: tuple[Zone, ...] = tuple(
    Zone(f"T{i:02d}", f"{t.name}工业点", t.name, "", round(t.lon - 0.004, 4),
         round(t.lat + 0.012, 4), 1000, 3.0, 1990)
    for i, t in enumerate(TOWNS, start=1)
)
ZONES: tuple[Zone, ...] = PARKS + TOWN_SITES
ZONE_BY_CODE = {z.code: z for z in ZONES}
TOWN_SITE_BY_TOWN = {z.town: z for z in TOWN_SITES}


@dataclass(frozen=True)
class Industry:
    """A GB/T 4754-2017 major class as it appears in the county, with typical intensities."""

    code: str
    name: str
    share_above: float
    share_below: float
    #: the business part of company names, e.g. 不锈钢管业
    trades: tuple[str, ...]
    #: per 万元 of revenue: tce of energy, tonnes of pollutant equivalent, tonnes of water
    energy: float
    emissions: float
    water: float
    #: value added / revenue, revenue per employee (万元)
    va_rate: float
    revenue_per_worker: float


INDUSTRIES: tuple[Industry, ...] = (
    Industry("31", "黑色金属冶炼和压延加工业", 0.34, 0.12,
             ("不锈钢管业", "不锈钢管材", "特钢管业", "钢管制造", "不锈钢无缝管"),
             0.030, 0.0020, 1.2, 0.17, 160),
    Industry("33", "金属制品业", 0.12, 0.12, ("管件", "法兰", "金属制品", "五金制品", "不锈钢制品"),
             0.020, 0.0015, 0.8, 0.22, 90),
    Industry("34", "通用设备制造业", 0.09, 0.07, ("阀门", "泵业", "流体设备", "机械制造", "轴承"),
             0.012, 0.0006, 0.5, 0.26, 75),
    Industry("35", "专用设备制造业", 0.08, 0.07, ("茶叶机械", "茶机制造", "农业机械", "智能装备"),
             0.010, 0.0004, 0.4, 0.28, 60),
    Industry("15", "酒、饮料和精制茶制造业", 0.08, 0.24, ("茶业", "茶叶", "名茶", "茶叶加工"),
             0.028, 0.0005, 2.0, 0.25, 45),
    Industry("13", "农副食品加工业", 0.02, 0.04, ("农产品加工", "食品加工", "粮油"),
             0.020, 0.0008, 2.5, 0.18, 55),
    Industry("14", "食品制造业", 0.02, 0.03, ("食品", "茶食品", "生物食品"),
             0.018, 0.0007, 2.0, 0.24, 50),
    Industry("20", "木材加工和木、竹、藤、棕、草制品业", 0.03, 0.07, ("竹木制品", "木业", "竹业"),
             0.025, 0.0010, 0.6, 0.20, 45),
    Industry("21", "家具制造业", 0.02, 0.03, ("家具", "家居"), 0.015, 0.0008, 0.4, 0.23, 40),
    Industry("26", "化学原料和化学制品制造业", 0.04, 0.02, ("新材料科技", "化工", "涂料"),
             0.050, 0.0030, 1.5, 0.24, 120),
    Industry("27", "医药制造业", 0.01, 0.01, ("中药饮片", "生物医药"),
             0.020, 0.0012, 1.8, 0.35, 70),
    Industry("29", "橡胶和塑料制品业", 0.04, 0.04, ("塑业", "橡塑制品", "塑料制品"),
             0.030, 0.0010, 0.5, 0.21, 70),
    Industry("30", "非金属矿物制品业", 0.03, 0.05, ("新型建材", "石材", "新材料"),
             0.080, 0.0030, 0.9, 0.26, 80),
    Industry("38", "电气机械和器材制造业", 0.03, 0.03, ("电器", "电气", "电机"),
             0.010, 0.0004, 0.3, 0.23, 70),
    Industry("39", "计算机、通信和其他电子设备制造业", 0.02, 0.02, ("电子科技", "光电"),
             0.012, 0.0004, 0.6, 0.25, 55),
    Industry("18", "纺织服装、服饰业", 0.01, 0.02, ("服饰", "制衣"), 0.008, 0.0003, 0.5, 0.25, 25),
    Industry("41", "其他制造业", 0.02, 0.02, ("工艺品", "文创用品"), 0.010, 0.0005, 0.4, 0.28, 30),
)
INDUSTRY_BY_CODE = {i.code: i for i in INDUSTRIES}
#: the metal pillar (不锈钢管材 and its up/downstream)
METAL = ("31", "33", "34")
