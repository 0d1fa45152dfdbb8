"""Errors the services raise; each carries a message a clerk or an admin can act on."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: the operation was refused and nothing was written.

    The message is Chinese, marked with ``N_`` for the catalogue; its variable parts are
    ``%(name)s`` placeholders given as keywords, so a page can show it in English too
    (``web.i18n.Translator.error``, docs/translations.md).
    """

    def __init__(self, message: str = "", **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class NotFound(ServiceError):
    pass


class PermissionDenied(ServiceError):
    pass


class ConflictError(ServiceError):
    """Someone else changed the record since it was read (optimistic locking), or a value belongs to
    another department."""


class InvalidTransition(ServiceError):
    """A run or appeal is not in a state that allows the operation (e.g. a published run)."""


class InvalidInput(ServiceError):
    pass


class TooManyRequests(ServiceError):
    """The user already has as many jobs waiting or running as allowed; try again later."""
