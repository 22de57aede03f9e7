"""One error shape for every error: {"error": {"code", "message"}}; no input ever yields a traceback."""
from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .exceptions import CorruptIndex, IncompatibleIndex, IndexNotReady
from .limits import QueryRejected

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _respond(status: int, code: str, message: str):
    if _wants_json():
        response = jsonify(error_body(code, message))
    else:
        response = render_template("error.html", status=status, code=code, message=message)
    return response, status


def register_error_handlers(app) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return _respond(exc.status, exc.code, exc.message)

    @app.errorhandler(IndexNotReady)
    def not_ready(exc: IndexNotReady):
        return _respond(503, "index_not_ready", str(exc))

    @app.errorhandler(IncompatibleIndex)
    def incompatible(exc: IncompatibleIndex):
        return _respond(503, "index_incompatible", str(exc))

    @app.errorhandler(CorruptIndex)
    def corrupt(exc: CorruptIndex):
        # the message names what is damaged and the command that rebuilds it
        return _respond(503, "index_corrupt", str(exc))

    @app.errorhandler(QueryRejected)
    def rejected(exc: QueryRejected):
        return _respond(400, exc.code, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _respond(exc.code or 500, (exc.name or "error").lower().replace(" ", "_"), exc.description or "")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s", request.path)
        return _respond(500, "internal_error", "the server hit an unexpected error; it has been logged")
