"""Enterprises: the list (filter, sort, page, .xlsx) and the 亩均画像 portrait."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from mujun.engine.labels import EXEMPT_ZH, GROUP_ZH
from mujun.io.number_formats import Kind
from mujun.io.xlsx_table import Column
from mujun.services import lists, portrait, value_history
from mujun.services.list_query import options
from mujun.services.monitoring.views import enterprise_power
from mujun.services.programmes.honours import honours
from mujun.web.deps import BlankIsNone, CurrentUser, Now, SessionDep, Year, get_lang
from mujun.web.i18n import Translator
from mujun.web.list_controls import controls
from mujun.web.render import render
from mujun.web.xlsx import download, workbook

api = APIRouter(prefix="/api/enterprises", tags=["enterprises"])
pages = APIRouter(include_in_schema=False)

#: the query as one model, so that a form's empty fields count as not given (list_query.ListQuery)
Filters = Annotated[lists.EnterpriseFilter, Query()]
UsccPath = Annotated[str, Path(min_length=1, max_length=18,
                               description="统一社会信用代码")]
YearQuery = Annotated[Year | None, BlankIsNone, Query()]
EXPORT_COLUMNS = [Column("统一社会信用代码", Kind.CODE), Column("企业名称"), Column("乡镇街道"),
                  Column("行业"), Column("组别"), Column("综合得分", Kind.SCORE),
                  Column("组内排名", Kind.INT), Column("组内参评数", Kind.INT),
                  Column("并列数", Kind.INT), Column("评价档次"), Column("低效用地"),
                  Column("免评原因")]


@api.get("", response_model=lists.EnterprisePage)
def list_enterprises(
    session: SessionDep, user: CurrentUser, filters: Filters
) -> lists.EnterprisePage:
    """The enterprises you may see, with their published result of the year."""
    return lists.enterprises(session=session, actor=user, filters=filters)


@api.get("/export.xlsx", response_class=Response,
         responses={200: {"content": {"application/vnd.openxmlformats-officedocument"
                                      ".spreadsheetml.sheet": {}}}})
def export_enterprises(session: SessionDep, user: CurrentUser, filters: Filters) -> Response:
    """The same list, every page, as an .xlsx workbook."""
    page = lists.enterprises(session=session, actor=user, filters=filters, paged=False)
    rows = ([r.uscc, r.name, r.town, r.industry, GROUP_ZH.get(r.group or "", r.group), r.score,
             r.rank, r.group_size, r.tied, r.klass, r.low_efficiency,
             EXEMPT_ZH.get(r.exempt_reason or "", r.exempt_reason)]
            for r in page.items)
    return download(workbook(EXPORT_COLUMNS, rows, f"企业 {page.year or ''}"),
                    f"enterprises-{page.year or 'all'}.xlsx")


@api.get("/{uscc}", response_model=portrait.PortraitPublic)
def get_portrait(uscc: UsccPath, session: SessionDep, user: CurrentUser, now: Now,
                 year: YearQuery = None) -> portrait.PortraitPublic:
    """亩均画像: result, explanation, history, upgrade path, pricing and appeals (404 outside
    your scope)."""
    return portrait.portrait(session=session, actor=user, uscc=uscc, year=year, now=now)


@api.get("/{uscc}/history", response_model=list[value_history.ValueEvent])
def history(uscc: UsccPath, session: SessionDep,
            user: CurrentUser) -> list[value_history.ValueEvent]:
    """Every value's history, newest first: the admin every field, a department's clerk the
    fields of its department (who, when, which file, old → new, reason)."""
    return value_history.value_history(session=session, actor=user, uscc=uscc)


@pages.get("/enterprises")
def list_page(request: Request, session: SessionDep, user: CurrentUser,
              filters: Filters) -> Response:
    page = lists.enterprises(session=session, actor=user, filters=filters)
    choices = lists.enterprise_options(session=session, actor=user,
                                       run_id=page.run.id if page.run else None)
    return render(request, "enterprises.html", user, page=page, filters=filters,
                  **controls(options=choices, years=options(page.years)))


@pages.get("/enterprises/{uscc}")
def portrait_page(request: Request, uscc: UsccPath, session: SessionDep, user: CurrentUser,
                  now: Now, year: YearQuery = None) -> Response:
    data = portrait.portrait(session=session, actor=user, uscc=uscc, year=year, now=now)
    values = value_history.history_for_page(session=session, actor=user, uscc=uscc)
    power = enterprise_power(session=session, actor=user, uscc=uscc)
    return render(request, "portrait.html", user, p=data, e=data.explanation, power=power,
                  honours=honours(session=session, actor=user, uscc=uscc, year=data.year),
                  explanation=portrait.explanation_text(data, Translator(get_lang(request))),
                  value_history=values, history_link=f"/enterprises/{uscc}/history")


@pages.get("/enterprises/{uscc}/history")
def history_page(request: Request, uscc: UsccPath, session: SessionDep,
                 user: CurrentUser) -> Response:
    ent, events = value_history.history_page(session=session, actor=user, uscc=uscc)
    return render(request, "enterprise_history.html", user, ent=ent, value_history=events)
