"""标准地 达产复核: the reviews of each year, a review's rows, a row with its penalties and the
owner's answer; create, publish and correct (admin), record a penalty collected or waived (admin),
answer (the owner enterprise). Who sees what: ``services.land.review_access``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from mujun.engine.land import MEASURES
from mujun.io.number_formats import Kind
from mujun.io.xlsx_table import Column
from mujun.services.labels import label_zh
from mujun.services.land import review_access, review_views, reviews
from mujun.services.list_query import Page, options
from mujun.services.policies.choice import choices
from mujun.web.deps import CsrfDep, CurrentUser, Now, SessionDep
from mujun.web.render import render
from mujun.web.xlsx import download, workbook

api = APIRouter(prefix="/api/land", tags=["land reviews"])
pages = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Reviews = Annotated[review_views.ReviewQuery, Query()]
Rows = Annotated[review_views.RowQuery, Query()]

REVIEW_COLUMNS = [Column("版本", Kind.CODE), Column("年度", Kind.INT, ""), Column("状态"),
                  Column("复核地块", Kind.INT, "宗"), Column("到期复核", Kind.INT, "宗"),
                  Column("违约", Kind.INT, "宗"), Column("违约金合计", Kind.MONEY)]
_MEASURE_UNITS = {"investment_intensity": "万元/亩", "plot_ratio": "", "tax_per_mu": "万元/亩",
                  "energy_per_va": "吨标准煤/万元"}


def _row_columns() -> list[Column]:
    out = [Column("地块编号", Kind.CODE), Column("统一社会信用代码", Kind.CODE),
           Column("企业名称"), Column("园区"), Column("乡镇街道"), Column("复核年度", Kind.INT, ""),
           Column("复核状态")]
    for m in MEASURES:
        name = label_zh("measure", m)
        out += [Column(f"{name}承诺", Kind.NUMBER, _MEASURE_UNITS[m]),
                Column(f"{name}实际", Kind.NUMBER, _MEASURE_UNITS[m]), Column(f"{name}结果")]
    return [*out, Column("违约金合计", Kind.MONEY), Column("违约情形"), Column("已答复", Kind.BOOL)]


@api.get("/reviews", response_model=Page[review_views.ReviewSummary])
def list_reviews(session: SessionDep, user: CurrentUser,
                 filters: Reviews) -> Page[review_views.ReviewSummary]:
    return review_views.reviews(session=session, actor=user, filters=filters)


@api.get("/reviews.xlsx", response_class=Response)
def export_reviews(session: SessionDep, user: CurrentUser, filters: Reviews) -> Response:
    page = review_views.reviews(session=session, actor=user, filters=filters, paged=False)
    rows = ([s.label, s.year, label_zh("land_review", s.status), s.n_rows, s.n_due, s.n_breaches,
             s.total_penalty_wan] for s in page.items)
    return download(workbook(REVIEW_COLUMNS, rows, "达产复核"), "land-reviews.xlsx")


@api.get("/reviews/{review_id}", response_model=review_views.ReviewDetail)
def get_review(review_id: Id, session: SessionDep, user: CurrentUser, now: Now,
               filters: Rows) -> review_views.ReviewDetail:
    return review_views.review_detail(session=session, actor=user, review_id=review_id,
                                      now=now, filters=filters)


@api.get("/reviews/{review_id}/rows.xlsx", response_class=Response)
def export_rows(review_id: Id, session: SessionDep, user: CurrentUser, now: Now,
                filters: Rows) -> Response:
    """What the filters select, every page."""
    d = review_views.review_detail(session=session, actor=user, review_id=review_id, now=now,
                                   filters=filters, paged=False)
    rows = ([r.parcel_code, r.uscc, r.name, r.zone, r.town, r.review_year,
             label_zh("review_status", r.review_status),
             *(v for c in r.measures for v in (c.committed, c.actual,
                                               label_zh("measure_status", c.status))),
             r.total_penalty_wan, "；".join(label_zh("measure", b) for b in r.breaches) or None,
             r.answered] for r in d.items)
    return download(workbook(_row_columns(), rows, "达产复核"),
                    f"land-review-{d.review.label}.xlsx")


@api.get("/reviews/{review_id}/verify", response_model=reviews.Verification)
def verify(review_id: Id, session: SessionDep, user: CurrentUser) -> reviews.Verification:
    """Recompute from the frozen inputs and policy (the admin)."""
    review_access.require_manage(user)
    return reviews.verify_review(session=session, review_id=review_id)


@api.get("/review-rows/{row_id}", response_model=review_views.RowDetail)
def get_row(row_id: Id, session: SessionDep, user: CurrentUser,
            now: Now) -> review_views.RowDetail:
    return review_views.row_detail(session=session, actor=user, row_id=row_id, now=now)


# --- pages ---------------------------------------------------------------------------------------


@pages.get("/land/reviews")
def reviews_page(request: Request, session: SessionDep, user: CurrentUser,
                 filters: Reviews) -> Response:
    page = review_views.reviews(session=session, actor=user, filters=filters)
    years = review_views.review_years(session, user)
    return render(request, "land/reviews.html", user, page=page, filters=filters,
                  years=options(years), policies=choices(session),
                  may_manage=review_access.may_manage(user))


@pages.post("/land/reviews", dependencies=[CsrfDep])
def create_page(session: SessionDep, user: CurrentUser, now: Now,
                year: Annotated[int, Form(ge=1990, le=2100)],
                policy_name: Annotated[str, Form(max_length=100)] = "",
                note: Annotated[str, Form(max_length=500)] = "") -> Response:
    rec = reviews.create_review(session=session, actor=user, year=year,
                                policy_name=policy_name or None, note=note or None, now=now)
    session.commit()
    return RedirectResponse(f"/land/reviews/{rec.id}", status_code=303)


@pages.get("/land/reviews/{review_id}")
def review_page(request: Request, review_id: Id, session: SessionDep, user: CurrentUser,
                now: Now, filters: Rows) -> Response:
    d = review_views.review_detail(session=session, actor=user, review_id=review_id, now=now,
                                   filters=filters)
    return render(request, "land/review.html", user, d=d, filters=filters,
                  measures=MEASURES, may_manage=review_access.may_manage(user))


@pages.post("/land/reviews/{review_id}/publish", dependencies=[CsrfDep])
def publish_page(review_id: Id, session: SessionDep, user: CurrentUser, now: Now) -> Response:
    reviews.publish_review(session=session, actor=user, review_id=review_id, now=now)
    session.commit()
    return RedirectResponse(f"/land/reviews/{review_id}", status_code=303)


@pages.post("/land/reviews/{review_id}/correct", dependencies=[CsrfDep])
def correct_page(review_id: Id, session: SessionDep, user: CurrentUser, now: Now,
                 note: Annotated[str, Form(max_length=500)] = "") -> Response:
    rec = reviews.correct_review(session=session, actor=user, review_id=review_id,
                                 note=note or None, now=now)
    session.commit()
    return RedirectResponse(f"/land/reviews/{rec.id}", status_code=303)


@pages.get("/land/review-rows/{row_id}")
def row_page(request: Request, row_id: Id, session: SessionDep, user: CurrentUser,
             now: Now) -> Response:
    d = review_views.row_detail(session=session, actor=user, row_id=row_id, now=now)
    return render(request, "land/review_row.html", user, d=d, answer_days=reviews.ANSWER_DAYS,
                  may_manage=review_access.may_manage(user))


@pages.post("/land/review-rows/{row_id}/answer", dependencies=[CsrfDep])
def answer_page(row_id: Id, session: SessionDep, user: CurrentUser, now: Now,
                text: Annotated[str, Form(min_length=1, max_length=5000)]) -> Response:
    reviews.answer_row(session=session, actor=user, row_id=row_id, text=text, now=now)
    session.commit()
    return RedirectResponse(f"/land/review-rows/{row_id}#answer", status_code=303)


@pages.post("/land/review-penalties/{penalty_id}", dependencies=[CsrfDep])
def penalty_page(penalty_id: Id, session: SessionDep, user: CurrentUser, now: Now,
                 decision: Annotated[str, Form(pattern="^(collected|waived)$")],
                 reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    penalty = reviews.decide_penalty(session=session, actor=user, penalty_id=penalty_id,
                                     collected=decision == "collected", reason=reason, now=now)
    session.commit()
    return RedirectResponse(f"/land/review-rows/{penalty.row_id}#penalties", status_code=303)
