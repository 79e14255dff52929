"""Errors become clear 4xx pages or fragments with a message; never a traceback."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers.response import Response

from worldcafe.database import UNAVAILABLE, DatabaseUnavailable, describe_failure
from worldcafe.i18n import translated
from worldcafe.rate_limits import RateLimited
from worldcafe.services.errors import ServiceError
from worldcafe.views.edge import is_htmx


def error_response(message: str, status: int) -> tuple[Response | str, int]:
    """The same message as JSON, an htmx alert fragment, or a page, as the client wants."""
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"error": message}), status
    if is_htmx():
        response = Response(render_template("_alert.html", message=message), status=status)
        response.headers["HX-Retarget"] = "#alerts"
        response.headers["HX-Reswap"] = "innerHTML"
        return response, status
    return render_template("error.html", message=message, status=status), status


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError) -> tuple[Response | str, int]:
        body, status = error_response(translated(error.message), error.status)
        if isinstance(error, RateLimited):
            response = make_response(body, status)
            response.headers["Retry-After"] = str(error.retry_after)
            return response, status
        return body, status

    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError) -> tuple[Response | str, int]:
        return error_response(
            _("The form expired or came from elsewhere. Reload the page and try again."), 400
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[Response | str, int]:
        status = error.code or 500
        messages = {
            400: _("The request could not be understood."),
            401: _("Please sign in first."),
            403: _("You may not open this page."),
            404: _("This page does not exist, or the link is no longer valid."),
            405: _("This action is not available here."),
            413: _("That is too much data for one request."),
            429: _("Too many requests: wait a moment and try again."),
        }
        return error_response(messages.get(status, error.description or ""), status)

    @app.errorhandler(SQLAlchemyError)
    @app.errorhandler(DatabaseUnavailable)
    def _database_error(error: Exception) -> tuple[Response | str, int]:
        app.logger.error("Database failure: %s", describe_failure(error))
        return error_response(translated(UNAVAILABLE), 503)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[Response | str, int]:
        app.logger.exception("Unexpected error", exc_info=error)
        return error_response(_("Something went wrong on our side. Please try again."), 500)
