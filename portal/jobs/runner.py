"""Running jobs: claim one, run it, record how it went; sweep up the due and the lost.

Every step is a conditional UPDATE, so two processes (two workers, a worker and the
run-jobs timer, two web processes) never run the same attempt of a job twice.
"""
from __future__ import annotations

import smtplib
import threading
import traceback
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, or_, select, update

from portal import clock, db
from portal.config import PROJECT_ROOT
from portal.jobs import TryLater, resolve
from portal.jobs.models import Job, JobState

DONE, RETRY, FAILED, SKIPPED, LOST = "done", "retry", "failed", "skipped", "lost"
BACKOFF_CAP = timedelta(minutes=60)
KEEP_DONE = timedelta(days=7)
# A job already pushed to Redis is pushed again after this long still queued and due
# (Redis was flushed, or restarted without its data).
REPUSH_AFTER = timedelta(minutes=10)
STOPPED = "Stopped without finishing: its worker ended, or it ran out of time or memory."


def backoff(attempt: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 1, 2, 4 ... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** min(attempt - 1, 10)), BACKOFF_CAP)


def summary(exc: BaseException) -> str:
    """The kind of error and where in our code it happened. An exception's message can
    hold anything (a child's words in a ValueError), so it is shown only for TryLater,
    whose messages are written to be shown, and the operating system's own words."""
    text = type(exc).__name__
    if isinstance(exc, TryLater):
        text += f": {exc}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        text += f" (SMTP {exc.smtp_code})"
    elif isinstance(exc, OSError) and exc.strerror:
        text += f": {exc.strerror}"
    ours = [frame for frame in traceback.extract_tb(exc.__traceback__)
            if frame.filename.startswith(str(PROJECT_ROOT)) and "/.venv/" not in frame.filename]
    if ours:
        frame = ours[-1]
        text += f" (at {frame.filename[len(str(PROJECT_ROOT)) + 1:]}:{frame.lineno})"
    return text[:500]


def dispatch(app: Flask, job_id: int, timeout: int) -> None:
    """After the commit that made the job: push it to RQ, or run it here and now."""
    if app.config["PORTAL"].redis_url:
        from portal.jobs import queue

        queue.push(app, job_id, timeout)
    else:
        with app.app_context():
            try:
                run(job_id)
            except Exception:  # noqa: BLE001 - the request that made the job has succeeded
                app.logger.exception("job %s could not be recorded; the sweep will", job_id)
                db.session().rollback()


