"""Building department files for tests."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from mujun.engine.uscc import ALPHABET, check_char


def make_uscc(n: int, prefix: str = "91331124") -> str:
    """A valid credit code numbered ``n`` (deterministic)."""
    body = prefix + f"{n:09d}"
    body = "".join(ch if ch in ALPHABET else "0" for ch in body)[:17]
    return body + check_char(body)


def write_csv(
    path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


STATS_HEADER = ["统一社会信用代码", "企业名称", "乡镇街道", "行业代码", "是否规上", "投产日期",
                "工业增加值(万元)", "营业收入(万元)", "研发经费支出(万元)", "年平均职工人数(人)",
                "综合能耗(吨标准煤)", "高新技术企业", "专精特新", "上市企业", "省级以上研发机构"]


def stats_rows(n: int, seed: int = 1, start: int = 0) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = []
    for i in range(start, start + n):
        rows.append([
            make_uscc(i), f"企业{i}有限公司", rng.choice(["西屏街道", "水南街道", "望松街道"]),
            rng.choice(["33", "34", "13"]), rng.choice(["是", "否"]),
            f"20{rng.randint(10, 19)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            round(rng.uniform(100, 20000), 2), round(rng.uniform(500, 90000), 2),
            round(rng.uniform(0, 900), 2), rng.randint(5, 900), round(rng.uniform(10, 9000), 1),
            rng.choice(["是", "否"]), "否", "否", rng.choice(["1", "0"]),
        ])
    return rows


def write_stats(path: Path, n: int, seed: int = 1) -> Path:
    return write_csv(path, STATS_HEADER, stats_rows(n, seed))


def write_tax(path: Path, n: int, seed: int = 2, yuan: bool = False) -> Path:
    rng = random.Random(seed)
    unit = "元" if yuan else "万元"
    header = ["统一社会信用代码", "企业名称", f"实缴税收({unit})", f"城镇土地使用税应纳额({unit})"]
    factor = 10000 if yuan else 1
    rows = [[make_uscc(i), f"企业{i}有限公司", round(rng.uniform(-50, 5000), 2) * factor,
             round(rng.uniform(0, 60), 2) * factor] for i in range(n)]
    return write_csv(path, header, rows)


def table_counts(session: object) -> dict[str, int]:
    """Row count of every table: a cheap fingerprint of "nothing was written"."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from mujun.store.models import Base

    assert isinstance(session, Session)
    return {name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()}


def store_fingerprint(session: object) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (sorted): equality means the store did not change at all."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from mujun.store.models import Base

    assert isinstance(session, Session)
    return {name: sorted((tuple(r) for r in session.execute(select(table)).all()), key=repr)
            for name, table in Base.metadata.tables.items()}


def write_land(path: Path, n: int, seed: int = 3) -> Path:
    rng = random.Random(seed)
    header = ["统一社会信用代码", "自有用地面积(平方米)", "租入用地面积(平方米)",
              "租出用地面积(平方米)"]
    rows = [[make_uscc(i), round(rng.uniform(3000, 60000), 2), "", ""] for i in range(n)]
    return write_csv(path, header, rows)


def load_county(
    session: object, actor: object, folder: Path, n: int = 30, year: int = 2024
) -> None:
    """A small county: stats, tax and land figures of ``n`` enterprises for ``year``."""
    from sqlalchemy.orm import Session

    from mujun.services.imports import import_file

    assert isinstance(session, Session)
    for dept, path in (("stats", write_stats(folder / f"s{year}.csv", n, seed=year)),
                       ("tax", write_tax(folder / f"t{year}.csv", n, seed=year + 1)),
                       ("land", write_land(folder / f"l{year}.csv", n, seed=year + 2))):
        result = import_file(session=session, actor=actor,  # type: ignore[arg-type]
                             path=path, department_code=dept, year=year)
        assert result.ok, result.errors[:3]
    session.commit()


POWER_HEADER = ["统一社会信用代码", "月份", "用电量(千瓦时)"]


def write_power(path: Path, rows: list[list[object]]) -> Path:
    """A monthly power file (docs/monitoring.md, "The power file"): code, month, kWh."""
    return write_csv(path, POWER_HEADER, rows)
