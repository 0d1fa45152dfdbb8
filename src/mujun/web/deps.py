"""Typed dependencies: ``SessionDep``, ``CurrentUser``, ``Lang`` and the CSRF check."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BeforeValidator, Field
from sqlalchemy.orm import Session

from mujun.services.web_sessions import session_user
from mujun.store.models import User
from mujun.web.i18n import LANGS, Translator

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class NotSignedIn(Exception):
    """No valid session: the API answers 401, a page redirects to the sign-in form."""


class PasswordChangeRequired(Exception):
    """Signed in with a one-time password: pages redirect to the change-password form, the API
    answers 403 until the password is changed."""


class CsrfRejected(Exception):
    pass


def get_session(request: Request) -> Iterator[Session]:
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
    finally:
        # close without expiring: the signed-in user stays readable for error pages
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def check_csrf(request: Request) -> None:
    """Every unsafe request carries the session's token in a header or a form field."""
    if request.method not in UNSAFE:
        return
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # cached on the request: the endpoint reads the same form
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(str(expected), given):
        raise CsrfRejected()


CsrfDep = Depends(check_csrf)


#: the session cookie's key of the server-side session's token (services/web_sessions.py)
SESSION_TOKEN = "sid"


def session_token(request: Request) -> str | None:
    token = request.session.get(SESSION_TOKEN)
    return token if isinstance(token, str) else None


def get_signed_in_user(request: Request, session: SessionDep) -> User:
    """The user of a live server-side session, even one who must still change a one-time
    password (only the change-password page and API and sign-out take this one)."""
    token = session_token(request)
    user = None
    if token is not None:
        user = session_user(session=session, token=token, now=request.app.state.clock(),
                            idle=request.app.state.session_idle)
    if user is None:
        raise NotSignedIn()
    request.state.user = user
    return user


SignedInUser = Annotated[User, Depends(get_signed_in_user)]


def get_current_user(user: SignedInUser) -> User:
    """The signed-in user, once any one-time password has been changed."""
    if user.must_change_password:
        raise PasswordChangeRequired()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "zh"
    return lang if lang in LANGS else "zh"


def get_translator(lang: Annotated[str, Depends(get_lang)]) -> Translator:
    return Translator(lang)


Lang = Annotated[Translator, Depends(get_translator)]


def get_now(request: Request) -> datetime:
    """The app's clock (tests move it to close a public notice)."""
    now: datetime = request.app.state.clock()
    return now


Now = Annotated[datetime, Depends(get_now)]


def _blank_is_none(value: object) -> object:
    """A form's empty field (年度 "最新") sends ``year=``: that means "not given", not an error."""
    return None if value == "" else value


#: put into an optional query parameter's ``Annotated[...]`` so that an empty value is ``None``
BlankIsNone = BeforeValidator(_blank_is_none)
#: a year in range; as ``Annotated[Year | None, BlankIsNone, Query()]`` an optional year query
#: (the range on the int itself: on the ``| None`` it would reject the ``None`` of a blank)
Year = Annotated[int, Field(ge=1990, le=2100)]
