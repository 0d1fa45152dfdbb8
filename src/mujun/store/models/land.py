"""Land parcels, leases and standard-land commitments (地块 / 标准地, platform.md module 2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mujun.store.models.base import Base, Versioned, utcnow


class Parcel(Versioned, Base):
    __tablename__ = "parcels"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_code: Mapped[str] = mapped_column(String(64), unique=True)
    area_m2: Mapped[float]
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    use: Mapped[str | None] = mapped_column(String(32))
    town: Mapped[str | None] = mapped_column(String(64))
    #: industrial zone or park (园区), e.g. 赤寿工业园区
    zone: Mapped[str | None] = mapped_column(String(64), index=True)
    #: sold as 标准地 (with commitments)
    standard_land: Mapped[bool] = mapped_column(default=False, server_default=false())
    acquired_on: Mapped[date | None]
    #: the construction start agreed in the land contract (idle after one year past it)
    agreed_construction_start: Mapped[date | None]
    construction_started_on: Mapped[date | None]
    #: GeoJSON geometry (a Polygon or MultiPolygon, WGS 84)
    geometry: Mapped[dict[str, Any] | None]
    #: 出让价款 (万元), the base of the idle fee and of the 标准地 penalties (land.md §2–§3)
    land_price_wan: Mapped[float | None]
    #: 总建筑面积 (m²), for the plot ratio
    floor_area_m2: Mapped[float | None]
    #: why construction is late, when the county accepts it: ``government`` or ``force_majeure``
    delay_cause: Mapped[str | None] = mapped_column(String(16))
    #: the 自然资源 import that last set a value of the parcel (None: the demo or an older store)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    leases: Mapped[list[Lease]] = relationship(
        back_populates="parcel", cascade="all, delete-orphan"
    )
    commitment: Mapped[StandardLandCommitment | None] = relationship(
        back_populates="parcel", cascade="all, delete-orphan"
    )


class ParcelChange(Base):
    """A parcel value that an import changed: before and after, as the text of the value (a date
    ISO, a number as written by ``repr``, the geometry as JSON; None = empty)."""

    __tablename__ = "parcel_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id", ondelete="CASCADE"),
                                           index=True)
    #: the land.md §1 key (``area_m2``, ``land_price_wan``, ``geometry`` …)
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    #: why: given when an import's changes are accepted
    reason: Mapped[str | None] = mapped_column(String(500))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Lease(Versioned, Base):
    __tablename__ = "leases"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id", ondelete="CASCADE"), index=True)
    lessor_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    lessee_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    area_m2: Mapped[float]
    start_on: Mapped[date | None]
    end_on: Mapped[date | None]

    parcel: Mapped[Parcel] = relationship(back_populates="leases")


class StandardLandCommitment(Versioned, Base):
    """标准地 commitments, checked at 达产复核 against actual figures."""

    __tablename__ = "standard_land_commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int] = mapped_column(
        ForeignKey("parcels.id", ondelete="CASCADE"), unique=True
    )
    investment_wan_per_mu: Mapped[float | None]  # 投资强度 (万元/亩)
    plot_ratio: Mapped[float | None]  # 容积率
    tax_wan_per_mu: Mapped[float | None]  # 亩均税收 (万元/亩)
    energy_tce_per_wan: Mapped[float | None]  # 单位能耗 (吨标准煤/万元)
    #: years in production after which the commitments are reviewed (达产复核)
    review_after_years: Mapped[int | None]
    penalty: Mapped[str | None] = mapped_column(String(500))

    parcel: Mapped[Parcel] = relationship(back_populates="commitment")
