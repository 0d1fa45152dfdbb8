"""Programmes of the 2021 plan (platform.md module 7, targets.md §3): the 六百工程 / 千名 talent
register, the 股改上市 pipeline and the incentive payments (奖补兑现)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mujun.store.models.base import Base, Versioned, utcnow

# The codes of categories, stages and programmes, with their labels: engine/programmes/registers.py.


class TalentPerson(Base):
    """One person of the talent register: no personal data beyond the pseudonym."""

    __tablename__ = "talent"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the register's own id of the person (e.g. RC0001), unique
    person_code: Mapped[str] = mapped_column(String(32), unique=True)
    pseudonym: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32), index=True)
    #: the year recruited
    year: Mapped[int] = mapped_column(index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    town: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class IpoRecord(Versioned, Base):
    """An enterprise's place in the 股改上市 pipeline: its stage (the furthest reached) and the
    date each stage was reached (empty: not given). The one source of an enterprise's IPO stage."""

    __tablename__ = "ipo_pipeline"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), unique=True)
    stage: Mapped[str] = mapped_column(String(16), index=True)
    reform_on: Mapped[date | None]
    tutoring_on: Mapped[date | None]
    filed_on: Mapped[date | None]
    listed_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class IncentivePayment(Versioned, Base):
    """奖补兑现: one programme's payment to one enterprise for one year, in 万元."""

    __tablename__ = "incentive_payments"
    __table_args__ = (UniqueConstraint("enterprise_id", "year", "programme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    programme: Mapped[str] = mapped_column(String(32), index=True)
    amount_wan: Mapped[float]
    paid_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
