"""A page form's write, the same on every page: run it and commit, or — when the input or the
service refuses it — roll back and answer the page again with the refusal in the page's language
(the forms are plain POSTs: a refusal is the form shown again with what was typed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from mujun.services.errors import InvalidInput
from mujun.services.user_messages import form_problems
from mujun.web.deps import get_lang, get_translator

Written = TypeVar("Written")


def refusal(request: Request, exc: Exception) -> str:
    """A refused form in the page's language: each field a ``ValidationError`` names, or the
    service's message."""
    tr = get_translator(get_lang(request))
    return form_problems(exc, tr) if isinstance(exc, ValidationError) else tr.error(exc)


def submit(request: Request, session: Session, write: Callable[[], Written], *,
           done: Callable[[Written], Response], again: Callable[[Exception, str], Response],
           refused: tuple[type[Exception], ...] = (ValidationError, InvalidInput)) -> Response:
    """``write()`` committed, then ``done`` with what it wrote; a ``refused`` error rolls back
    and answers ``again(error, its words)``."""
    try:
        written = write()
        session.commit()
    except refused as exc:
        session.rollback()
        return again(exc, refusal(request, exc))
    return done(written)
