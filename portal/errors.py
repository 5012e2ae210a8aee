"""Friendly error pages, in the person's language, for every error a person can meet."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal import db

# Codes with a page of their own; any other HTTP error uses the 400 wording.
PAGES = (400, 403, 404, 405, 413, 429, 500, 503)


def render_error(code: int, *, reason: str | None = None):
    return render_template("errors/error.html", code=code, reason=reason), code


def _http_error(error: HTTPException):
    if error.code in (401,):
        return error
    code = error.code if error.code in PAGES else 400
    return render_error(code)


def _csrf_error(_error: CSRFError):
    # The form's page timed out or was opened in another tab: nothing was saved.
    return render_error(400, reason="csrf")


def _database_down(error: OperationalError):
    return render_error(503)


def _unexpected(error: Exception):
    original = getattr(error, "original_exception", error)
    if isinstance(original, OperationalError):
        return _database_down(original)
    from flask import current_app

    current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
    try:
        db.session().rollback()
    except Exception:  # noqa: BLE001,S110 - the page must still render
        pass
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _unexpected)
    app.register_error_handler(OperationalError, _database_down)
