"""Without Redis: a job is a row that exists only if the caller's change committed, and
runs here after the commit; a failing job is tried again with back-off, then shown to
managers."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock, db, jobs
from portal.accounts.models import Role
from portal.clock import LONDON
from portal.jobs import runner
from portal.jobs.models import Job, JobState
from tests.helpers import csrf_token
from tests.jobs import sample
from tests.jobs.conftest import wait_until

MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)


def _rows(app) -> list[Job]:
    with app.app_context():
        return list(db.session().scalars(select(Job).order_by(Job.id)))


def _run_due(app, at: datetime):
    with clock.fixed(at), app.app_context():
        return runner.run_due()


def test_a_job_queued_by_a_change_that_rolls_back_never_exists(app, tmp_path):
    out = tmp_path / "out.txt"
    with app.app_context():
        jobs.enqueue(sample.append_line, str(out), "should not happen")
        db.session().rollback()
        db.session().commit()  # a later commit does not bring it back
    assert _rows(app) == [] and not out.exists()


def test_a_job_runs_in_process_once_the_change_commits(app, tmp_path):
    out = tmp_path / "out.txt"
    with app.app_context():
        row = jobs.enqueue(sample.append_line, str(out), "hello")
        assert not out.exists()  # nothing before the commit
        db.session().commit()
    assert out.read_text() == "hello\n"
    [job] = _rows(app)
    assert job.id == row.id and job.state is JobState.DONE and job.attempts == 1
    assert job.func == "tests.jobs.sample.append_line" and job.args == [str(out), "hello"]


def test_a_job_takes_ids_not_objects(app, make):
    child = make.child(10)
    with app.app_context(), pytest.raises(TypeError):
        jobs.enqueue(sample.append_line, child, "no")


def test_a_failing_job_is_tried_again_with_back_off_then_shown_to_managers(
        app, tmp_path, signed_in):
    gate, out = tmp_path / "gate", tmp_path / "out.txt"
    with clock.fixed(MONDAY_10), app.app_context():
        jobs.enqueue(sample.fail_until_open, str(gate), str(out))
        db.session().commit()  # attempt 1, straight away: fails
    [job] = _rows(app)
    assert job.state is JobState.QUEUED and job.attempts == 1
    assert job.run_after == MONDAY_10 + timedelta(minutes=1)
    assert _run_due(app, MONDAY_10 + timedelta(seconds=59))["retry"] == 0  # not due yet
    assert _run_due(app, MONDAY_10 + timedelta(minutes=1))["retry"] == 1  # attempt 2
    [job] = _rows(app)
    assert job.attempts == 2 and job.run_after == MONDAY_10 + timedelta(minutes=3)
    assert _run_due(app, MONDAY_10 + timedelta(minutes=2, seconds=59))["retry"] == 0
    assert _run_due(app, MONDAY_10 + timedelta(minutes=3))["failed"] == 1  # the last of 3
    [job] = _rows(app)
    assert job.state is JobState.FAILED and job.attempts == 3
    # The error says what kind and where; never the exception's words.
    assert job.last_error.startswith("RuntimeError (at tests/jobs/sample.py:")
    assert "hits" not in job.last_error
    assert _run_due(app, MONDAY_10 + timedelta(days=1))["failed"] == 0  # failed stays failed

    manager = signed_in(Role.MANAGER)
    page = manager.get("/jobs").get_data(as_text=True)
    assert "A test job that fails until its gate is open" in page
    assert "RuntimeError (at tests/jobs/sample.py:" in page and "hits" not in page
    assert 'href="/jobs"' in page  # in the staff menu
    gate.touch()
    answer = manager.post(f"/jobs/{job.id}/try-again", data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 302
    assert out.read_text() == "done\n"
    [job] = _rows(app)
    assert job.state is JobState.DONE and job.attempts == 1
    assert "No job has failed every try." in manager.get("/jobs").get_data(as_text=True)


def test_only_managers_see_the_jobs_page_or_try_a_job_again(app, signed_in, tmp_path):
    with app.app_context():
        row = jobs.enqueue(sample.append_line, str(tmp_path / "x"), "x")
        row.state, row.attempts = JobState.FAILED, 5
        db.session().commit()
    for role in (Role.ISRO, Role.CARER, Role.ADVOCATE, Role.CHILD):
        client = signed_in(role)
        assert client.get("/jobs").status_code == 403, role
        home = client.get("/", follow_redirects=True).get_data(as_text=True)
        assert 'href="/jobs"' not in home, role
        answer = client.post(f"/jobs/{row.id}/try-again", data={"csrf_token": csrf_token(home)})
        assert answer.status_code == 403, role
    assert _rows(app)[0].state is JobState.FAILED


def test_try_again_without_the_form_token_changes_nothing(app, signed_in, tmp_path):
    with app.app_context():
        row = jobs.enqueue(sample.append_line, str(tmp_path / "x"), "x")
        row.state = JobState.FAILED
        db.session().commit()
    manager = signed_in(Role.MANAGER)
    assert manager.post(f"/jobs/{row.id}/try-again").status_code == 400
    token = csrf_token(manager.get("/jobs").get_data(as_text=True))
    assert manager.post("/jobs/99999/try-again", data={"csrf_token": token}).status_code == 404
    assert _rows(app)[0].state is JobState.FAILED


def test_a_job_whose_runner_died_is_queued_again_when_its_lease_runs_out(app, tmp_path):
    out = tmp_path / "out.txt"
    with clock.fixed(MONDAY_10), app.app_context():
        row = jobs.enqueue(sample.append_line, str(out), "again")
        row.state, row.attempts, row.heartbeat_at = JobState.RUNNING, 1, MONDAY_10  # "killed"
        db.session().info.pop("after_commit", None)
        db.session().commit()
    lease = app.config["PORTAL"].job_lease_seconds
    assert _run_due(app, MONDAY_10 + timedelta(seconds=lease - 1)).get("requeued", 0) == 0
    counts = _run_due(app, MONDAY_10 + timedelta(seconds=lease + 1))
    assert counts["requeued"] == 1 and counts["done"] == 1
    assert out.read_text() == "again\n"
    assert _rows(app)[0].attempts == 2


def test_run_jobs_runs_what_is_due_from_the_command_line(app, tmp_path):
    out = tmp_path / "out.txt"
    with app.app_context():
        jobs.enqueue(sample.append_line, str(out), "from cron")
        db.session().info.pop("after_commit", None)  # as if the process died after commit
        db.session().commit()
    assert not out.exists()
    result = app.test_cli_runner().invoke(args=["run-jobs"])
    assert result.exit_code == 0 and "1 done" in result.output
    assert out.read_text() == "from cron\n"


def test_without_cron_the_web_process_timer_runs_a_job_left_waiting(app, tmp_path, monkeypatch):
    from dataclasses import replace

    out = tmp_path / "out.txt"
    with app.app_context():
        jobs.enqueue(sample.append_line, str(out), "from the timer")
        db.session().info.pop("after_commit", None)  # as if the process died after commit
        db.session().commit()
    monkeypatch.setitem(app.config, "PORTAL", replace(app.config["PORTAL"],
                                                      job_sweep_seconds=1))
    stop = runner.start_timer(app)
    try:
        # The job's row says done once its line is written (the file alone may exist a
        # moment before its line is in it).
        wait_until(lambda: _rows(app)[0].state is JobState.DONE, seconds=10,
                   what="the timer to run the job")
    finally:
        stop.set()
    assert out.read_text() == "from the timer\n"


def test_a_job_must_be_a_top_level_function(app):
    def inner():
        pass

    with app.app_context(), pytest.raises(ValueError, match="top level"):
        jobs.enqueue(inner)


def test_back_off_doubles_to_an_hour_at_most():
    assert [runner.backoff(n).total_seconds() / 60 for n in range(1, 10)] == [
        1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_lease_no_longer_than_the_heartbeat_is_refused_at_start(tmp_path):
    from portal.config import Config, ConfigError

    with pytest.raises(ConfigError, match="PORTAL_JOB_HEARTBEAT_SECONDS"):
        Config.from_env({"PORTAL_SECRET_KEY": "k" * 40, "PORTAL_INSTANCE_DIR": str(tmp_path),
                         "PORTAL_JOB_HEARTBEAT_SECONDS": "30", "PORTAL_JOB_LEASE_SECONDS": "30"})


def test_a_manager_sees_several_failed_jobs_on_a_well_formed_page(app, signed_in, tmp_path):
    from tests.pages.test_page_check import check_page

    with app.app_context():
        for n in range(2):
            row = jobs.enqueue(sample.append_line, str(tmp_path / f"{n}"), "x")
            row.state, row.attempts, row.last_error = JobState.FAILED, 5, "OSError (at x.py:1)"
        db.session().commit()
    response = signed_in(Role.MANAGER).get("/jobs")
    html = response.get_data(as_text=True)
    check_page("/jobs", html, response.headers["Content-Security-Policy"])
    assert html.count(">Try again</button>") == 2