def claim(job_id: int) -> Job | None:
    """Take the job if it is queued and due (its attempt counted). Commits."""
    now = clock.now()
    session = db.session()
    taken = session.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.QUEUED, Job.run_after <= now)
        .values(state=JobState.RUNNING, attempts=Job.attempts + 1, started_at=now,
                heartbeat_at=now, finished_at=None, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return session.get(Job, job_id, populate_existing=True) if taken == 1 else None


def run(job_id: int) -> str:
    """Run one job if it is due (in an app context of its own). Never raises: a job's
    failure is recorded on its row, and the caller (a request, a worker) carries on."""
    app = current_app._get_current_object()
    session = db.session()
    try:
        row = claim(job_id)
    except Exception:  # noqa: BLE001 - the database is away: the sweep will find it later
        app.logger.exception("could not claim job %s", job_id)
        session.rollback()
        return SKIPPED
    if row is None:
        return SKIPPED
    attempt, max_attempts, name, args = row.attempts, row.max_attempts, row.func, list(row.args)
    mine = (Job.id == job_id, Job.state == JobState.RUNNING, Job.attempts == attempt)
    with _heartbeat(app, mine):
        try:
            resolve(name)(*args)
            session.flush()
        except Exception as exc:  # noqa: BLE001 - any failure is retried or shown to managers
            session.rollback()
            error = summary(exc)
            app.logger.warning("job %s (%s) attempt %s of %s failed: %s", job_id, name, attempt,
                               max_attempts, error)
            return _failed(job_id, mine, attempt, max_attempts, error)
        now = clock.now()
        finished = session.execute(update(Job).where(*mine).values(
            state=JobState.DONE, finished_at=now, updated_at=now, heartbeat_at=None,
            last_error=None).execution_options(synchronize_session=False)).rowcount
        session.commit()
    return DONE if finished else LOST


def _failed(job_id: int, mine, attempt: int, max_attempts: int, error: str) -> str:
    session = db.session()
    now = clock.now()
    if attempt >= max_attempts:
        values, outcome = {"state": JobState.FAILED, "finished_at": now}, FAILED
        current_app.logger.error("job %s failed for good after %s attempts", job_id, attempt)
    else:
        values, outcome = {"state": JobState.QUEUED, "run_after": now + backoff(attempt)}, RETRY
    changed = session.execute(update(Job).where(*mine).values(
        last_error=error, updated_at=now, heartbeat_at=None, **values)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return outcome if changed else LOST


@contextmanager
def _heartbeat(app: Flask, mine):
    """While the job runs, renew its lease every few seconds (its own connection)."""
    seconds = app.config["PORTAL"].job_heartbeat_seconds
    engine = app.extensions["portal.engine"]
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(seconds):
            try:
                with engine.begin() as conn:
                    conn.execute(update(Job).where(*mine).values(heartbeat_at=clock.now()))
            except Exception:  # noqa: BLE001 - the next beat tries again
                app.logger.warning("could not renew a job's lease")

    thread = threading.Thread(target=beat, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=seconds + 5)


def sweep() -> dict[str, int]:
    """Queue again the jobs whose worker died mid-job (their lease ran out): "failed"
    when that was their last attempt. Forget finished jobs after a week. Commits."""
    config = current_app.config["PORTAL"]
    now = clock.now()
    session = db.session()
    lost = session.execute(select(Job.id, Job.attempts, Job.max_attempts, Job.heartbeat_at).where(
        Job.state == JobState.RUNNING,
        or_(Job.heartbeat_at.is_(None),
            Job.heartbeat_at < now - timedelta(seconds=config.job_lease_seconds)))).all()
    counts = Counter()
    for job_id, attempts, max_attempts, beat in lost:
        last = attempts >= max_attempts
        values = ({"state": JobState.FAILED, "finished_at": now} if last else
                  {"state": JobState.QUEUED, "run_after": now})
        same_beat = Job.heartbeat_at.is_(None) if beat is None else Job.heartbeat_at == beat
        counts["failed" if last else "requeued"] += session.execute(
            update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING,
                              Job.attempts == attempts, same_beat)
            .values(last_error=STOPPED, updated_at=now, heartbeat_at=None, **values)
            .execution_options(synchronize_session=False)).rowcount
    session.execute(delete(Job).where(Job.state == JobState.DONE, Job.finished_at < now - KEEP_DONE)
                    .execution_options(synchronize_session=False))
    session.commit()
    return dict(counts)


def due_ids(limit: int = 500) -> list[int]:
    return list(db.session().scalars(
        select(Job.id).where(Job.state == JobState.QUEUED, Job.run_after <= clock.now())
        .order_by(Job.run_after, Job.id).limit(limit)))


def run_due() -> Counter:
    """Sweep, then run every due job here, each in its own app context. For run-jobs and
    the web process's own timer (no Redis)."""
    app = current_app._get_current_object()
    counts = Counter(sweep())
    for job_id in due_ids():
        with app.app_context():
            try:
                counts[run(job_id)] += 1
            except Exception:  # noqa: BLE001 - one job's bookkeeping must not stop the rest
                app.logger.exception("job %s could not be recorded; the sweep will", job_id)
                db.session().rollback()
    return counts


def start_timer(app: Flask) -> threading.Event:
    """Without Redis: a thread in this process runs due jobs every PORTAL_JOB_SWEEP_SECONDS
    (several processes may each have one; claims keep them from running a job twice).
    Returns the event that stops it."""
    seconds = app.config["PORTAL"].job_sweep_seconds
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(seconds):
            try:
                with app.app_context():
                    run_due()
            except Exception:  # noqa: BLE001 - try again next time round
                app.logger.exception("the job timer could not run due jobs")

    threading.Thread(target=loop, name="job-timer", daemon=True).start()
    return stop
