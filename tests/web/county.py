"""A small county for the web tests, loaded through the store's own services.

Twelve enterprises in two towns, figures for 2020 and 2021 imported department by department,
a parcel each (with a GeoJSON rectangle), monthly power readings with four alerts
(``monitoring_data.py``), five users (one per role), the 2020 run final and the
2021 run in public notice.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.web import monitoring_data

from mujun.engine.uscc import ALPHABET, check_char
from mujun.services import runs, users
from mujun.services.imports import import_file
from mujun.services.schemas import UserCreate, UserUpdate
from mujun.store.models import Enterprise, Parcel

PASSWORD = "demo-pass-123"
TOWNS = ("西屏街道", "水南街道")
YEARS = (2020, 2021)
#: the clock of the fixture: the 2021 run was published at T0 (notice 10 days)
T0 = datetime(2022, 5, 1, 9, 0, tzinfo=UTC)


def uscc(n: int) -> str:
    body = "91331124" + f"{n:09d}"
    body = "".join(ch if ch in ALPHABET else "0" for ch in body)[:17]
    return body + check_char(body)


N = 12
CODES = [uscc(i + 1) for i in range(N)]
NAMES = [f"松阳测试{i + 1:02d}有限公司" for i in range(N)]


def town_of(i: int) -> str:
    return TOWNS[i % 2]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def department_files(folder: Path, year: int) -> dict[str, Path]:
    k = 1 + (year - 2020) * 0.1  # everything grows 10 % a year
    stats = _write(folder / f"stats-{year}.csv", [
        "统一社会信用代码", "企业名称", "乡镇街道", "行业代码", "是否规上", "投产日期",
        "工业增加值(万元)", "营业收入(万元)", "研发经费支出(万元)", "年平均职工人数(人)",
        "综合能耗(吨标准煤)", "高新技术企业", "专精特新", "上市企业", "省级以上研发机构"],
        [[CODES[i], NAMES[i], town_of(i), "33" if i % 3 else "31", "是" if i < 8 else "否",
          "2015-03-01", round((500 + 150 * i) * k, 2), round((3000 + 900 * i) * k, 2),
          round((30 + 10 * i) * k, 2), 50 + 10 * i, 400 + 20 * i, "是" if i == 3 else "否",
          "否", "否", "否"] for i in range(N)])
    tax = _write(folder / f"tax-{year}.csv",
                 ["统一社会信用代码", "企业名称", "实缴税收(万元)", "城镇土地使用税应纳额(万元)"],
                 [[CODES[i], NAMES[i], round((40 + 25 * ((i * 7) % N)) * k, 2), 3.0]
                  for i in range(N)])
    land = _write(folder / f"land-{year}.csv",
                  ["统一社会信用代码", "企业名称", "自有用地面积(平方米)"],
                  [[CODES[i], NAMES[i], 6000 + 1000 * i] for i in range(N)])
    power = _write(folder / f"power-{year}.csv",
                   ["统一社会信用代码", "企业名称", "用电量(千瓦时)", "用水量(吨)"],
                   [[CODES[i], NAMES[i], 100000 * (i + 1), 2000 * (i + 1)] for i in range(N)])
    env = _write(folder / f"env-{year}.csv",
                 ["统一社会信用代码", "企业名称", "主要污染物排放当量(吨)"],
                 [[CODES[i], NAMES[i], 2 + i] for i in range(N)])
    return {"stats": stats, "tax": tax, "land": land, "power": power, "env": env}


def rectangle(i: int) -> dict[str, object]:
    x, y = 119.40 + 0.004 * (i % 4), 28.40 + 0.003 * (i // 4)
    ring = [[x, y], [x + 0.003, y], [x + 0.003, y + 0.002], [x, y + 0.002], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def load(session: Session, folder: Path) -> None:
    admin = users.ensure_admin(session=session)
    users.update_user(session=session, actor=None, username="admin",
                      user_in=UserUpdate(password=PASSWORD))
    for year in YEARS:
        for dept, path in department_files(folder, year).items():
            result = import_file(session=session, actor=admin, path=path, department_code=dept,
                                 year=year, now=T0 - timedelta(days=400))
            assert result.ok, result.errors
    session.flush()
    for i, code in enumerate(CODES):
        ent = session.query(Enterprise).filter_by(uscc=code).one()
        session.add(Parcel(parcel_code=f"331124-T-{i + 1:03d}", area_m2=6000 + 1000 * i,
                           owner_id=ent.id, town=town_of(i), zone="测试园区", use="工业",
                           geometry=rectangle(i)))
    monitoring_data.load(session, CODES)
    # sold to an enterprise of the other town and never built on since its agreed start (more
    # than two years before today): reclaimable (land.md §2; reserve land is never idle)
    owner = session.query(Enterprise).filter_by(uscc=CODES[3]).one()
    session.add(Parcel(parcel_code="331124-T-900", area_m2=20000, town=TOWNS[0], use="工业",
                       owner_id=owner.id, agreed_construction_start=date(2019, 1, 1),
                       geometry=rectangle(13)))
    for name, role, extra in (
        ("clerk", "clerk", {"department": "tax"}),
        ("officer", "officer", {"town": TOWNS[0]}),
        ("ent", "enterprise", {"uscc": CODES[0]}),
        ("ent2", "enterprise", {"uscc": CODES[1]}),
        ("leader", "leader", {}),
    ):
        users.create_user(session=session, actor=admin, user_in=UserCreate(
            username=name, display_name=name, role=role, password=PASSWORD, **extra))
    r2020 = runs.create_run(session=session, actor=admin, year=2020, now=T0 - timedelta(days=60))
    runs.publish_run(session=session, actor=admin, run_id=r2020.id, now=T0 - timedelta(days=60))
    runs.finalize_run(session=session, actor=admin, run_id=r2020.id, now=T0 - timedelta(days=30))
    r2021 = runs.create_run(session=session, actor=admin, year=2021, now=T0)
    runs.publish_run(session=session, actor=admin, run_id=r2021.id, now=T0)
    session.commit()


def add_clerk(engine: Engine, username: str, department: str, display_name: str) -> str:
    """A clerk of ``department`` added to the test's store (the fixture county has only the tax
    department's); signs in with ``PASSWORD``."""
    with Session(engine) as session:
        admin = users.ensure_admin(session=session)
        users.create_user(session=session, actor=admin, user_in=UserCreate(
            username=username, display_name=display_name, role="clerk", department=department,
            password=PASSWORD))
        session.commit()
    return username
