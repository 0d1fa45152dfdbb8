"""The demo county's monthly power readings in the store (docs/demo-data.md): the power file
through the power clerk's import, the months 2021-01 … 2025-12 monitored, and a few alerts of
2024 closed by the town officer's visit note in January 2025, as a county that has used mujun for
a while would show them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.services.errors import InvalidInput
from mujun.services.monitoring.alerts import MonthApplied, apply_new_months
from mujun.services.monitoring.readings import import_readings
from mujun.services.monitoring.visits import record_visit
from mujun.store.models import User
from mujun.store.models.monitoring import Alert, AlertStatus

#: written by ``mujun demo-data`` (``demo/power.py``)
POWER_FILE = "power-monthly.csv"
FIRST_MONTH = date(2021, 1, 1)
#: the months up to this one are monitored before the visits, the rest after
VISITS_AFTER = date(2024, 12, 1)
#: (level, day of the visit, note): each closes the oldest alert of its level still open after
#: ``VISITS_AFTER``
VISITS = (
    ("declining", date(2025, 1, 8), "走访核实：企业去年下半年更换生产线，设备调试期间用电减少，"
                                    "新线已于本月投产，列入季度回访。"),
    ("declining", date(2025, 1, 15), "走访核实：主要客户订单转移，企业正在开拓新市场；已对接经信局"
                                     "技改政策和金融服务中心融资需求。"),
    ("silent", date(2025, 1, 22), "走访核实：企业厂区搬迁合并，电表户号变更导致数据中断，"
                                  "已请供电公司核对新户号。"),
)


def load_demo_power(*, session: Session, actor: User | None, folder: Path
                    ) -> list[MonthApplied]:
    """The demo's readings and alerts; nothing when the folder has no power file (demo files
    written before the monthly readings existed)."""
    path = folder / POWER_FILE
    if not path.exists():
        return []
    result = import_readings(session, path, actor=actor, monitor_months=False)
    if not result.ok:
        raise InvalidInput(f"demo {POWER_FILE}: {len(result.errors)} 个错误，未导入 "
                           f"(errors; nothing loaded): {result.errors[0]}")
    done = apply_new_months(session, first=FIRST_MONTH, until=VISITS_AFTER, actor=actor)
    close_demo_visits(session=session, actor=actor)
    return done + apply_new_months(session, actor=actor)


def close_demo_visits(*, session: Session, actor: User | None) -> list[Alert]:
    """Close, for each of the demo's visit notes, the oldest open alert of its level."""
    closed: list[Alert] = []
    for level, day, note in VISITS:
        alert = session.scalars(
            select(Alert).where(Alert.status == AlertStatus.OPEN, Alert.level == level)
            .order_by(Alert.opened_month, Alert.id).limit(1)).first()
        if alert is None:
            continue
        closed.append(record_visit(session, alert, actor=actor, note=note, visited_on=day))
    return closed
