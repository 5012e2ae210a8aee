"""Every write a person makes about jobs: a manager trying a failed job again."""
from __future__ import annotations

from flask import current_app

from portal import audit, clock, db
from portal.accounts.models import Account
from portal.jobs.models import Job, JobState


def try_again(job: Job, by: Account) -> None:
    """A failed job gets all its attempts again, starting now. Commits."""
    if job.state is not JobState.FAILED:
        raise ValueError("only a failed job can be tried again")
    now = clock.now()
    job.state, job.attempts, job.run_after = JobState.QUEUED, 0, now
    job.finished_at, job.heartbeat_at, job.updated_at = None, None, now
    app = current_app._get_current_object()
    if app.config["PORTAL"].redis_url:
        job.pushed_at = now
    audit.record("job.retried", actor_id=by.id, subject=f"job:{job.id}", func=job.func)
    job_id, timeout = job.id, job.timeout_seconds

    from portal.jobs import runner

    db.after_commit(lambda: runner.dispatch(app, job_id, timeout))
    db.session().commit()
