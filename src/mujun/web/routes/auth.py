"""Sign-in and sign-out: the JSON API and the form."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from mujun.services import auth as auth_service
from mujun.services.schemas import UserPublic
from mujun.store.models import User
from mujun.web.deps import (
    CsrfDep,
    CurrentUser,
    NotSignedIn,
    SessionDep,
    csrf_token,
    get_current_user,
)
from mujun.web.nav import home_for
from mujun.web.render import render

api = APIRouter(prefix="/api/auth", tags=["auth"])
pages = APIRouter(include_in_schema=False)


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


class Me(BaseModel):
    user: UserPublic
    csrf_token: str


class Problem(BaseModel):
    detail: str


def _start_session(request: Request, user: User) -> str:
    request.session.clear()
    request.session["uid"] = user.id
    request.session["tag"] = auth_service.session_tag(user)
    request.session["csrf"] = token = secrets.token_urlsafe(32)
    return token


def _refusal(result: auth_service.SignIn) -> str:
    if result.outcome == "locked" and result.locked_until is not None:
        return f"too many failed sign-ins; try again after {result.locked_until:%H:%M} UTC"
    return "wrong user name or password"


@api.post("/login", response_model=Me, responses={401: {"model": Problem}, 429: {"model": Problem}})
def login(credentials: Credentials, request: Request, session: SessionDep) -> Response | Me:
    """Sign in; the answer holds the CSRF token to send as ``X-CSRF-Token`` on every POST."""
    result = auth_service.sign_in(session=session, username=credentials.username,
                                  password=credentials.password)
    session.commit()
    if result.user is None:
        status = 429 if result.outcome == "locked" else 401
        return JSONResponse({"detail": _refusal(result)}, status_code=status)
    token = _start_session(request, result.user)
    return Me(user=UserPublic.model_validate(result.user), csrf_token=token)


@api.post("/logout", status_code=204, dependencies=[CsrfDep])
def logout(request: Request) -> Response:
    request.session.clear()
    return Response(status_code=204)


@api.get("/me", response_model=Me)
def me(user: CurrentUser, request: Request) -> Me:
    return Me(user=UserPublic.model_validate(user), csrf_token=csrf_token(request))


def _safe_next(target: str | None) -> str | None:
    # only paths of this site, never another host
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@pages.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", None, next=_safe_next(next) or "", error=None)


@pages.post("/login", dependencies=[CsrfDep])
def login_form(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=128)],
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    result = auth_service.sign_in(session=session, username=username, password=password)
    session.commit()
    if result.user is None:
        return render(request, "login.html", None, status_code=401 if result.outcome != "locked"
                      else 429, next=_safe_next(next) or "", error=_refusal(result),
                      username=username)
    _start_session(request, result.user)
    return RedirectResponse(_safe_next(next) or home_for(result.user), status_code=303)


@pages.post("/logout", dependencies=[CsrfDep])
def logout_form(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@pages.get("/")
def home(request: Request, session: SessionDep) -> Response:
    try:
        user = get_current_user(request, session)
    except NotSignedIn:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(home_for(user), status_code=303)
