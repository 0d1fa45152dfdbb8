"""评价办法: the shipped policies with their documentation; upload and check a new one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Request, UploadFile
from fastapi.responses import Response

from mujun.services import policy_view as service
from mujun.web.deps import CsrfDep, CurrentUser
from mujun.web.render import render

api = APIRouter(prefix="/api/policies", tags=["policies"])
pages = APIRouter(include_in_schema=False)
NamePath = Annotated[str, Path(max_length=100)]


@api.get("", response_model=list[service.PolicySummary])
def list_policies(user: CurrentUser) -> list[service.PolicySummary]:
    return service.list_policies(actor=user)


@api.get("/{name}", response_model=service.PolicyPublic)
def get_policy(name: NamePath, user: CurrentUser) -> service.PolicyPublic:
    """The policy's documented YAML and its effective values."""
    return service.get_policy(actor=user, name=name)


@api.post("/check", response_model=service.PolicyCheck, dependencies=[CsrfDep])
async def check_policy(
    user: CurrentUser, file: Annotated[UploadFile, File()]
) -> service.PolicyCheck:
    """Check an uploaded policy file: every problem with its key path (nothing is stored)."""
    text = service.decode_upload(await file.read(service.MAX_POLICY_BYTES + 1),
                                 name=file.filename)
    return service.check_policy(actor=user, text=text, source=file.filename or "upload")


@pages.get("/policies")
def policies_page(request: Request, user: CurrentUser, name: str | None = None) -> Response:
    summaries = service.list_policies(actor=user)
    chosen = service.get_policy(actor=user, name=name or summaries[0].name)
    return render(request, "policies.html", user, policies=summaries, policy=chosen, check=None)


@pages.post("/policies/check", dependencies=[CsrfDep])
async def check_page(request: Request, user: CurrentUser,
                     file: Annotated[UploadFile, File()]) -> Response:
    text = service.decode_upload(await file.read(service.MAX_POLICY_BYTES + 1),
                                 name=file.filename)
    check = service.check_policy(actor=user, text=text, source=file.filename or "upload")
    summaries = service.list_policies(actor=user)
    chosen = service.get_policy(actor=user, name=summaries[0].name)
    return render(request, "policies.html", user, policies=summaries, policy=chosen, check=check,
                  filename=file.filename)
