"""腾笼换鸟 disposal: the candidates of a year, the cases (处置项目) and one case's life cycle."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session

from mujun.io.number_formats import Kind
from mujun.io.xlsx_table import Column
from mujun.services import access
from mujun.services.access import Action
from mujun.services.errors import ConflictError, InvalidInput, InvalidTransition
from mujun.services.labels import label_zh
from mujun.services.land import candidates, case_views, cases
from mujun.services.land.cases import CaseCorrection, CaseOpen, CaseUpdate
from mujun.services.list_query import options
from mujun.store.models import User
from mujun.store.models.disposal import Method, Stage
from mujun.web.deps import CsrfDep, CurrentUser, Now, SessionDep
from mujun.web.forms import submit
from mujun.web.list_controls import controls
from mujun.web.render import render
from mujun.web.xlsx import download, workbook

api = APIRouter(prefix="/api/disposal", tags=["disposal"])
pages = APIRouter(include_in_schema=False)

CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]
#: the lists' queries, each one model: empty fields count as not given (list_query.ListQuery)
CandidateFilters = Annotated[candidates.CandidateQuery, Query()]
CaseFilters = Annotated[case_views.CaseQuery, Query()]
FormText = Annotated[str, Form(max_length=2000)]
#: a new case's default target: a year to do the work
DEFAULT_TERM = timedelta(days=365)


class Version(BaseModel):
    version: int | None = Field(default=None, ge=1, description="the version read (optional)")


class CaseChange(CaseUpdate):
    version: int | None = Field(default=None, ge=1)


class NoteIn(BaseModel):
    on: date
    text: str = Field(min_length=1, max_length=2000)


class Completion(BaseModel):
    completed_on: date
    area_mu: float = Field(gt=0, le=cases.MAX_AREA_MU)
    version: int | None = Field(default=None, ge=1)


class Cancellation(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    version: int | None = Field(default=None, ge=1)


CANDIDATE_COLUMNS = [Column("类型"), Column("代码", Kind.CODE), Column("名称"), Column("乡镇街道"),
                     Column("园区"), Column("面积", Kind.MU), Column("档次"),
                     Column("亩均税收", Kind.NUMBER, "万元/亩"), Column("状态"),
                     Column("在办处置项目")]
CASE_COLUMNS = [Column("编号", Kind.INT), Column("年度", Kind.INT), Column("类型"),
                Column("代码", Kind.CODE), Column("名称"), Column("乡镇街道"), Column("园区"),
                Column("处置方式"), Column("阶段"), Column("负责专员"),
                Column("目标日期", Kind.DATE), Column("面积", Kind.MU),
                Column("办结日期", Kind.DATE), Column("逾期"), Column("更正")]


# --- API -----------------------------------------------------------------------------------------


@api.get("/candidates", response_model=candidates.CandidatePage)
def candidate_list(session: SessionDep, user: CurrentUser,
                   filters: CandidateFilters) -> candidates.CandidatePage:
    """The year's low-efficiency enterprises (final run) and idle or reclaimable parcels (at the
    end of the year), with whether a case is open on each."""
    return candidates.candidates(session=session, actor=user, filters=filters)


@api.get("/candidates.xlsx", response_class=Response)
def candidate_export(session: SessionDep, user: CurrentUser,
                     filters: CandidateFilters) -> Response:
    page = candidates.candidates(session=session, actor=user, filters=filters, paged=False)
    rows = ([label_zh("case_kind", r.kind), r.key, r.name, r.town, r.park, r.area_mu, r.klass,
             r.tax_per_mu, label_zh("candidate", r.status),
             f"#{r.open_case_id}" if r.open_case_id else None] for r in page.items)
    return download(workbook(CANDIDATE_COLUMNS, rows, "处置候选"),
                    f"disposal-candidates-{page.year}.xlsx")


@api.get("/cases", response_model=case_views.CasePage)
def case_list(session: SessionDep, user: CurrentUser, now: Now,
              filters: CaseFilters) -> case_views.CasePage:
    return case_views.case_list(session=session, actor=user, filters=filters, today=now.date())


@api.get("/cases.xlsx", response_class=Response)
def case_export(session: SessionDep, user: CurrentUser, now: Now,
                filters: CaseFilters) -> Response:
    page = case_views.case_list(session=session, actor=user, filters=filters, today=now.date(),
                                paged=False)
    rows = ([r.id, r.year, label_zh("case_kind", r.kind), r.key, r.name, r.town, r.park,
             label_zh("case_method", r.method), label_zh("case_stage", r.stage), r.officer,
             r.target_date, r.area_mu, r.completed_on, "逾期" if r.overdue else None,
             f"更正 #{r.corrects_case_id}" if r.corrects_case_id else
             (f"已由 #{r.corrected_by_id} 更正" if r.corrected_by_id else None)]
            for r in page.items)
    return download(workbook(CASE_COLUMNS, rows, "处置项目"), "disposal-cases.xlsx")


def _detail(session: Session, user: User, case_id: int, now: datetime) -> case_views.CaseDetail:
    return case_views.case_detail(session=session, actor=user, case_id=case_id,
                                  today=now.date())


def _written(session: Session, user: User, case_id: int,
             now: datetime) -> case_views.CaseDetail:
    """A write committed, and the case as it now is."""
    session.commit()
    return _detail(session, user, case_id, now)


@api.post("/cases", response_model=case_views.CaseDetail, status_code=201,
          dependencies=[CsrfDep])
def open_case(body: CaseOpen, session: SessionDep, user: CurrentUser,
              now: Now) -> case_views.CaseDetail:
    """立案 on a candidate of the year."""
    case = cases.open_case(session=session, actor=user, case_in=body, now=now)
    return _written(session, user, case.id, now)


@api.get("/cases/{case_id}", response_model=case_views.CaseDetail)
def case(case_id: CaseId, session: SessionDep, user: CurrentUser,
         now: Now) -> case_views.CaseDetail:
    return _detail(session, user, case_id, now)


@api.patch("/cases/{case_id}", response_model=case_views.CaseDetail, dependencies=[CsrfDep])
def update_case(case_id: CaseId, body: CaseChange, session: SessionDep, user: CurrentUser,
                now: Now) -> case_views.CaseDetail:
    """Change an open case's method, officer, target date or area."""
    changes = CaseUpdate.model_validate(body.model_dump(exclude_unset=True, exclude={"version"}))
    cases.update_case(session=session, actor=user, case_id=case_id, changes=changes,
                      expected_version=body.version, now=now)
    return _written(session, user, case_id, now)


