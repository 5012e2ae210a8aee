"""With Redis: real `flask --app portal worker` processes run the jobs the web pushes,
and a worker killed with SIGKILL mid-job loses nothing."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from portal import db, jobs
from portal.jobs import queue
from portal.jobs.models import Job, JobState
from tests.jobs import sample
from tests.jobs.conftest import wait_until

pytestmark = pytest.mark.redis


def _job(app, job_id: int) -> Job:
    with app.app_context():
        return db.session().scalar(select(Job).where(Job.id == job_id)
                                   .execution_options(populate_existing=True))


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_the_web_pushes_a_job_to_redis_and_a_worker_process_runs_it(
        app, redis_queue, workers, tmp_path):
    out = tmp_path / "out.txt"
    with app.app_context():
        job_id = jobs.enqueue(sample.append_line, str(out), "from the worker").id
        db.session().commit()
    assert redis_queue.llen(f"rq:queue:{queue.QUEUE}") == 1 and not out.exists()
    workers.start()
    wait_until(lambda: _job(app, job_id).state is JobState.DONE, what="the job to be done")
    assert _lines(out) == ["from the worker"]
    assert _job(app, job_id).attempts == 1


def test_a_worker_killed_mid_job_loses_nothing_the_next_worker_finishes_it(
        app, redis_queue, workers, tmp_path):
    gate, out, started = tmp_path / "gate", tmp_path / "out.txt", tmp_path / "started.txt"
    first = workers.start()
    with app.app_context():
        job_id = jobs.enqueue(sample.wait_for_gate, str(gate), str(out), str(started)).id
        db.session().commit()
    [line] = wait_until(lambda: _lines(started), what="the job to start")
    horse = int(line.split()[1])  # the work horse: the process running the job
    assert _job(app, job_id).state is JobState.RUNNING and workers.alive(horse)
    workers.kill(first)  # kill -9 the worker, mid-job
    # Its work horse dies with it rather than running on unseen.
    wait_until(lambda: not workers.alive(horse), seconds=5, what="the work horse to die")
    gate.touch()  # had the job survived somewhere, it would now finish
    # Redis has nothing queued any more: only the jobs table remembers the job.
    assert redis_queue.llen(f"rq:queue:{queue.QUEUE}") == 0
    assert _lines(out) == [] and _job(app, job_id).state is JobState.RUNNING
    workers.start()
    wait_until(lambda: _job(app, job_id).state is JobState.DONE, what="the job to be finished")
    assert _lines(out) == ["done"]  # exactly once: the killed attempt never finished
    assert len(_lines(started)) == 2 and _job(app, job_id).attempts == 2


def test_a_job_queued_while_redis_is_away_is_pushed_by_the_worker_later(
        app, redis_queue, workers, tmp_path, monkeypatch):
    from dataclasses import replace

    out = tmp_path / "out.txt"
    nowhere = replace(app.config["PORTAL"], redis_url="redis://127.0.0.1:1/5")
    monkeypatch.setitem(app.config, "PORTAL", nowhere)
    app.extensions.pop("portal.jobs.redis", None)
    with app.app_context():
        job_id = jobs.enqueue(sample.append_line, str(out), "late but there").id
        db.session().commit()  # the request still succeeds
    assert _job(app, job_id).state is JobState.QUEUED and _job(app, job_id).pushed_at is None
    app.extensions.pop("portal.jobs.redis", None)
    workers.start()  # its sweep finds the job in the table
    wait_until(lambda: _job(app, job_id).state is JobState.DONE, what="the swept job")
    assert _lines(out) == ["late but there"]


def test_the_worker_refuses_to_start_without_redis(app, monkeypatch):
    from dataclasses import replace

    monkeypatch.setitem(app.config, "PORTAL", replace(app.config["PORTAL"], redis_url=None))
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 1 and "PORTAL_REDIS_URL is not set" in result.output
