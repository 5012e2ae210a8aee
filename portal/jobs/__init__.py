"""Background work that must not hold a request, and must not be lost if it fails once.

``enqueue(func, *args)`` adds a row to the jobs table in the caller's session, so the job
exists if and only if the caller's change commits. After the commit:

- with ``PORTAL_REDIS_URL`` set, the job's id is pushed to RQ (queue "mysay") and a
  ``flask --app portal worker`` runs it;
- without it, the job runs here in-process, in a fresh app context with its own session.

A job that fails is tried again with back-off (1, 2, 4 ... minutes, at most an hour);
after its last attempt it is "failed" and shown to managers on the Jobs page, where they
can try it again. The worker re-queues due jobs every minute, and jobs whose worker died
mid-job once their lease runs out; ``flask --app portal run-jobs`` does the same for
installations without Redis (and a thread in each web process runs it every minute).

Jobs are plain module-level functions that take ids (JSON), not objects. Decorate one
with ``@jobs.job(...)`` to give it a label for the managers' page, more attempts or a
longer time limit.
"""
from __future__ import annotations

import importlib
import json
from collections.abc import Callable

from flask import current_app

from portal import clock, db
from portal.jobs.models import Job, JobState

__all__ = ["Job", "JobState", "TryLater", "enqueue", "job"]

DEFAULT_ATTEMPTS = 5
# An email is delayed, never dropped: 25 tries with back-off cover about a day.
EMAIL_ATTEMPTS = 25
DEFAULT_TIMEOUT = 600


class TryLater(Exception):  # noqa: N818 - it says what to do
    """A job could not finish now and should be tried again. Its message is shown to
    managers on the Jobs page, so it never holds a child's name or words."""


def job(*, label=None, max_attempts: int | None = None, timeout: int | None = None):
    """Mark a function as a job with its own label, attempts or time limit (seconds)."""
    def mark(func: Callable) -> Callable:
        func.job_options = {"label": label, "max_attempts": max_attempts, "timeout": timeout}
        return func
    return mark


def name_of(func: Callable) -> str:
    module, qualname = getattr(func, "__module__", None), getattr(func, "__qualname__", "")
    top_level = module and module != "__main__" and "." not in qualname and "<" not in qualname
    if not top_level or resolve(f"{module}.{qualname}") is not func:
        raise ValueError("a job must be a function defined at the top level of a module")
    return f"{module}.{qualname}"


def resolve(name: str) -> Callable:
    """The function a job names (ImportError or AttributeError when it has gone)."""
    module, _, attribute = name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def options(func: Callable) -> dict:
    return getattr(func, "job_options", {})


def enqueue(func: Callable, *args, max_attempts: int | None = None,
            timeout: int | None = None) -> Job:
    """Keep a job to run ``func(*args)`` once the caller's transaction commits."""
    payload = json.loads(json.dumps(list(args)))  # ids only: anything else fails here, now
    marked = options(func)
    row = Job(func=name_of(func), args=payload, state=JobState.QUEUED, attempts=0,
              max_attempts=max_attempts or marked.get("max_attempts") or DEFAULT_ATTEMPTS,
              timeout_seconds=timeout or marked.get("timeout") or DEFAULT_TIMEOUT,
              run_after=clock.now(), created_at=clock.now(), updated_at=clock.now())
    app = current_app._get_current_object()
    if app.config["PORTAL"].redis_url:
        row.pushed_at = clock.now()  # pushed straight after the commit (undone if it fails)
    session = db.session()
    session.add(row)
    session.flush()
    job_id, timeout_seconds = row.id, row.timeout_seconds

    from portal.jobs import runner

    db.after_commit(lambda: runner.dispatch(app, job_id, timeout_seconds))
    return row


def init_app(app) -> None:
    """Without Redis, each web process runs due jobs (retries) on a timer of its own,
    started by its first request, so `scripts/serve` needs nothing else. Tests run jobs
    themselves (``runner.run_due()``)."""
    config = app.config["PORTAL"]
    if config.redis_url or config.env == "testing":
        return
    import os
    import threading

    started: dict[str, int] = {}
    lock = threading.Lock()

    @app.before_request
    def _start_job_timer() -> None:
        if started.get("pid") == os.getpid():
            return
        with lock:
            if started.get("pid") != os.getpid():
                from portal.jobs import runner

                started["pid"] = os.getpid()
                runner.start_timer(app)
