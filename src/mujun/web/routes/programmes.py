"""Programmes (docs/programmes.md): the talent register, the 股改上市 pipeline, the incentive
payments and the safety award — lists with exports for every role that reaches them, entry and
file imports for the administrator."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from mujun.engine.programmes.registers import IPO_STAGES, PROGRAMMES, TALENT_CATEGORIES
from mujun.io.number_formats import Kind
from mujun.io.xlsx_table import Column
from mujun.services.errors import InvalidInput, NotFound
from mujun.services.list_query import ListQuery
from mujun.services.programmes import ipo, payments, safety, talent
from mujun.services.programmes.files import ImportSummary
from mujun.services.programmes.overview import Overview, overview
from mujun.services.programmes.scope import reach
from mujun.services.uploads import safe_file_name
from mujun.store.models import User
from mujun.web.deps import CsrfDep, CurrentUser, SessionDep, get_translator
from mujun.web.forms import submit
from mujun.web.render import render as render_page
from mujun.web.xlsx import download, workbook

api = APIRouter(prefix="/api/programmes", tags=["programmes"])
pages = APIRouter(include_in_schema=False)

TalentFilters = Annotated[talent.TalentQuery, Query()]
IpoFilters = Annotated[ipo.IpoQuery, Query()]
PaymentFilters = Annotated[payments.PaymentQuery, Query()]
SafetyFilters = Annotated[safety.SafetyQuery, Query()]
FormText = Annotated[str, Form(max_length=500)]
MAX_UPLOAD = 16 * 1024 * 1024

TALENT_COLUMNS = [Column("人才编号", Kind.CODE), Column("化名"), Column("人才类别"),
                  Column("引进年度", Kind.CODE), Column("乡镇街道"),
                  Column("用人单位统一社会信用代码", Kind.CODE), Column("用人单位")]
IPO_COLUMNS = [Column("统一社会信用代码", Kind.CODE), Column("企业名称"), Column("乡镇街道"),
               Column("阶段"), Column("股改日期", Kind.DATE), Column("辅导日期", Kind.DATE),
               Column("申报日期", Kind.DATE), Column("上市日期", Kind.DATE), Column("备注")]
PAYMENT_COLUMNS = [Column("统一社会信用代码", Kind.CODE), Column("企业名称"), Column("乡镇街道"),
                   Column("年度", Kind.CODE), Column("奖补项目"), Column("金额", Kind.MONEY),
                   Column("兑现日期", Kind.DATE), Column("备注")]
SAFETY_COLUMNS = [Column("统一社会信用代码", Kind.CODE), Column("企业名称"), Column("乡镇街道"),
                  Column("评定结果"), Column("影响评定的事故")]


# --- API -----------------------------------------------------------------------------------------


@api.get("/talent", response_model=talent.TalentPage)
def talent_list(session: SessionDep, user: CurrentUser,
                filters: TalentFilters) -> talent.TalentPage:
    """The talent register in your reach, with the people per category (六百工程: goal 100)."""
    return talent.list_talent(session=session, actor=user, filters=filters)


@api.get("/talent.xlsx", response_class=Response)
def talent_export(session: SessionDep, user: CurrentUser, filters: TalentFilters) -> Response:
    page = talent.list_talent(session=session, actor=user, filters=filters, paged=False)
    tr = get_translator("zh")
    rows = ([r.person_code, r.pseudonym, tr.label("talent", r.category), str(r.year), r.town,
             r.employer_uscc, r.employer] for r in page.items)
    return download(workbook(TALENT_COLUMNS, rows, "人才名册"), "talent.xlsx")


@api.post("/talent", response_model=talent.TalentRow, status_code=201, dependencies=[CsrfDep])
def talent_add(session: SessionDep, user: CurrentUser,
               person_in: talent.PersonIn) -> talent.TalentRow:
    person = talent.add_person(session=session, actor=user, person_in=person_in)
    session.commit()
    return talent.TalentRow(person_code=person.person_code, pseudonym=person.pseudonym,
                            category=person.category, year=person.year, town=person.town,
                            employer_uscc=person_in.employer_uscc, employer=None)


@api.get("/ipo", response_model=ipo.IpoPage)
def ipo_list(session: SessionDep, user: CurrentUser, filters: IpoFilters) -> ipo.IpoPage:
    """The 股改上市 pipeline in your reach, with the count per stage."""
    return ipo.list_pipeline(session=session, actor=user, filters=filters)


@api.get("/ipo.xlsx", response_class=Response)
def ipo_export(session: SessionDep, user: CurrentUser, filters: IpoFilters) -> Response:
    page = ipo.list_pipeline(session=session, actor=user, filters=filters, paged=False)
    tr = get_translator("zh")
    rows = ([r.uscc, r.name, r.town, tr.label("ipo", r.stage),
             *(r.dates[s] for s in IPO_STAGES), r.note] for r in page.items)
    return download(workbook(IPO_COLUMNS, rows, "股改上市"), "ipo-pipeline.xlsx")


class StageSaved(BaseModel):
    uscc: str
    stage: str


@api.post("/ipo", response_model=StageSaved, dependencies=[CsrfDep])
def ipo_set(session: SessionDep, user: CurrentUser, stage_in: ipo.StageIn) -> StageSaved:
    rec = ipo.set_stage(session=session, actor=user, stage_in=stage_in)
    session.commit()
    return StageSaved(uscc=stage_in.uscc.strip().upper(), stage=rec.stage)


@api.get("/payments", response_model=payments.PaymentPage)
def payment_list(session: SessionDep, user: CurrentUser,
                 filters: PaymentFilters) -> payments.PaymentPage:
    """Incentive payments (奖补兑现) in your reach, with the totals of the selection."""
    return payments.list_payments(session=session, actor=user, filters=filters)


@api.get("/payments.xlsx", response_class=Response)
def payment_export(session: SessionDep, user: CurrentUser, filters: PaymentFilters) -> Response:
    page = payments.list_payments(session=session, actor=user, filters=filters, paged=False)
    tr = get_translator("zh")
    rows = ([r.uscc, r.name, r.town, str(r.year), tr.label("programme", r.programme),
             r.amount_wan, r.paid_on, r.note] for r in page.items)
    return download(workbook(PAYMENT_COLUMNS, rows, "奖补兑现"), "incentive-payments.xlsx")


class PaymentSaved(BaseModel):
    uscc: str
    year: int
    programme: str
    amount_wan: float


@api.post("/payments", response_model=PaymentSaved, dependencies=[CsrfDep])
def payment_record(session: SessionDep, user: CurrentUser,
                   payment_in: payments.PaymentIn) -> PaymentSaved:
    saved = payments.record_payment(session=session, actor=user, payment_in=payment_in)
    session.commit()
    return PaymentSaved(uscc=payment_in.uscc.strip().upper(), year=saved.year,
                        programme=saved.programme, amount_wan=saved.amount_wan)


@api.get("/safety", response_model=safety.SafetyPage)
def safety_award(session: SessionDep, user: CurrentUser,
                 filters: SafetyFilters) -> safety.SafetyPage:
    """Who is eligible for the year's safety award (no safety incident in Y−2 … Y)."""
    return safety.safety_list(session=session, actor=user, filters=filters)


