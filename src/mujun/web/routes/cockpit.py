"""驾驶舱: the county's aggregates (leaders and the bureau)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from mujun.services import cockpit as service
from mujun.web.deps import BlankIsNone, CurrentUser, Now, SessionDep, Year
from mujun.web.render import render

api = APIRouter(prefix="/api/cockpit", tags=["cockpit"])
pages = APIRouter(include_in_schema=False)

YearQuery = Annotated[Year | None, BlankIsNone,
                      Query(description="default: the latest")]


@api.get("", response_model=service.CockpitPublic)
def cockpit(
    session: SessionDep, user: CurrentUser, now: Now, year: YearQuery = None
) -> service.CockpitPublic:
    """Class mix per group, town and industry; trend; 五个翻番; low-efficiency land; top/bottom;
    disposal cases."""
    return service.cockpit(session=session, actor=user, year=year, today=now.date())


@api.get("/parcels", response_model=service.ParcelMap)
def parcels(session: SessionDep, user: CurrentUser, now: Now,
            year: YearQuery = None) -> service.ParcelMap:
    """The parcels as GeoJSON, each with its owner's class of the year, its area in 亩 and
    whether it lies idle."""
    return service.parcel_map(session=session, actor=user, year=year, today=now.date())


@pages.get("/cockpit")
def cockpit_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
                 year: YearQuery = None) -> Response:
    data = service.cockpit(session=session, actor=user, year=year, today=now.date())
    return render(request, "cockpit.html", user, data=data)
