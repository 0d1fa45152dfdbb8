"""低效用地: the low-efficiency land of a year and the idle parcels, with area totals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from mujun.services import lists
from mujun.web.deps import CurrentUser, SessionDep
from mujun.web.render import render
from mujun.web.xlsx import download, workbook

api = APIRouter(prefix="/api/land", tags=["land"])
pages = APIRouter(include_in_schema=False)

YearQuery = Annotated[int | None, Query(ge=1990, le=2100)]
TownQuery = Annotated[str | None, Query(max_length=64)]


@api.get("/low-efficiency", response_model=lists.LandPage)
def low_efficiency(session: SessionDep, user: CurrentUser, year: YearQuery = None,
                   town: TownQuery = None, sort: lists.LandSort = lists.LandSort.LAND_DESC
                   ) -> lists.LandPage:
    return lists.low_efficiency_land(session=session, actor=user, year=year, town=town, sort=sort)


@api.get("/low-efficiency.xlsx", response_class=Response)
def export(session: SessionDep, user: CurrentUser, year: YearQuery = None,
           town: TownQuery = None, sort: lists.LandSort = lists.LandSort.LAND_DESC) -> Response:
    page = lists.low_efficiency_land(session=session, actor=user, year=year, town=town, sort=sort)
    headers = ["统一社会信用代码", "企业名称", "乡镇街道", "行业", "评价档次", "综合得分",
               "用地面积(亩)", "亩均税收(万元/亩)", "一票否决"]
    rows = ([r.uscc, r.name, r.town, r.industry, r.klass, r.score, r.land_mu, r.tax_per_mu,
             r.vetoed] for r in page.items)
    return download(workbook(headers, rows, "低效用地"), f"low-efficiency-{page.year}.xlsx")


@pages.get("/land")
def land_page(request: Request, session: SessionDep, user: CurrentUser, year: YearQuery = None,
              town: TownQuery = None, sort: lists.LandSort = lists.LandSort.LAND_DESC) -> Response:
    page = lists.low_efficiency_land(session=session, actor=user, year=year, town=town, sort=sort)
    return render(request, "land.html", user, page=page, town=town or "", sort=sort)