@api.get("/safety.xlsx", response_class=Response)
def safety_export(session: SessionDep, user: CurrentUser, filters: SafetyFilters) -> Response:
    page = safety.safety_list(session=session, actor=user, filters=filters, paged=False)
    tr = get_translator("zh")
    rows = ([r.uscc, r.name, r.town, tr("符合") if r.eligible else tr("不符合"),
             "；".join(f"{b.year} {tr.label('incident', b.type)}" for b in r.blocking)]
            for r in page.items)
    return download(workbook(SAFETY_COLUMNS, rows, "安全生产"), f"safety-award-{page.year}.xlsx")


@api.get("", response_model=Overview)
def programmes_overview(session: SessionDep, user: CurrentUser) -> Overview:
    """Each programme list you reach, summed up."""
    return overview(session=session, actor=user)


# --- pages ---------------------------------------------------------------------------------------


def render(request: Request, name: str, user: User, status_code: int = 200,
           **context: Any) -> Response:
    """A programme page, with the tabs of the lists the user reaches."""
    return render_page(request, name, user, status_code=status_code, reach=reach(user),
                       **context)


Importer = Callable[..., ImportSummary]
#: the entry forms' refusals: the input, or the service (an unknown credit code: NotFound)
REFUSED = (ValidationError, InvalidInput, NotFound)


@dataclass(frozen=True)
class _List:
    """A programme list's page (``programmes/<name>.html``): its service, query and import, and
    what its entry form chooses from."""

    lister: Callable[..., Any]
    query: type[ListQuery]
    importer: Importer
    choices: Callable[[], dict[str, Any]]


_LISTS = {
    "talent": _List(talent.list_talent, talent.TalentQuery, talent.import_talent,
                    lambda: {"categories": TALENT_CATEGORIES}),
    "ipo": _List(ipo.list_pipeline, ipo.IpoQuery, ipo.import_pipeline,
                 lambda: {"stages": IPO_STAGES, "today": date.today().isoformat()}),
    "payments": _List(payments.list_payments, payments.PaymentQuery, payments.import_payments,
                      lambda: {"programmes": PROGRAMMES}),
}


def _imported(request: Request) -> list[int] | None:
    """The counts an import reported (added, changed, unchanged), from the redirect."""
    parts = request.query_params.get("imported", "").split(",")
    return [int(p) for p in parts] if len(parts) == 3 and all(p.isdigit() for p in parts) else None


def _list_page(request: Request, session: Session, user: User, name: str,
               filters: ListQuery | None = None, status_code: int = 200,
               **context: Any) -> Response:
    """A programme list with its entry and import forms (a refused one: its error, what was
    typed, on the list as it is unfiltered)."""
    kind = _LISTS[name]
    filters = filters or kind.query()
    page = kind.lister(session=session, actor=user, filters=filters)
    return render(request, f"programmes/{name}.html", user, status_code=status_code, page=page,
                  filters=filters, imported=_imported(request), **kind.choices(),
                  **{"form": {}, "error": None, **context})


