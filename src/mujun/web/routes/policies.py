"""评价办法: the shipped policies and the county's stored versions as parameter tables; upload,
check and store a new version (the admin)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from mujun.services import policy_view as service
from mujun.services.policies import stored
from mujun.store.models import User
from mujun.web.deps import CsrfDep, CurrentUser, Now, SessionDep
from mujun.web.render import render

api = APIRouter(prefix="/api/policies", tags=["policies"])
pages = APIRouter(include_in_schema=False)
NamePath = Annotated[str, Path(max_length=100)]
NameQuery = Annotated[str | None, Query(max_length=100)]
VersionQuery = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
NoteForm = Annotated[str, Form(max_length=500)]


async def _upload_text(file: UploadFile) -> str:
    return service.decode_upload(await file.read(service.MAX_POLICY_BYTES + 1),
                                 name=file.filename)


@api.get("", response_model=list[service.PolicySummary])
def list_policies(user: CurrentUser) -> list[service.PolicySummary]:
    """The shipped policies."""
    return service.list_policies(actor=user)


@api.get("/stored", response_model=list[service.PolicySummary])
def list_stored(session: SessionDep, user: CurrentUser) -> list[service.PolicySummary]:
    """Every stored version of the county's policies, newest first within a name."""
    return service.list_stored(session=session, actor=user)


@api.get("/stored/{name}", response_model=service.PolicyPublic)
def get_stored(name: NamePath, session: SessionDep, user: CurrentUser,
               version: VersionQuery = None) -> service.PolicyPublic:
    """A stored version (the newest by default): its text, parameters and what changed from the
    version before."""
    return service.get_stored(session=session, actor=user, name=name, version=version)


@api.post("/stored", response_model=service.PolicySummary, status_code=201,
          responses={422: {"description": "the file has problems; nothing was stored"}},
          dependencies=[CsrfDep])
async def store_policy(session: SessionDep, user: CurrentUser, now: Now,
                       file: Annotated[UploadFile, File()], note: NoteForm = "") -> Any:
    """Check an uploaded policy file and keep it as the next version of the policy it names."""
    text = await _upload_text(file)
    try:
        saved = _store(session, user, text, file.filename, note, now)
    except stored.PolicyRefused as exc:
        problems = [p.model_dump() for p in service.problems_of(exc.problems)]
        return JSONResponse({"detail": str(exc), "problems": problems}, status_code=422)
    return service.summary_of(saved)


def _store(session: Session, user: User, text: str, filename: str | None, note: str,
           now: Any) -> Any:
    saved = stored.store_policy(session=session, actor=user, text=text, filename=filename,
                                note=note or None, now=now)
    session.commit()
    return saved


@api.get("/{name}", response_model=service.PolicyPublic)
def get_policy(name: NamePath, user: CurrentUser) -> service.PolicyPublic:
    """A shipped policy: its documented YAML, its parameters and its effective values."""
    return service.get_policy(actor=user, name=name)


@api.post("/check", response_model=service.PolicyCheck, dependencies=[CsrfDep])
async def check_policy(
    user: CurrentUser, file: Annotated[UploadFile, File()]
) -> service.PolicyCheck:
    """Check an uploaded policy file: every problem with its key path (nothing is stored)."""
    text = await _upload_text(file)
    return service.check_policy(actor=user, text=text, source=file.filename or "upload")


# --- pages ---------------------------------------------------------------------------------------


def _chosen(session: Session, user: User, name: str | None,
            version: int | None) -> service.PolicyPublic:
    """A stored version when asked for one (or by default, the newest stored), else shipped."""
    if version is not None:
        return service.get_stored(session=session, actor=user, name=name or "", version=version)
    if name:
        return service.get_policy(actor=user, name=name)
    newest = service.list_stored(session=session, actor=user)
    if newest:
        return service.get_stored(session=session, actor=user, name=newest[0].name)
    return service.get_policy(actor=user, name=service.list_policies(actor=user)[0].name)


def _page(request: Request, session: Session, user: User, chosen: service.PolicyPublic,
          status_code: int = 200, **context: Any) -> Response:
    return render(request, "policies.html", user, status_code=status_code,
                  policies=service.list_policies(actor=user),
                  stored=service.list_stored(session=session, actor=user), policy=chosen,
                  **{"check": None, "filename": None, **context})


@pages.get("/policies")
def policies_page(request: Request, session: SessionDep, user: CurrentUser,
                  name: NameQuery = None, version: VersionQuery = None) -> Response:
    return _page(request, session, user, _chosen(session, user, name, version))


@pages.get("/policies/download")
def download(session: SessionDep, user: CurrentUser, name: Annotated[str, Query(max_length=100)],
             version: VersionQuery = None) -> Response:
    """The YAML as written (a stored version with ``version``)."""
    policy = _chosen(session, user, name, version)
    suffix = f"-v{policy.version}" if policy.version else ""
    return Response(policy.text, media_type="application/yaml; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{policy.name}{suffix}.yaml"'})


@pages.post("/policies/check", dependencies=[CsrfDep])
async def check_page(request: Request, session: SessionDep, user: CurrentUser,
                     file: Annotated[UploadFile, File()]) -> Response:
    text = await _upload_text(file)
    check = service.check_policy(actor=user, text=text, source=file.filename or "upload")
    return _page(request, session, user, check.policy or _chosen(session, user, None, None),
                 check=check, filename=file.filename)


@pages.post("/policies/store", dependencies=[CsrfDep])
async def store_page(request: Request, session: SessionDep, user: CurrentUser, now: Now,
                     file: Annotated[UploadFile, File()], note: NoteForm = "") -> Response:
    text = await _upload_text(file)
    try:
        saved = _store(session, user, text, file.filename, note, now)
    except stored.PolicyRefused as exc:
        session.rollback()
        check = service.PolicyCheck(ok=False, policy=None,
                                    problems=service.problems_of(exc.problems))
        return _page(request, session, user, _chosen(session, user, None, None),
                     status_code=422, check=check, filename=file.filename)
    query = urlencode({"name": saved.name, "version": saved.version, "stored": 1})
    return RedirectResponse(f"/policies?{query}", status_code=303)
