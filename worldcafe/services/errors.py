"""Errors a use case raises; the web edge turns each into a 4xx answer with its message."""

from __future__ import annotations

from worldcafe.messages import Message


class ServiceError(Exception):
    """A request that cannot be carried out, with a message for the person who asked.

    Raised as `InvalidInput(N_("%(field)s must be text."), field=N_("Your note"))`: the
    message id is English and marked for the catalogues, its values are named. The web edge
    shows `message` in the reader's language; `str(error)` is the English text (the command
    line and the logs).
    """

    status = 400

    def __init__(self, message_id: str, /, **values: object) -> None:
        super().__init__(message_id)
        self.message = Message(message_id, **values)

    def __str__(self) -> str:
        return self.message.render()


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
