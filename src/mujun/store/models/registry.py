"""The enterprise registry (企业库, platform.md module 1)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mujun.engine.texts import N_
from mujun.store.models.base import Base, Versioned, utcnow


class Lifecycle(StrEnum):
    """筹建 → 在建 → 投产 → 规上 → 迁出/注销 (the codes of the demo county's registry)."""

    PLANNING = "planning"
    BUILDING = "building"
    PRODUCING = "producing"
    ABOVE_SCALE = "above_scale"
    MOVED_OUT = "moved_out"
    DEREGISTERED = "deregistered"

    @property
    def label_zh(self) -> str:
        return LIFECYCLE_ZH[self]


LIFECYCLE_ZH = {
    Lifecycle.PLANNING: N_("筹建"),
    Lifecycle.BUILDING: N_("在建"),
    Lifecycle.PRODUCING: N_("投产"),
    Lifecycle.ABOVE_SCALE: N_("规上"),
    Lifecycle.MOVED_OUT: N_("迁出"),
    Lifecycle.DEREGISTERED: N_("注销"),
}


class Enterprise(Versioned, Base):
    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(64), index=True)
    park: Mapped[str | None] = mapped_column(String(64), index=True)
    industry_code: Mapped[str | None] = mapped_column(String(8))
    #: 规上 / 规下 (the current scale; each year's is the stats figure ``above_scale``)
    above_scale: Mapped[bool | None]
    lifecycle: Mapped[str | None] = mapped_column(String(16))
    established: Mapped[date | None]
    #: the year it moved out or closed (no figures from that year on)
    left_year: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tags: Mapped[list[EnterpriseTag]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan", order_by="EnterpriseTag.tag"
    )

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]


class EnterpriseTag(Base):
    """高新, 专精特新, 上市, 未来工厂/智能工厂 … (free text, one row per tag)."""

    __tablename__ = "enterprise_tags"
    __table_args__ = (UniqueConstraint("enterprise_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(32), index=True)

    enterprise: Mapped[Enterprise] = relationship(back_populates="tags")
