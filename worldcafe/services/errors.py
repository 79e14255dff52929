"""Errors a use case raises; the web edge turns each into a 4xx answer with its message."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out; `str(error)` is a message for the user."""

    status = 400


class InvalidInput(ServiceError):
    status = 400


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409


class NoLongerValid(Forbidden):
    """What the request was made as has ended (a participant who left, a deleted café): the
    edge refuses the request and cuts off the socket that sent it."""