@api.post("/cases/{case_id}/start", response_model=case_views.CaseDetail,
          dependencies=[CsrfDep])
def start_case(case_id: CaseId, body: Version, session: SessionDep, user: CurrentUser,
               now: Now) -> case_views.CaseDetail:
    """立案 → 整治中."""
    cases.start_case(session=session, actor=user, case_id=case_id,
                     expected_version=body.version, now=now)
    return _written(session, user, case_id, now)


@api.post("/cases/{case_id}/notes", response_model=case_views.CaseDetail, status_code=201,
          dependencies=[CsrfDep])
def add_note(case_id: CaseId, body: NoteIn, session: SessionDep, user: CurrentUser,
             now: Now) -> case_views.CaseDetail:
    """A dated progress note."""
    cases.add_note(session=session, actor=user, case_id=case_id, on=body.on, text=body.text,
                   now=now)
    return _written(session, user, case_id, now)


@api.post("/cases/{case_id}/complete", response_model=case_views.CaseDetail,
          dependencies=[CsrfDep])
def complete_case(case_id: CaseId, body: Completion, session: SessionDep, user: CurrentUser,
                  now: Now) -> case_views.CaseDetail:
    """整治中 → 办结, with the area optimised (亩)."""
    cases.complete_case(session=session, actor=user, case_id=case_id,
                        completed_on=body.completed_on, area_mu=body.area_mu,
                        expected_version=body.version, now=now)
    return _written(session, user, case_id, now)


@api.post("/cases/{case_id}/cancel", response_model=case_views.CaseDetail,
          dependencies=[CsrfDep])
def cancel_case(case_id: CaseId, body: Cancellation, session: SessionDep, user: CurrentUser,
                now: Now) -> case_views.CaseDetail:
    """撤销, with the reason."""
    cases.cancel_case(session=session, actor=user, case_id=case_id, reason=body.reason,
                      expected_version=body.version, now=now)
    return _written(session, user, case_id, now)


@api.post("/cases/{case_id}/corrections", response_model=case_views.CaseDetail,
          status_code=201, dependencies=[CsrfDep])
def correct_case(case_id: CaseId, body: CaseCorrection, session: SessionDep, user: CurrentUser,
                 now: Now) -> case_views.CaseDetail:
    """A completed case's correction: a new case naming it."""
    new = cases.correct_case(session=session, actor=user, case_id=case_id, correction=body,
                             now=now)
    return _written(session, user, new.id, now)


