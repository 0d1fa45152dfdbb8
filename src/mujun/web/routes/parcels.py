"""地块档案: the parcels list (filter, sort, page, .xlsx) and one parcel's record."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from mujun.io.number_formats import Kind
from mujun.io.xlsx_table import Column
from mujun.services.labels import label_zh
from mujun.services.land import parcel_record, parcels
from mujun.web.deps import CurrentUser, Now, SessionDep
from mujun.web.parcel_svg import parcel_shape
from mujun.web.render import render
from mujun.web.xlsx import download, workbook

api = APIRouter(prefix="/api/parcels", tags=["parcels"])
pages = APIRouter(include_in_schema=False)

#: the list's query as one model: empty fields count as not given (list_query.ListQuery)
Filters = Annotated[parcels.ParcelQuery, Query()]
CodePath = Annotated[str, Path(min_length=1, max_length=64, description="地块编号")]
EXPORT_COLUMNS = [Column("地块编号", Kind.CODE), Column("园区"), Column("乡镇街道"),
                  Column("受让企业统一社会信用代码", Kind.CODE), Column("受让企业"),
                  Column("出让面积", Kind.MU), Column("出让面积", Kind.AREA_M2),
                  Column("是否标准地", Kind.BOOL), Column("出让日期", Kind.DATE),
                  Column("约定动工日期", Kind.DATE), Column("实际动工日期", Kind.DATE),
                  Column("出让价款", Kind.MONEY), Column("总建筑面积", Kind.AREA_M2),
                  Column("延迟动工原因"), Column("状态"), Column("逾期天数", Kind.INT),
                  Column("土地闲置费", Kind.MONEY)]


@api.get("", response_model=parcels.ParcelPage)
def list_parcels(session: SessionDep, user: CurrentUser, now: Now,
                 filters: Filters) -> parcels.ParcelPage:
    """The parcels you may see, with their idle-land status (land.md §2) on ``as_of``."""
    return parcels.parcel_list(session=session, actor=user, filters=filters, today=now.date())


@api.get("/export.xlsx", response_class=Response)
def export_parcels(session: SessionDep, user: CurrentUser, now: Now,
                   filters: Filters) -> Response:
    """What the filters select, every page."""
    page = parcels.parcel_list(session=session, actor=user, filters=filters, today=now.date(),
                               paged=False)
    rows = ([r.parcel_code, r.zone, r.town, r.owner_uscc, r.owner, r.area_mu, r.area_m2,
             r.standard_land, r.acquired, r.agreed_start, r.construction_start,
             r.land_price_wan, r.floor_area_m2, label_zh("delay_cause", r.delay_cause),
             label_zh("parcel", r.status), r.days_past_agreed, r.idle_fee_wan]
            for r in page.items)
    return download(workbook(EXPORT_COLUMNS, rows, "地块"), f"parcels-{page.as_of}.xlsx")


@api.get("/{code}", response_model=parcel_record.ParcelRecord)
def get_parcel(code: CodePath, session: SessionDep, user: CurrentUser,
               now: Now) -> parcel_record.ParcelRecord:
    """地块档案 (404 outside your reach)."""
    return parcel_record.parcel_record(session=session, actor=user, code=code,
                                       today=now.date())


@pages.get("/parcels")
def list_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
              filters: Filters) -> Response:
    page = parcels.parcel_list(session=session, actor=user, filters=filters, today=now.date())
    return render(request, "land/parcels.html", user, page=page, filters=filters)


@pages.get("/parcels/{code}")
def parcel_page(request: Request, code: CodePath, session: SessionDep, user: CurrentUser,
                now: Now) -> Response:
    record = parcel_record.parcel_record(session=session, actor=user, code=code,
                                         today=now.date())
    return render(request, "land/parcel.html", user, r=record, p=record.parcel,
                  shape=parcel_shape(record.geometry), today=now.date())
