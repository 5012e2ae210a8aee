"""The jobs table: every piece of background work, kept until it is done.

A job names its function (a dotted name) and its arguments (ids, as JSON), never a
child's words. Its state moves queued -> running -> done, or back to queued with a later
``run_after`` when it fails, or to failed after ``max_attempts``.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, enum_of, utcnow


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        Index("ix_jobs_state_run_after", "state", "run_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    func: Mapped[str] = mapped_column(String(200))  # "portal.messages.flags.send_notices"
    args: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[JobState] = mapped_column(enum_of(JobState, 8), default=JobState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    timeout_seconds: Mapped[int] = mapped_column(default=600)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # While running: renewed every few seconds; a job whose heartbeat is older than the
    # lease was left by a worker that died, and is queued again.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the job's id was last pushed to Redis (RQ), so the sweep pushes it only once.
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The kind of error and where it happened; never an exception's message.
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
