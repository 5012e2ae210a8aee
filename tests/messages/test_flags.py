"""A child who may be unsafe: someone is always told, it is tracked, and the child is told
the truth about when a person will read it (on a fixed clock)."""
import re
import socket
from dataclasses import replace
from datetime import datetime
from email import message_from_bytes

import pytest
from sqlalchemy import select

from portal import clock, db
from portal.accounts.models import Role
from portal.audit import AuditEvent
from portal.clock import LONDON
from portal.messages.models import Flag
from tests.helpers import post_form, sign_in

FRIDAY_9PM = datetime(2026, 12, 4, 21, 0, tzinfo=LONDON)
MONDAY_10_59 = datetime(2026, 12, 7, 10, 59, tzinfo=LONDON)
MONDAY_11 = datetime(2026, 12, 7, 11, 0, tzinfo=LONDON)
TUESDAY_10 = datetime(2026, 12, 8, 10, 0, tzinfo=LONDON)
EDT = "01234 000 999"


@pytest.fixture
def duty(app, monkeypatch):
    config = replace(app.config["PORTAL"], duty_email="duty@council.example", edt_phone=EDT)
    monkeypatch.setitem(app.config, "PORTAL", config)
    return config


@pytest.fixture
def people(make, duty):
    isro = make.account(Role.ISRO, name="Priya Shah", email="priya@council.example")
    manager = make.account(Role.MANAGER, name="Dee Manager", email="dee@council.example")
    make.account(Role.MANAGER, name="Away Manager")  # no email: nothing to send
    child = make.child(12, isro=isro, username="mia12", name="Mia")
    return {"isro": isro, "manager": manager, "child": child}


def _kid(app):
    client = app.test_client()
    assert sign_in(client, "mia12").status_code == 302
    return client


