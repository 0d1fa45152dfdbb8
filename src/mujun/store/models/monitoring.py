"""Monitoring between evaluations (docs/monitoring.md): the power company's monthly readings, the
months whose signals have been worked out, each enterprise's signals of such a month, and the
alerts (预警) they open for the town's officer.

An alert is never deleted: it is closed, either by the enterprise being ``normal`` for two months in
a row (``recovered``) or by the officer's note of a visit (``visited``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mujun.store.models.base import Base, Versioned, utcnow


class PowerReading(Base):
    """One enterprise's use of one month (kWh), as the power department (供电) last gave it."""

    __tablename__ = "power_readings"
    # The one index serves an enterprise's months (portrait) and an import's lookup of its pairs.
    __table_args__ = (UniqueConstraint("enterprise_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    #: the month's first day
    month: Mapped[date] = mapped_column(index=True)
    kwh: Mapped[float]
    #: the import that last set the value (None: the demo's own loading)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PowerReadingChange(Base):
    """A reading that a later import changed: the value before and after, never lost, and the
    reason given when the change was accepted (docs/monitoring.md, "In the store")."""

    __tablename__ = "power_reading_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    reading_id: Mapped[int] = mapped_column(ForeignKey("power_readings.id"), index=True)
    old_kwh: Mapped[float]
    new_kwh: Mapped[float]
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: why the change was accepted (None: changed before acceptance was asked, migration 0019)
    reason: Mapped[str | None] = mapped_column(String(500))


class MonitoredMonth(Base):
    """A month whose signals have been worked out (as of that month) and applied to the alerts,
    with the policy version and the count per level."""

    __tablename__ = "monitored_months"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(unique=True)
    #: the policy whose ``monitoring:`` rules were used, e.g. "2025" or a stored version's label
    policy: Mapped[str] = mapped_column(String(64))
    silent: Mapped[int] = mapped_column(default=0)
    stopped: Mapped[int] = mapped_column(default=0)
    declining: Mapped[int] = mapped_column(default=0)
    normal: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PowerSignal(Base):
    """One enterprise's §2 signals as of one monitored month (empty where undefined)."""

    __tablename__ = "power_signals"
    __table_args__ = (UniqueConstraint("month", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date]
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    kwh_3m: Mapped[float | None]
    kwh_3m_last_year: Mapped[float | None]
    yoy_3m: Mapped[float | None]
    baseline: Mapped[float | None]
    #: silent, stopped, declining or normal
    level: Mapped[str] = mapped_column(String(16))


class AlertStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class AlertClosure(StrEnum):
    #: normal for two monitored months in a row
    RECOVERED = "recovered"
    #: the officer visited and wrote a note
    VISITED = "visited"
    #: the registry says the enterprise has left the county (迁出/注销): nobody to visit
    LEFT = "left"


class Alert(Versioned, Base):
    """预警: opened by a month in which the enterprise was not ``normal``; at most one open alert
    per enterprise (a later month's level updates ``level``)."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_status_enterprise", "status", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=AlertStatus.OPEN)
    #: the month that opened it and its level then
    opened_month: Mapped[date]
    opened_level: Mapped[str] = mapped_column(String(16))
    #: the latest monitored month applied to it and the level that month
    last_month: Mapped[date]
    level: Mapped[str] = mapped_column(String(16))
    #: monitored months in a row, up to ``last_month``, in which the enterprise was normal
    normal_months: Mapped[int] = mapped_column(default=0)
    closed_month: Mapped[date | None]
    #: recovered, visited or left (AlertClosure)
    closed_reason: Mapped[str | None] = mapped_column(String(16))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    #: the officer's note of the visit (走访记录), required to close by visit
    visit_note: Mapped[str | None] = mapped_column(Text)
    #: the day of the visit, as the officer gives it
    visited_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
