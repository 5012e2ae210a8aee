"""Reads for the managers' Jobs page."""
from __future__ import annotations

from sqlalchemy import func, select

from portal import db
from portal.jobs import options, resolve
from portal.jobs.models import Job, JobState


def failed(limit: int = 200) -> list[Job]:
    return list(db.session().scalars(select(Job).where(Job.state == JobState.FAILED)
                                     .order_by(Job.finished_at.desc(), Job.id.desc())
                                     .limit(limit)))


def failed_job(job_id: int) -> Job | None:
    job = db.session().get(Job, job_id)
    return job if job is not None and job.state is JobState.FAILED else None


def counts() -> dict[str, int]:
    found = dict(db.session().execute(select(Job.state, func.count()).group_by(Job.state)).all())
    return {state.value: found.get(state, found.get(state.value, 0)) for state in JobState}


def waiting_longest() -> Job | None:
    """The queued job that has waited longest (a relay down shows here first)."""
    return db.session().scalar(select(Job).where(Job.state == JobState.QUEUED)
                               .order_by(Job.created_at, Job.id).limit(1))


def label(job: Job) -> str:
    """What the job does, in words, from its @jobs.job label (or its function's name)."""
    try:
        marked = options(resolve(job.func)).get("label")
    except (ImportError, AttributeError):
        marked = None
    return str(marked) if marked else job.func
