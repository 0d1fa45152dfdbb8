"""County-level annual statistics that belong to no single enterprise (platform.md module 8).

Today: 工业投资 (industrial investment, 万元), one of the 五个翻番 targets. A figure is keyed by
year and name, so other county series can join it without a new table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mujun.store.models.base import Base, utcnow

INDUSTRIAL_INVESTMENT = "industrial_investment_wan"


class CountyFigure(Base):
    __tablename__ = "county_figures"
    __table_args__ = (UniqueConstraint("year", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    #: the series, e.g. ``industrial_investment_wan`` (the unit is part of the name)
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[float]
    #: where the figure comes from, e.g. 统计局 or the demo file
    source: Mapped[str] = mapped_column(String(128), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
