"""Optimistic locking helpers: a stale write becomes a clear ``ConflictError``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from mujun.services.errors import ConflictError


def check_version(obj: object, expected_version: int | None, what: str) -> None:
    """Refuse an edit made on a copy older than the stored record (``None`` skips the check)."""
    current = getattr(obj, "version", None)
    if expected_version is not None and current != expected_version:
        raise ConflictError(
            f"{what} was changed by someone else (you edited version {expected_version}, "
            f"it is now version {current}); reload it and apply your change again"
        )


@contextmanager
def conflicts(what: str, message: str | None = None) -> Iterator[None]:
    """Turn SQLAlchemy's ``StaleDataError`` (a concurrent writer won) into ``ConflictError``
    (``message``, or a generic one about ``what``)."""
    try:
        yield
    except StaleDataError:
        raise ConflictError(message or (
            f"{what} was changed by someone else at the same time; reload it and try again"
        )) from None
