"""County-level annual statistics (工业投资 …): set with an audit record, frozen by a run."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.services import audit
from mujun.store.models import CountyFigure, User
from mujun.store.models.base import utcnow


def set_county_figure(
    *, session: Session, actor: User | None, year: int, name: str, value: float, source: str = ""
) -> CountyFigure:
    """Set one year's value of a county series; an unchanged value writes nothing."""
    figure = session.scalar(
        select(CountyFigure).where(CountyFigure.year == year, CountyFigure.name == name)
    )
    if figure is not None and figure.value == value and figure.source == source:
        return figure
    before = None if figure is None else {"value": figure.value, "source": figure.source}
    if figure is None:
        figure = CountyFigure(year=year, name=name, value=value, source=source)
        session.add(figure)
    else:
        figure.value, figure.source, figure.updated_at = value, source, utcnow()
    session.flush()
    audit.record(session=session, actor=actor, action="set", entity="county_figure",
                 entity_id=figure.id, summary=f"{name} {year}", before=before,
                 after={"value": value, "source": source})
    return figure


def county_figures_of(*, session: Session, year: int) -> dict[str, float]:
    """``{name: value}`` of every county series known for ``year`` (what a run of it freezes)."""
    rows = session.execute(
        select(CountyFigure.name, CountyFigure.value)
        .where(CountyFigure.year == year)
        .order_by(CountyFigure.name)
    ).all()
    return {name: value for name, value in rows}