# --- pages ---------------------------------------------------------------------------------------


@pages.get("/disposal")
def cases_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
               filters: CaseFilters) -> Response:
    page = case_views.case_list(session=session, actor=user, filters=filters, today=now.date())
    return render(request, "land/cases.html", user, page=page, filters=filters,
                  methods=list(Method), stages=list(Stage), **controls(years=options(page.years)))


@pages.get("/disposal/candidates")
def candidates_page(request: Request, session: SessionDep, user: CurrentUser,
                    filters: CandidateFilters) -> Response:
    page = candidates.candidates(session=session, actor=user, filters=filters)
    return render(request, "land/candidates.html", user, page=page, filters=filters,
                  may_open=access.allowed(user, Action.CASES_MANAGE),
                  **controls(years=options(page.years)))


def _form(text: str) -> str | None:
    return text.strip() or None


REFUSED = (ValidationError, InvalidInput, InvalidTransition, ConflictError)


def _new_page(request: Request, session: Session, user: User, now: datetime, year: int,
              kind: str, key: str, status_code: int = 200, **context: Any) -> Response:
    access.require(user, Action.CASES_MANAGE)
    found = candidates.candidate(session=session, actor=user, year=year, kind=kind, key=key)
    officers = cases.officers_for(session=session, town=found.town, park=found.park)
    form = {"method": "upgrade" if kind == "enterprise" else "reclaim",
            "officer_id": str(user.id) if user.id in {o.id for o in officers} else "",
            "target_date": (now.date() + DEFAULT_TERM).isoformat(),
            "area_mu": f"{found.area_mu:.2f}" if found.area_mu else "", "description": ""}
    return render(request, "land/case_new.html", user, status_code=status_code, c=found,
                  year=year, officers=officers, methods=list(Method),
                  **{"form": form, "error": None, **context})


@pages.get("/disposal/new")
def new_case_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
                  year: Annotated[int, Query(ge=1990, le=2100)],
                  kind: Annotated[str, Query(pattern="^(enterprise|parcel)$")],
                  key: Annotated[str, Query(min_length=1, max_length=64)]) -> Response:
    """立案 form on one candidate, its area and a responsible officer prefilled."""
    return _new_page(request, session, user, now, year, kind, key)


@pages.post("/disposal", dependencies=[CsrfDep])
def open_case_form(request: Request, session: SessionDep, user: CurrentUser, now: Now,
                   year: Annotated[int, Form(ge=1990, le=2100)],
                   kind: Annotated[str, Form(pattern="^(enterprise|parcel)$")],
                   key: Annotated[str, Form(min_length=1, max_length=64)],
                   method: FormText = "", officer_id: FormText = "", target_date: FormText = "",
                   area_mu: FormText = "", description: FormText = "") -> Response:
    given = {"method": method, "officer_id": officer_id, "target_date": target_date,
             "area_mu": area_mu, "description": description}
    def write() -> Any:
        case_in = CaseOpen.model_validate({"year": year, "kind": kind, "key": key,
                                           **{k: _form(v) for k, v in given.items()}})
        return cases.open_case(session=session, actor=user, case_in=case_in, now=now)
    return submit(request, session, write, refused=REFUSED,
                  done=lambda new: RedirectResponse(f"/disposal/{new.id}?done=opened",
                                                    status_code=303),
                  again=lambda _exc, error: _new_page(request, session, user, now, year, kind,
                                                      key, status_code=422, form=given,
                                                      error=error))


def _case_page(request: Request, session: Session, user: User, now: datetime, case_id: int,
               status_code: int = 200, error: str | None = None) -> Response:
    c = _detail(session, user, case_id, now)
    may_manage = access.allowed(user, Action.CASES_MANAGE)
    officers = cases.officers_for(session=session, town=c.town, park=c.park) \
        if may_manage else []
    return render(request, "land/case.html", user, status_code=status_code, c=c,
                  today=now.date(), may_manage=may_manage, officers=officers,
                  methods=list(Method), error=error, done=request.query_params.get("done"))


@pages.get("/disposal/{case_id}")
def case_page(request: Request, case_id: CaseId, session: SessionDep, user: CurrentUser,
              now: Now) -> Response:
    return _case_page(request, session, user, now, case_id)


