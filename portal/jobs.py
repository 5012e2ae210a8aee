"""Background work: things that must not hold a request or be lost if they fail once.

``enqueue(func, *args)`` runs ``func(*args)`` after the current transaction commits
(never if it rolls back), in a fresh app context with its own database session, so a
job sees exactly what was committed. Jobs are plain module-level functions that take
ids, not objects.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

from portal import db


def enqueue(func: Callable, *args) -> None:
    app = current_app._get_current_object()
    db.after_commit(lambda: run_now(app, func, *args))


def run_now(app: Flask, func: Callable, *args) -> None:
    """Run a job here and now, in its own app context; a failure is logged, not raised,
    because the request that queued it has already succeeded."""
    with app.app_context():
        try:
            func(*args)
        except Exception:  # noqa: BLE001 - a job's failure must not fail the request
            app.logger.exception("job %s failed", getattr(func, "__name__", func))
            db.session().rollback()
