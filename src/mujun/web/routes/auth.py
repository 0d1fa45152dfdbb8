"""Sign-in, sign-out and the change of one's own password: the JSON API and the forms."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.services import auth as auth_service
from mujun.services import web_sessions
from mujun.services.errors import InvalidInput
from mujun.services.schemas import UserPublic
from mujun.store.models import User
from mujun.web.deps import (
    SESSION_TOKEN,
    CsrfDep,
    CurrentUser,
    NotSignedIn,
    SessionDep,
    SignedInUser,
    csrf_token,
    get_lang,
    get_signed_in_user,
    get_translator,
    session_token,
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
    #: signed in with a one-time password: only POST /api/auth/password is open until it changes
    must_change_password: bool = False


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=128)
    new_password: str = Field(min_length=1, max_length=128)


def _me(request: Request, user: User, token: str | None = None) -> Me:
    return Me(user=UserPublic.model_validate(user), csrf_token=token or csrf_token(request),
              must_change_password=user.must_change_password)


class Problem(BaseModel):
    detail: str


def _start_session(request: Request, session: Session, user: User) -> str:
    """A new server-side session in the cookie, with a new CSRF token (no fixation)."""
    sid = web_sessions.start_session(session=session, user=user, now=request.app.state.clock(),
                                     lifetime=request.app.state.session_lifetime)
    session.commit()
    request.session.clear()
    request.session[SESSION_TOKEN] = sid
    request.session["csrf"] = token = secrets.token_urlsafe(32)
    return token


def _end_session(request: Request, session: Session) -> None:
    token = session_token(request)
    if token is not None:
        web_sessions.end_session(session=session, token=token, now=request.app.state.clock())
        session.commit()
    request.session.clear()


def _sign_in(request: Request, session: Session, username: str,
             password: str) -> auth_service.SignIn:
    result = auth_service.sign_in(session=session, username=username, password=password,
                                  now=request.app.state.clock())
    session.commit()
    return result


def _refusal(request: Request, result: auth_service.SignIn) -> str:
    tr = get_translator(get_lang(request))
    if result.outcome == "locked" and result.locked_until is not None:
        return tr.error(auth_service.Locked(result.locked_until))
    return tr(N_("用户名或密码错误"))


@api.post("/login", response_model=Me, responses={401: {"model": Problem}, 429: {"model": Problem}})
def login(credentials: Credentials, request: Request, session: SessionDep) -> Response | Me:
    """Sign in; the answer holds the CSRF token to send as ``X-CSRF-Token`` on every POST."""
    result = _sign_in(request, session, credentials.username, credentials.password)
    if result.user is None:
        status = 429 if result.outcome == "locked" else 401
        return JSONResponse({"detail": _refusal(request, result)}, status_code=status)
    return _me(request, result.user, _start_session(request, session, result.user))


@api.post("/logout", status_code=204, dependencies=[CsrfDep])
def logout(request: Request, session: SessionDep) -> Response:
    """Sign out: the session ends in the store, so a saved copy of the cookie opens nothing."""
    _end_session(request, session)
    return Response(status_code=204)


@api.get("/me", response_model=Me)
def me(user: CurrentUser, request: Request) -> Me:
    return _me(request, user)


def _change_password(request: Request, session: Session, user: User, current: str,
                     new: str) -> None:
    auth_service.change_password(session=session, user=user, current=current, new=new,
                                 keep_session=session_token(request),
                                 now=request.app.state.clock())
    session.commit()


@api.post("/password", status_code=204, dependencies=[CsrfDep],
          responses={403: {"model": Problem}, 422: {"model": Problem}})
def change_password(body: PasswordChange, user: SignedInUser, request: Request,
                    session: SessionDep) -> Response:
    """Change one's own password (the current one and a new one that passes the policy); the
    user's other sessions end, this one stays."""
    _change_password(request, session, user, body.current_password, body.new_password)
    return Response(status_code=204)


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
    result = _sign_in(request, session, username, password)
    if result.user is None:
        return render(request, "login.html", None, status_code=401 if result.outcome != "locked"
                      else 429, next=_safe_next(next) or "", error=_refusal(request, result),
                      username=username)
    _start_session(request, session, result.user)
    if result.user.must_change_password:
        return RedirectResponse("/password", status_code=303)
    return RedirectResponse(_safe_next(next) or home_for(result.user), status_code=303)


@pages.post("/logout", dependencies=[CsrfDep])
def logout_form(request: Request, session: SessionDep) -> Response:
    _end_session(request, session)
    return RedirectResponse("/login", status_code=303)


def _password_page(request: Request, user: User, status_code: int = 200,
                   **context: Any) -> Response:
    return render(request, "password.html", user, status_code=status_code,
                  must_change=user.must_change_password, **context)


@pages.get("/password")
def password_page(request: Request, user: SignedInUser) -> Response:
    return _password_page(request, user, error=None)


@pages.post("/password", dependencies=[CsrfDep])
def password_form(
    request: Request,
    session: SessionDep,
    user: SignedInUser,
    current_password: Annotated[str, Form(max_length=128)],
    new_password: Annotated[str, Form(max_length=128)],
    new_password_again: Annotated[str, Form(max_length=128)],
) -> Response:
    try:
        if new_password != new_password_again:
            raise InvalidInput(N_("两次输入的新密码不一致"))
        _change_password(request, session, user, current_password, new_password)
    except InvalidInput as exc:
        session.rollback()
        return _password_page(request, user, status_code=422, error=str(exc))
    return RedirectResponse(home_for(user), status_code=303)


@pages.get("/")
def home(request: Request, session: SessionDep) -> Response:
    try:
        user = get_signed_in_user(request, session)
    except NotSignedIn:
        return RedirectResponse("/login", status_code=303)
    if user.must_change_password:
        return RedirectResponse("/password", status_code=303)
    return RedirectResponse(home_for(user), status_code=303)
