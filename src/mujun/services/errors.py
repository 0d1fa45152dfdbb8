"""Errors the services raise; each carries a message a clerk or an admin can act on."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: the operation was refused and nothing was written."""


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
