"""RQ on Redis: the web pushes a job's id; ``flask --app portal worker`` runs it.

Redis holds only ids. The jobs table is the one copy of each job, so Redis being
flushed, or a worker killed, loses nothing: the worker's sweep (at start and every
PORTAL_JOB_SWEEP_SECONDS) pushes again every job that is due and not yet pushed, and
queues again every job whose lease ran out.
"""
from __future__ import annotations

import ctypes
import gc
import os
import signal
from datetime import timedelta

import redis
from flask import Flask, current_app
from rq import Queue, Worker
from sqlalchemy import or_, select, update

from portal import clock, db
from portal.jobs import runner
from portal.jobs.models import Job, JobState

QUEUE = "mysay"
PUSH_ERRORS = (redis.exceptions.RedisError, OSError)
_worker_app: Flask | None = None


def connection(app: Flask) -> redis.Redis:
    """The web's connection: quick to give up, so a Redis outage never holds a request."""
    held = app.extensions.get("portal.jobs.redis")
    if held is None:
        held = redis.Redis.from_url(app.config["PORTAL"].redis_url, socket_connect_timeout=2,
                                    socket_timeout=5)
        app.extensions["portal.jobs.redis"] = held
    return held


def push(app: Flask, job_id: int, timeout: int) -> bool:
    """Put the job's id on the RQ queue. When Redis is away the job stays queued in the
    table, marked not pushed, for the worker's sweep."""
    try:
        Queue(QUEUE, connection=connection(app)).enqueue(
            perform, job_id, job_timeout=timeout + 30, result_ttl=0, failure_ttl=86400,
            description=f"mysay job {job_id}")
    except PUSH_ERRORS:
        app.logger.warning("could not push job %s to Redis; the worker's sweep will", job_id)
        try:
            with app.extensions["portal.engine"].begin() as conn:
                conn.execute(update(Job).where(Job.id == job_id).values(pushed_at=None))
        except Exception:  # noqa: BLE001 - then it is pushed again after REPUSH_AFTER
            app.logger.warning("could not mark job %s as not pushed", job_id)
        return False
    return True


def push_due() -> dict[str, int]:
    """The worker's sweep: queue again lost jobs, then push every due job not pushed
    since it fell due. Commits."""
    app = current_app._get_current_object()
    counts = runner.sweep()
    now = clock.now()
    session = db.session()
    due = session.execute(select(Job.id, Job.timeout_seconds).where(
        Job.state == JobState.QUEUED, Job.run_after <= now,
        or_(Job.pushed_at.is_(None), Job.pushed_at < Job.run_after,
            Job.pushed_at < now - runner.REPUSH_AFTER)).order_by(Job.run_after)).all()
    pushed = 0
    for job_id, timeout in due:
        if not push(app, job_id, timeout):
            break
        session.execute(update(Job).where(Job.id == job_id).values(pushed_at=now)
                        .execution_options(synchronize_session=False))
        pushed += 1
    session.commit()
    return {**counts, "pushed": pushed}


def perform(job_id: int) -> None:
    """What RQ runs (in the work horse): the job, inside the app."""
    app = _worker_app
    if app is None:  # started by `rq worker` rather than `flask --app portal worker`
        from portal import create_app

        app = create_app()
    with app.app_context():
        runner.run(job_id)


def _die_with_parent() -> None:
    """A work horse whose worker is killed (kill -9) dies too, rather than running on
    unseen beside the job's next attempt."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class PortalWorker(Worker):
    """RQ's forking worker, running each job inside the app, sweeping the jobs table."""

    portal_app: Flask

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        try:
            with self.portal_app.app_context():
                counts = push_due()
            if any(counts.values()):
                self.log.info("jobs sweep: %s", counts)
        except Exception:  # noqa: BLE001 - the database is away: next time round
            self.log.exception("could not sweep the jobs table")

    def main_work_horse(self, job, queue):
        _die_with_parent()
        # A forked child must not share the parent's database connections.
        self.portal_app.extensions["portal.engine"].dispose(close=False)
        super().main_work_horse(job, queue)


def work(app: Flask, *, burst: bool = False) -> None:
    global _worker_app
    config = app.config["PORTAL"]
    if not config.redis_url:
        raise RuntimeError("PORTAL_REDIS_URL is not set: without Redis, jobs run in the web "
                           "process, and `flask --app portal run-jobs` runs due ones from cron")
    _worker_app = app
    conn = redis.Redis.from_url(config.redis_url)
    conn.ping()
    sweep = config.job_sweep_seconds
    worker = PortalWorker([QUEUE], connection=conn, maintenance_interval=sweep,
                          worker_ttl=sweep + 15,
                          job_monitoring_interval=max(1, min(30, config.job_heartbeat_seconds)))
    worker.portal_app = app
    # The app's objects, loaded once, are left out of garbage collection, so each forked
    # work horse shares their memory pages rather than copying them.
    gc.collect()
    gc.freeze()
    app.logger.info("worker %s (pid %s) on queue %s, sweeping every %s", worker.name,
                    os.getpid(), QUEUE, timedelta(seconds=sweep))
    worker.work(burst=burst, logging_level="INFO")
