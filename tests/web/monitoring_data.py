"""The test county's monthly power readings, signals and alerts (docs/monitoring.md), written
through the models (the store's import and alert rules are tested in tests/store).

Readings 2020-01 … 2022-03 for every enterprise, with a season; enterprise 01 (西屏街道, the
officer's town) stops in 2022-02, 02 (水南街道) uses 40 % less from 2021-12, 05 (西屏街道) has no
reading after 2022-01. The signals of 2022-01 … 2022-03 are the engine's; the alerts are the
ones those months open:

| alert | enterprise | town | state |
|---|---|---|---|
| 1 | 01 | 西屏街道 | open: 停产预警 since 2022-03 |
| 2 | 02 | 水南街道 | open: 减产预警 since 2022-02 |
| 3 | 03 | 西屏街道 | closed in 2022-01, normal two months in a row (recovered) |
| 4 | 05 | 西屏街道 | open: 数据中断 in 2022-03 |
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa
from sqlalchemy.orm import Session

from mujun.engine.monitoring import monitor, months
from mujun.engine.policy import MonitoringRules
from mujun.store.models import Enterprise
from mujun.store.models.monitoring import Alert, MonitoredMonth, PowerReading, PowerSignal

FIRST, LAST = months.index(2020, 1), months.index(2022, 3)
MONITORED = [months.index(2022, m) for m in (1, 2, 3)]
#: a month's share of the year's use (winter and summer peaks)
SEASON = (0.09, 0.06, 0.08, 0.08, 0.08, 0.09, 0.09, 0.09, 0.08, 0.08, 0.09, 0.09)
RULES = MonitoringRules(min_baseline_months=6, stop_share=0.1, decline_share=0.3)


def kwh(i: int, m: int) -> float | None:
    """Enterprise ``i``'s (0-based) reading of month index ``m`` (None: missing)."""
    year, month = divmod(m, 12)
    value = 100_000 * (i + 1) * (1 + (year - 2020) * 0.1) * SEASON[month]
    if i == 0 and m >= months.index(2022, 2):
        return round(value * 0.05)
    if i == 1 and m >= months.index(2021, 12):
        return round(value * 0.6)
    if i == 4 and m > months.index(2022, 1):
        return None
    return round(value)


def load(session: Session, codes: list[str]) -> None:
    ids = {e.uscc: e.id for e in session.query(Enterprise).filter(Enterprise.uscc.in_(codes))}
    rows = [(code, months.first_day(m), kwh(i, m)) for i, code in enumerate(codes)
            for m in range(FIRST, LAST + 1) if kwh(i, m) is not None]
    session.add_all(PowerReading(enterprise_id=ids[c], month=d, kwh=float(k)) for c, d, k in rows)
    readings = pa.table({"uscc": [c for c, _, _ in rows], "month": [d for _, d, _ in rows],
                         "kwh": [float(k) for _, _, k in rows]})
    for m in MONITORED:
        out = monitor(readings, m, RULES).to_pylist()
        session.add_all(PowerSignal(month=months.first_day(m), enterprise_id=ids[r["uscc"]],
                                    **{k: r[k] for k in ("kwh_3m", "kwh_3m_last_year", "yoy_3m",
                                                         "baseline", "level")}) for r in out)
        counts = {level: sum(r["level"] == level for r in out)
                  for level in ("silent", "stopped", "declining", "normal")}
        session.add(MonitoredMonth(month=months.first_day(m), policy="test", **counts))
    march, feb, jan = date(2022, 3, 1), date(2022, 2, 1), date(2022, 1, 1)
    session.add_all([
        Alert(enterprise_id=ids[codes[0]], opened_month=march, opened_level="stopped",
              last_month=march, level="stopped"),
        Alert(enterprise_id=ids[codes[1]], opened_month=feb, opened_level="declining",
              last_month=march, level="declining"),
        Alert(enterprise_id=ids[codes[2]], opened_month=date(2021, 10, 1),
              opened_level="declining", last_month=jan, level="declining", normal_months=2,
              status="closed", closed_month=jan, closed_reason="recovered"),
        Alert(enterprise_id=ids[codes[4]], opened_month=march, opened_level="silent",
              last_month=march, level="silent"),
    ])
    session.flush()
