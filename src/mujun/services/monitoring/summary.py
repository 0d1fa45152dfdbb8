"""The cockpit's monitoring section (docs/monitoring.md "In the web"): open alerts counted per
level by town and by industry, and the county's monthly kWh of the newest monitored year against
the year before. Counts only: the leader sees no enterprise here."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.services import access
from mujun.services.access import Action
from mujun.services.industries import industry_label
from mujun.services.monitoring.usage import YearKwh, county_year
from mujun.services.monitoring.views import ALERT_LEVELS, month_text
from mujun.store.models import Enterprise, User
from mujun.store.models.monitoring import Alert, AlertStatus, MonitoredMonth


class LevelCounts(BaseModel):
    #: the town or industry code ("" when the enterprise has none)
    key: str
    label: str
    stopped: int
    declining: int
    silent: int
    total: int


class AlertSummary(BaseModel):
    #: the newest monitored month (None: no month monitored yet)
    last_month: str | None
    counts: dict[str, int]
    total: int
    by_town: list[LevelCounts]
    by_industry: list[LevelCounts]
    usage: YearKwh


def _by(session: Session, column: Any, label: Any) -> list[LevelCounts]:
    query = select(column, Alert.level, func.count()) \
        .join(Enterprise, Enterprise.id == Alert.enterprise_id) \
        .where(Alert.status == AlertStatus.OPEN).group_by(column, Alert.level)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for key, level, n in session.execute(query):
        counts[key or ""][level] = int(n)
    rows = [LevelCounts(key=k, label=label(k), total=sum(c.values()),
                        **{level: c.get(level, 0) for level in ALERT_LEVELS})
            for k, c in counts.items()]
    # the places with the most open alerts first
    return sorted(rows, key=lambda r: (-r.total, r.key))


def alert_summary(*, session: Session, actor: User) -> AlertSummary:
    """County-wide, for the cockpit's readers."""
    access.require(actor, Action.COCKPIT)
    by_town = _by(session, Enterprise.town, lambda k: k or "—")
    by_industry = _by(session, Enterprise.industry_code, lambda k: industry_label(k or None))
    counts = {level: sum(getattr(r, level) for r in by_town) for level in ALERT_LEVELS}
    return AlertSummary(
        last_month=month_text(session.scalar(select(func.max(MonitoredMonth.month)))),
        counts=counts, total=sum(counts.values()), by_town=by_town, by_industry=by_industry,
        usage=county_year(session, actor))