def _act(request: Request, session: Session, user: User, now: datetime, case_id: int,
         done: str, write: Any) -> Response:
    """Run a page form's write: back to the case page (a correction: the new case's), with the
    refusal when it was refused."""
    def back(written: Any) -> Response:
        target = (getattr(written, "corrects_case_id", None) and written.id) or case_id
        return RedirectResponse(f"/disposal/{target}?done={done}", status_code=303)

    def again(exc: Exception, error: str) -> Response:
        status = 409 if isinstance(exc, (InvalidTransition, ConflictError)) else 422
        return _case_page(request, session, user, now, case_id, status_code=status, error=error)

    return submit(request, session, write, refused=REFUSED, done=back, again=again)


def _version(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


@pages.post("/disposal/{case_id}/start", dependencies=[CsrfDep])
def start_form(request: Request, case_id: CaseId, session: SessionDep, user: CurrentUser,
               now: Now, version: FormText = "") -> Response:
    return _act(request, session, user, now, case_id, "started", lambda: cases.start_case(
        session=session, actor=user, case_id=case_id, expected_version=_version(version),
        now=now))


@pages.post("/disposal/{case_id}/notes", dependencies=[CsrfDep])
def note_form(request: Request, case_id: CaseId, session: SessionDep, user: CurrentUser,
              now: Now, on: FormText = "", text: FormText = "") -> Response:
    def write() -> Any:
        note = NoteIn.model_validate({"on": _form(on), "text": text})
        return cases.add_note(session=session, actor=user, case_id=case_id, on=note.on,
                              text=note.text, now=now)
    return _act(request, session, user, now, case_id, "noted", write)


@pages.post("/disposal/{case_id}/complete", dependencies=[CsrfDep])
def complete_form(request: Request, case_id: CaseId, session: SessionDep, user: CurrentUser,
                  now: Now, completed_on: FormText = "", area_mu: FormText = "",
                  version: FormText = "") -> Response:
    def write() -> Any:
        done = Completion.model_validate({"completed_on": _form(completed_on),
                                          "area_mu": _form(area_mu)})
        return cases.complete_case(session=session, actor=user, case_id=case_id,
                                   completed_on=done.completed_on, area_mu=done.area_mu,
                                   expected_version=_version(version), now=now)
    return _act(request, session, user, now, case_id, "completed", write)


@pages.post("/disposal/{case_id}/cancel", dependencies=[CsrfDep])
def cancel_form(request: Request, case_id: CaseId, session: SessionDep, user: CurrentUser,
                now: Now, reason: FormText = "", version: FormText = "") -> Response:
    def write() -> Any:
        given = Cancellation.model_validate({"reason": reason})
        return cases.cancel_case(session=session, actor=user, case_id=case_id,
                                 reason=given.reason, expected_version=_version(version),
                                 now=now)
    return _act(request, session, user, now, case_id, "cancelled", write)


@pages.post("/disposal/{case_id}/update", dependencies=[CsrfDep])
def update_form(request: Request, case_id: CaseId, session: SessionDep, user: CurrentUser,
                now: Now, method: FormText = "", officer_id: FormText = "",
                target_date: FormText = "", area_mu: FormText = "",
                version: FormText = "") -> Response:
    def write() -> Any:
        given = {"method": method, "officer_id": officer_id, "target_date": target_date,
                 "area_mu": area_mu}
        changes = CaseUpdate.model_validate({k: v for k, v in given.items() if v.strip()})
        return cases.update_case(session=session, actor=user, case_id=case_id, changes=changes,
                                 expected_version=_version(version), now=now)
    return _act(request, session, user, now, case_id, "saved", write)


@pages.post("/disposal/{case_id}/correct", dependencies=[CsrfDep])
def correct_form(request: Request, case_id: CaseId, session: SessionDep, user: CurrentUser,
                 now: Now, reason: FormText = "", method: FormText = "",
                 officer_id: FormText = "", target_date: FormText = "", area_mu: FormText = "",
                 completed_on: FormText = "") -> Response:
    def write() -> Any:
        given = {"reason": reason, "method": method, "officer_id": officer_id,
                 "target_date": target_date, "area_mu": area_mu, "completed_on": completed_on}
        correction = CaseCorrection.model_validate({k: v for k, v in given.items()
                                                    if v.strip()})
        return cases.correct_case(session=session, actor=user, case_id=case_id,
                                  correction=correction, now=now)
    return _act(request, session, user, now, case_id, "corrected", write)
