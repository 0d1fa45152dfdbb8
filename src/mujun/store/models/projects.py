"""Investment projects (招商/重大项目, platform.md module 6) and the history of their stages.

A project's ``stage`` is its current stage; ``ProjectStage`` rows record each stage entered with its
date (imported or moved in the web), so the stage on any day can be read back (targets.md §2 百).
A step back carries its reason. The county leader responsible is a role title (``lead``, e.g.
县长); a leader user with the same ``users.lead_title`` sees the projects it leads.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mujun.store.models.base import Base, Versioned, utcnow


class Project(Versioned, Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the county's project number, e.g. XM0001
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: the current stage (``engine.projects.stages.STAGES``)
    stage: Mapped[str] = mapped_column(String(24), index=True)
    planned_investment_wan: Mapped[float | None]
    actual_investment_wan: Mapped[float | None]
    #: 牵头领导, a role title such as 县长
    lead: Mapped[str | None] = mapped_column(String(64), index=True)
    #: the parcel's code (it may not be in the store yet)
    parcel_code: Mapped[str | None] = mapped_column(String(64), index=True)
    #: the enterprise's credit code (it may not be in the registry yet)
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    industry_code: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    stages: Mapped[list[ProjectStage]] = relationship(
        back_populates="project", cascade="all, delete-orphan",
        order_by="ProjectStage.id",
    )


class ProjectStage(Base):
    """One stage entered: forward moves carry no reason, a step back always has one."""

    __tablename__ = "project_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(24))
    #: the day the stage was entered; None when the file did not say
    entered_on: Mapped[date | None]
    #: why the project went back (a step back only)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    project: Mapped[Project] = relationship(back_populates="stages")
