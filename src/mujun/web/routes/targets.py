"""目标任务: the county's targets (五个翻番, 个十百千万亿) and the 亩均效益领跑者 awards."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from mujun.services.targets import report as service
from mujun.web.deps import BlankIsNone, CurrentUser, SessionDep, Year
from mujun.web.render import render

api = APIRouter(prefix="/api/targets", tags=["targets"])
pages = APIRouter(include_in_schema=False)

YearQuery = Annotated[Year | None, BlankIsNone,
                      Query(description="default: the latest year with a published run")]


@api.get("", response_model=service.TargetsPublic)
def targets(session: SessionDep, user: CurrentUser,
            year: YearQuery = None) -> service.TargetsPublic:
    """Every target of the year (docs/targets.md): the five of 五个翻番 with base, goal, progress,
    actual and needed growth and projection; the six of 个十百千万亿 with value, goal, progress
    and the 六百工程 categories; each with its yearly series. Admin, clerk, officer, leader."""
    return service.targets(session=session, actor=user, year=year)


@api.get("/awards", response_model=service.AwardsPublic)
def awards(session: SessionDep, user: CurrentUser,
           year: YearQuery = None) -> service.AwardsPublic:
    """亩均效益领跑者 of the year: per group, the best-scoring class-A enterprises that were not
    vetoed (ties by credit code). Every role."""
    return service.awards(session=session, actor=user, year=year)


@pages.get("/targets")
def targets_page(request: Request, session: SessionDep, user: CurrentUser,
                 year: YearQuery = None) -> Response:
    data = service.targets(session=session, actor=user, year=year)
    leaders = service.awards(session=session, actor=user, year=data.year)
    return render(request, "targets/targets.html", user, data=data, awards=leaders)


@pages.get("/targets/awards")
def awards_page(request: Request, session: SessionDep, user: CurrentUser,
                year: YearQuery = None) -> Response:
    data = service.awards(session=session, actor=user, year=year)
    return render(request, "targets/awards.html", user, data=data)