def _outbox(app) -> list:
    folder = app.config["PORTAL"].instance_dir / "outbox"
    return [message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session().scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _check_flags(app):
    result = app.test_cli_runner().invoke(args=["check-flags"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_friday_night_flag_tells_the_child_the_truth_and_escalates_on_monday(
        app, people, signed_in):
    with clock.fixed(FRIDAY_9PM):
        kid = _kid(app)
        tapped = kid.post("/safe")
        assert tapped.status_code == 302 and tapped.headers["Location"].endswith("/safe/told")
        page = kid.get("/safe/told").get_data(as_text=True)
    assert "Nobody will read this until Monday at 09:00." in page
    for number in ("999", "0800 1111", EDT, "0800 528 0731"):
        assert number in page

    emails = _outbox(app)
    assert sorted(e["To"] for e in emails) == ["duty@council.example", "priya@council.example"]
    for email in emails:
        body = email.get_payload()
        assert email["Subject"] == "My Say: a child may be unsafe"
        assert "raised 1 minute ago" in body and "Mia" not in body

    with clock.fixed(MONDAY_10_59):
        assert _check_flags(app).startswith("0 flag(s) escalated")
    with clock.fixed(MONDAY_11):
        assert _check_flags(app).startswith("1 flag(s) escalated")
        assert _check_flags(app).startswith("0 flag(s) escalated")  # once only
        safety = signed_in(people["isro"]).get("/safety").get_data(as_text=True)
    escalated = [e for e in _outbox(app) if e["To"] == "dee@council.example"]
    assert len(escalated) == 1
    assert escalated[0]["Subject"] == "My Say: a safety flag has not been acknowledged"
    assert "raised 62 hours ago" in escalated[0].get_payload()
    assert "flag-overdue" in safety and "every manager has been told" in safety
    assert "The duty address" in safety and "Priya Shah" in safety

    actions = _actions(app)
    for step in ("flag.raised", "flag.raised_notices", "flag.notice_sent", "flag.escalated",
                 "flag.escalated_notices", "staff.viewed_flags"):
        assert step in actions, step


def test_a_flag_acknowledged_in_time_is_not_escalated_and_is_cleared_with_a_note(
        app, people, signed_in, make):
    with clock.fixed(MONDAY_10_59.replace(hour=9)):
        make.message(people["child"], "my uncle hits me")
        flag_id = make.open_flag_ids(people["child"])[0]
        isro = signed_in(people["isro"])
        response = post_form(isro, f"/flags/{flag_id}/acknowledge", {}, page="/safety")
        assert response.status_code == 302
        assert post_form(isro, f"/flags/{flag_id}/clear", {"note": ""},
                         page="/safety").status_code == 302
        assert make.open_flag_ids(people["child"]) == [flag_id]  # a note is needed
    with clock.fixed(TUESDAY_10):
        assert _check_flags(app).startswith("0 flag(s) escalated")
        isro = signed_in(people["isro"])
        post_form(isro, f"/flags/{flag_id}/clear", {"note": "Phoned Mia and her social worker."},
                  page="/safety")
    assert make.open_flag_ids(people["child"]) == []
    with app.app_context():
        flag = db.session().get(Flag, flag_id)
        assert flag.acknowledged_by_id == people["isro"].id and flag.escalated_at is None
        assert flag.clear_note == "Phoned Mia and her social worker."
    assert ["flag.acknowledged", "flag.cleared"] == [
        a for a in _actions(app) if a in ("flag.acknowledged", "flag.cleared")]


def test_in_office_hours_the_child_is_told_a_person_will_read_it_soon(app, people):
    with clock.fixed(MONDAY_11):
        kid = _kid(app)
        kid.post("/safe")
        page = kid.get("/safe/told").get_data(as_text=True)
    assert "It is office hours now, so a person will read it soon." in page
    assert "Nobody will read this" not in page


def test_a_bank_holiday_counts_as_out_of_hours(app, people):
    christmas_eve_evening = datetime(2026, 12, 24, 18, 0, tzinfo=LONDON)
    with clock.fixed(christmas_eve_evening):
        kid = _kid(app)
        kid.post("/safe")
        page = kid.get("/safe/told").get_data(as_text=True)
    # Christmas Day is a Friday; Boxing Day falls on Saturday, so Monday 28th is off too.
    assert "Nobody will read this until Tuesday at 09:00." in page


def test_one_tap_raises_a_flag_with_nothing_written_and_tell_more_adds_to_it(
        app, people, make, signed_in):
    with clock.fixed(MONDAY_11):
        kid = _kid(app)
        kid.post("/safe")
        kid.post("/safe")  # pressed twice: still one flag, one round of emails
        response = kid.post("/safe/told", data={"body": "the man at the house took my passport"})
        assert response.status_code == 302
        flags = make.open_flag_ids(people["child"])
        conversation = signed_in(people["isro"]).get("/inbox").get_data(as_text=True)
    assert len(flags) == 2  # the tap, and the words in what the child wrote next
    assert len([e for e in _outbox(app) if e["To"] == "priya@council.example"]) == 1
    assert "Flagged" in conversation


def test_the_button_is_on_every_childs_page_and_not_on_staff_pages(app, people, signed_in):
    kid = _kid(app)
    for path in ("/", "/help", "/my-say", "/my-things", "/my-letters", "/settings",
                 f"/messages/about/{people['child'].id}"):
        page = kid.get(path).get_data(as_text=True)
        assert 'action="/safe"' in page, path
    staff = signed_in(people["isro"]).get("/caseload").get_data(as_text=True)
    assert 'action="/safe"' not in staff


def test_after_25_quick_messages_i_dont_feel_safe_still_goes_through(app, people, make):
    kid = _kid(app)
    url = f"/messages/about/{people['child'].id}"
    answers = [post_form(kid, url, {"body": f"hello {n}"}, content_type="multipart/form-data")
               for n in range(25)]
    throttled = [a for a in answers if a.status_code == 429]
    assert throttled and "hello 24</textarea>" in throttled[-1].get_data(as_text=True)
    ticked = post_form(kid, url, {"body": "please", "feels_unsafe": "y"},
                       content_type="multipart/form-data")
    assert ticked.status_code == 302 and ticked.headers["Location"].endswith("/safe/told")
    words = post_form(kid, url, {"body": "my carer locked me out all night"},
                      content_type="multipart/form-data")
    assert words.status_code == 302
    assert len(make.open_flag_ids(people["child"])) == 2
    assert kid.post("/safe").status_code == 302  # the button is never throttled either


def test_a_relay_that_is_down_delays_the_flag_email_and_never_drops_it(
        app, people, monkeypatch, make, signed_in):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = replace(app.config["PORTAL"], smtp_host="127.0.0.1", smtp_port=port,
                     smtp_starttls=False)
    monkeypatch.setitem(app.config, "PORTAL", config)
    make.message(people["child"], "I want to kill myself")  # nothing is listening yet
    page = signed_in(people["isro"]).get("/safety").get_data(as_text=True)
    assert "could not be sent yet" in page

    received = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            received.append(envelope.rcpt_tos)
            return "250 OK"

    relay = Controller(Keep(), hostname="127.0.0.1", port=port)
    relay.start()
    try:
        assert "2 email(s) retried" in _check_flags(app)
    finally:
        relay.stop()
    assert sorted(r[0] for r in received) == ["duty@council.example", "priya@council.example"]
    page = signed_in(people["isro"]).get("/safety").get_data(as_text=True)
    assert "could not be sent yet" not in page and page.count("emailed ") == 2


def test_the_caseload_flag_filter_shows_what_was_chosen(app, people, make, signed_in):
    make.message(people["child"], "he hits me")
    isro = signed_in(people["isro"])
    checkbox = re.compile(r'<input type="checkbox" id="flagged"[^>]*>')
    assert "checked" not in checkbox.search(isro.get("/caseload").get_data(as_text=True)).group()
    post_form(isro, "/caseload/filter", {"flagged": "1"}, page="/caseload")
    assert "checked" in checkbox.search(isro.get("/caseload").get_data(as_text=True)).group()
    post_form(isro, "/caseload/filter", {}, page="/caseload")
    assert "checked" not in checkbox.search(isro.get("/caseload").get_data(as_text=True)).group()


def test_the_flag_is_first_in_the_caseload_and_inbox_with_a_banner(app, people, make,
                                                                     signed_in):
    make.message(people["child"], "help me")
    isro = signed_in(people["isro"])
    for path in ("/caseload", "/inbox"):
        page = isro.get(path).get_data(as_text=True)
        assert "1 open safety flag: a child may not be safe." in page, path
        assert 'href="/safety"' in page
