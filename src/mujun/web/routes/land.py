"""低效用地: the low-efficiency land of a year and the idle parcels (their own list), with area
totals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from mujun.io.number_formats import Kind
from mujun.io.xlsx_table import Column
from mujun.services import access, lists
from mujun.services.access import Action
from mujun.services.labels import label_zh
from mujun.web.deps import CurrentUser, Now, SessionDep
from mujun.web.list_controls import controls
from mujun.web.render import render
from mujun.web.xlsx import download, workbook

api = APIRouter(prefix="/api/land", tags=["land"])
pages = APIRouter(include_in_schema=False)

#: the list's query as one model: empty fields count as not given (list_query.ListQuery)
Filters = Annotated[lists.LandQuery, Query()]
EXPORT_COLUMNS = [Column("统一社会信用代码", Kind.CODE), Column("企业名称"), Column("乡镇街道"),
                  Column("行业"), Column("评价档次"), Column("综合得分", Kind.SCORE),
                  Column("用地面积", Kind.MU), Column("亩均税收", Kind.NUMBER, "万元/亩"),
                  Column("一票否决")]


@api.get("/low-efficiency", response_model=lists.LandPage)
def low_efficiency(session: SessionDep, user: CurrentUser, filters: Filters) -> lists.LandPage:
    return lists.low_efficiency_land(session=session, actor=user, filters=filters)


@api.get("/low-efficiency.xlsx", response_class=Response)
def export(session: SessionDep, user: CurrentUser, filters: Filters) -> Response:
    """What the filters select, every page."""
    page = lists.low_efficiency_land(session=session, actor=user, filters=filters, paged=False)
    rows = ([r.uscc, r.name, r.town, r.industry, r.klass, r.score, r.land_mu, r.tax_per_mu,
             r.vetoed] for r in page.items)
    return download(workbook(EXPORT_COLUMNS, rows, "低效用地"), f"low-efficiency-{page.year}.xlsx")


IdleFilters = Annotated[lists.IdleQuery, Query()]
IDLE_COLUMNS = [Column("地块编号", Kind.CODE), Column("权利人"), Column("乡镇街道"), Column("园区"),
                Column("面积", Kind.MU), Column("约定开工日期", Kind.DATE), Column("状态")]


@api.get("/idle", response_model=lists.IdlePage)
def idle(session: SessionDep, user: CurrentUser, now: Now, filters: IdleFilters) -> lists.IdlePage:
    """The parcels idle or reclaimable today (闲置地块), largest first."""
    return lists.idle_parcels(session=session, actor=user, filters=filters, today=now.date())


@api.get("/idle.xlsx", response_class=Response)
def idle_export(session: SessionDep, user: CurrentUser, now: Now, filters: IdleFilters) -> Response:
    page = lists.idle_parcels(session=session, actor=user, filters=filters, today=now.date(),
                              paged=False)
    rows = ([p.parcel_code, p.owner or "储备用地", p.town, p.zone, p.area_mu,
             p.agreed_construction_start, label_zh("parcel", p.status)] for p in page.items)
    return download(workbook(IDLE_COLUMNS, rows, "闲置地块"), f"idle-parcels-{page.as_of}.xlsx")


@pages.get("/land")
def land_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
              filters: Filters) -> Response:
    page = lists.low_efficiency_land(session=session, actor=user, filters=filters,
                                     today=now.date())
    return render(request, "land.html", user, page=page, filters=filters,
                  may_see_cases=access.allowed(user, Action.CASES_VIEW), **controls())


@pages.get("/land/idle")
def idle_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
              filters: IdleFilters) -> Response:
    page = lists.idle_parcels(session=session, actor=user, filters=filters, today=now.date())
    return render(request, "land/idle.html", user, page=page, filters=filters,
                  may_see_cases=access.allowed(user, Action.CASES_VIEW))
