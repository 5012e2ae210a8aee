"""Staff emails are jobs: an SMTP relay that is down (a real local one, aiosmtpd, switched
off) delays them, and once it is back each is sent exactly once."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock, db
from portal.accounts.models import Role
from portal.clock import LONDON
from portal.jobs import runner
from portal.jobs.models import Job, JobState
from tests.helpers import post_form, sign_in
from tests.jobs.conftest import wait_until

MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)


def _jobs(app) -> list[Job]:
    with app.app_context():
        return list(db.session().scalars(select(Job).order_by(Job.id)
                                         .execution_options(populate_existing=True)))


def _run_due(app, at):
    with clock.fixed(at), app.app_context():
        return runner.run_due()


@pytest.fixture
def sam(make):
    isro = make.account(Role.ISRO, name="Priya Shah", email="priya@council.example")
    return make.child(15, isro=isro, username="sam15", name="Sam")


def test_an_advocate_request_waits_for_the_relay_and_each_email_goes_exactly_once(
        app, sam, relay, signed_in):
    kid = app.test_client()
    with clock.fixed(MONDAY_10):
        assert sign_in(kid, "sam15").status_code == 302
        assert post_form(kid, "/advocate", {"help_with": "see my brother"}).status_code == 302
    emails = _jobs(app)
    # One job per email (the ISRO, the advocacy service), each tried once and waiting.
    assert [(j.state, j.attempts) for j in emails] == [(JobState.QUEUED, 1)] * 2
    assert all(j.last_error.startswith("ConnectionRefusedError") for j in emails)
    with clock.fixed(MONDAY_10):
        page = signed_in(Role.MANAGER).get("/jobs").get_data(as_text=True)
    assert "ConnectionRefusedError" in page and 'data-state="queued">2<' in page
    relay.start()
    assert _run_due(app, MONDAY_10 + timedelta(seconds=30))["done"] == 0  # not due yet
    assert _run_due(app, MONDAY_10 + timedelta(minutes=1))["done"] == 2
    assert _run_due(app, MONDAY_10 + timedelta(hours=5))["done"] == 0
    assert sorted(to[0] for to, _ in relay.received) == ["advocacy@service.example",
                                                        "priya@council.example"]
    assert all("Sam" not in content and "brother" not in content
               for _, content in relay.received)
    assert [j.state for j in _jobs(app)] == [JobState.DONE] * 2


def test_a_new_message_email_waits_for_the_relay(app, sam, make, relay):
    with clock.fixed(MONDAY_10):
        make.message(sam, "Can we talk about school?")
    [job] = _jobs(app)
    assert job.func == "portal.notify.send_new_message_email" and job.state is JobState.QUEUED
    relay.start()
    assert _run_due(app, MONDAY_10 + timedelta(minutes=1))["done"] == 1
    assert [to for to, _ in relay.received] == [["priya@council.example"]]


@pytest.mark.redis
def test_a_flag_email_is_sent_by_the_worker_once_the_relay_is_back(
        app, sam, make, relay, workers, monkeypatch):
    from dataclasses import replace

    monkeypatch.setitem(app.config, "PORTAL", replace(app.config["PORTAL"],
                                                      duty_email="duty@council.example"))
    workers.start()
    make.message(sam, "he hits me")  # a flag: the ISRO and the duty address are emailed
    [job] = wait_until(lambda: [j for j in _jobs(app) if j.attempts == 1 and
                                j.state is JobState.QUEUED], what="the first try to fail")
    assert job.func == "portal.messages.flags.send_notices"
    assert job.last_error.startswith("TryLater: 2 of 2 flag email(s) could not be sent")
    relay.start()
    with app.app_context():  # as if the minute of back-off had passed
        db.session().get(Job, job.id).run_after = clock.now()
        db.session().commit()
    wait_until(lambda: _jobs(app)[0].state is JobState.DONE, what="the emails to be sent")
    assert sorted(to[0] for to, _ in relay.received) == ["duty@council.example",
                                                        "priya@council.example"]
    assert _jobs(app)[0].attempts == 2