def _entry(request: Request, session: Session, user: User, name: str, given: dict[str, Any],
           write: Callable[[], object], then: str) -> Response:
    """An entry form's write, then ``then``; refused, the list again with the form as typed."""
    return submit(request, session, write, refused=REFUSED,
                  done=lambda _: RedirectResponse(then, status_code=303),
                  again=lambda _exc, error: _list_page(request, session, user, name,
                                                       status_code=422, form=given, error=error))


async def _import(request: Request, session: Session, user: User, upload: UploadFile,
                  name: str) -> Response:
    """A list's file import, all or nothing: back to the list with the counts, or the list with
    the file's errors."""
    data = await upload.read(MAX_UPLOAD + 1)

    def write() -> ImportSummary:
        if len(data) > MAX_UPLOAD:
            raise InvalidInput(f"文件超过 {MAX_UPLOAD // 2**20} MB 的上限")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / safe_file_name(upload.filename)
            path.write_bytes(data)
            return _LISTS[name].importer(session=session, actor=user, path=path)

    return submit(request, session, write, refused=(InvalidInput,),
                  done=lambda s: RedirectResponse(
                      f"/programmes/{name}?imported={s.added},{s.changed},{s.unchanged}",
                      status_code=303),
                  again=lambda _exc, error: _list_page(request, session, user, name,
                                                       status_code=422, import_error=error))


@pages.get("/programmes")
def overview_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return render(request, "programmes/overview.html", user,
                  summary=overview(session=session, actor=user))


@pages.get("/programmes/talent")
def talent_page(request: Request, session: SessionDep, user: CurrentUser,
                filters: TalentFilters) -> Response:
    return _list_page(request, session, user, "talent", filters)


@pages.post("/programmes/talent", dependencies=[CsrfDep])
def talent_form(request: Request, session: SessionDep, user: CurrentUser,
                person_code: FormText = "", pseudonym: FormText = "", category: FormText = "",
                year: FormText = "", employer_uscc: FormText = "",
                town: FormText = "") -> Response:
    given = {"person_code": person_code, "pseudonym": pseudonym, "category": category,
             "year": year, "employer_uscc": employer_uscc or None, "town": town or None}
    return _entry(request, session, user, "talent", given, lambda: talent.add_person(
        session=session, actor=user, person_in=talent.PersonIn.model_validate(given)),
        f"/programmes/talent?year={year}&sort=-person_code")


@pages.post("/programmes/talent/import", dependencies=[CsrfDep])
async def talent_import(request: Request, session: SessionDep, user: CurrentUser,
                        file: Annotated[UploadFile, File()]) -> Response:
    return await _import(request, session, user, file, "talent")


@pages.get("/programmes/ipo")
def ipo_page(request: Request, session: SessionDep, user: CurrentUser,
             filters: IpoFilters) -> Response:
    return _list_page(request, session, user, "ipo", filters)


@pages.post("/programmes/ipo", dependencies=[CsrfDep])
def ipo_form(request: Request, session: SessionDep, user: CurrentUser, uscc: FormText = "",
             stage: FormText = "", on: FormText = "", note: FormText = "") -> Response:
    given = {"uscc": uscc, "stage": stage, "on": on or None, "note": note or None}
    return _entry(request, session, user, "ipo", given, lambda: ipo.set_stage(
        session=session, actor=user, stage_in=ipo.StageIn.model_validate(given)),
        f"/programmes/ipo?stage={stage}")


@pages.post("/programmes/ipo/import", dependencies=[CsrfDep])
async def ipo_import(request: Request, session: SessionDep, user: CurrentUser,
                     file: Annotated[UploadFile, File()]) -> Response:
    return await _import(request, session, user, file, "ipo")


@pages.get("/programmes/payments")
def payments_page(request: Request, session: SessionDep, user: CurrentUser,
                  filters: PaymentFilters) -> Response:
    return _list_page(request, session, user, "payments", filters)


@pages.post("/programmes/payments", dependencies=[CsrfDep])
def payment_form(request: Request, session: SessionDep, user: CurrentUser, uscc: FormText = "",
                 year: FormText = "", programme: FormText = "", amount_wan: FormText = "",
                 paid_on: FormText = "", note: FormText = "") -> Response:
    given = {"uscc": uscc, "year": year, "programme": programme, "amount_wan": amount_wan,
             "paid_on": paid_on or None, "note": note or None}
    return _entry(request, session, user, "payments", given, lambda: payments.record_payment(
        session=session, actor=user, payment_in=payments.PaymentIn.model_validate(given)),
        f"/programmes/payments?year={year}&saved=1")


@pages.post("/programmes/payments/import", dependencies=[CsrfDep])
async def payment_import(request: Request, session: SessionDep, user: CurrentUser,
                         file: Annotated[UploadFile, File()]) -> Response:
    return await _import(request, session, user, file, "payments")


@pages.get("/programmes/safety")
def safety_page(request: Request, session: SessionDep, user: CurrentUser,
                filters: SafetyFilters) -> Response:
    page = safety.safety_list(session=session, actor=user, filters=filters)
    return render(request, "programmes/safety.html", user, page=page, filters=filters)
