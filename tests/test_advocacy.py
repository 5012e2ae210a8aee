"""'I want an advocate': a child asks from any page; their ISRO (and the advocacy
service) are emailed without the child's name or words; the child is told the truth
about what happens next; the ISRO records the outcome; reports count both."""
import re
import socket
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock, db
from portal.accounts.models import Child, Role
from portal.audit import AuditEvent
from portal.clock import LONDON
from portal.voice import operations, queries
from portal.voice.models import AdvocacyOutcome, AdvocacyRequest
from tests.helpers import csrf_token, post_form, signed_in_client

FRIDAY_9PM = datetime(2026, 12, 4, 21, 0, tzinfo=LONDON)
WORDS = "I want to see my brother more"


@pytest.fixture
def people(make):
    isro = make.account(Role.ISRO, name="Priya Shah", email="priya@council.example")
    sam = make.child(15, isro=isro, username="sam15", name="Sam")
    return {"isro": isro, "sam": sam}


@pytest.fixture
def relay(app, monkeypatch):
    """A real SMTP server on this machine; the app sends to it. Yields what it received."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    received = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            received.append((envelope.rcpt_tos, envelope.content.decode()))
            return "250 OK"

    config = replace(app.config["PORTAL"], smtp_host="127.0.0.1", smtp_port=port,
                     smtp_starttls=False, advocacy_email="advocacy@service.example")
    monkeypatch.setitem(app.config, "PORTAL", config)
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    yield received
    controller.stop()


def _requests(app) -> list[AdvocacyRequest]:
    with app.app_context():
        return list(db.session().scalars(select(AdvocacyRequest).order_by(AdvocacyRequest.id)))


def test_the_link_is_on_every_childs_page(app, people):
    kid = signed_in_client(app, "sam15")
    for path in ("/", "/my-say", "/my-say/poem", "/my-letters", "/advocate"):
        page = kid.get(path)
        assert page.status_code == 200 and 'href="/advocate"' in page.get_data(as_text=True), path


def test_asking_emails_the_isro_and_the_advocacy_service_without_the_childs_name(
        app, people, relay):
    kid = signed_in_client(app, "sam15")
    assert post_form(kid, "/advocate", {"help_with": WORDS}).status_code == 302
    assert sorted(to[0] for to, _ in relay) == ["advocacy@service.example",
                                               "priya@council.example"]
    for _to, content in relay:
        # Expected: it says a child asked, never who or what they wrote.
        assert "Sam" not in content and "brother" not in content
        assert "Subject: My Say: a child has asked for an advocate" in content
    to_isro = next(content for to, content in relay if to == ["priya@council.example"])
    assert "A child on your caseload has asked for an advocate." in to_isro
    assert "Sign in to My Say to see who." in to_isro
    [request] = _requests(app)
    assert request.help_with == WORDS and request.outcome is None
    with app.app_context():
        # One email job each: one audit event for each email sent.
        sent = db.session().scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "advocacy.emailed"))
        assert sorted(to for detail in sent for to in detail["to"]) == [
            f"account:{people['isro'].id}", "advocacy_service"]


def test_the_child_is_told_who_will_read_it_and_when(app, people):
    with clock.fixed(FRIDAY_9PM):
        kid = signed_in_client(app, "sam15")
        post_form(kid, "/advocate", {"help_with": ""})
        page = kid.get("/advocate").get_data(as_text=True)
    assert "Priya Shah, your ISRO, has been told." in page
    assert "Nobody will read this until Monday at 09:00." in page
    assert "You asked on Friday 4 December." in page
    assert "Ask for an advocate</button>" not in page  # asked already: no second button


def test_asking_twice_is_one_request(app, people):
    kid = signed_in_client(app, "sam15")
    post_form(kid, "/advocate", {"help_with": WORDS})
    token = csrf_token(kid.get("/").get_data(as_text=True))
    assert kid.post("/advocate", data={"csrf_token": token, "help_with": "again"}).status_code \
        == 302
    assert [r.help_with for r in _requests(app)] == [WORDS]


def test_the_isro_sees_the_request_and_records_the_outcome(app, people, signed_in):
    post_form(signed_in_client(app, "sam15"), "/advocate", {"help_with": WORDS})
    [request] = _requests(app)
    isro = signed_in(people["isro"])
    child_page = isro.get(f"/children/{people['sam'].id}").get_data(as_text=True)
    assert "Requests for an advocate" in child_page and "Open" in child_page
    page = isro.get(f"/children/{people['sam'].id}/advocate-requests").get_data(as_text=True)
    assert WORDS in page
    day = (date.today() - timedelta(days=1)).isoformat()
    saved = post_form(isro, f"/children/{people['sam'].id}/advocate-requests", {
        "request": str(request.id), f"r{request.id}-outcome": "linked",
        f"r{request.id}-on": day, f"r{request.id}-note": "Kim from the service"})
    assert saved.status_code == 302
    [request] = _requests(app)
    assert request.outcome is AdvocacyOutcome.LINKED and request.outcome_on.isoformat() == day
    assert request.recorded_by_id == people["isro"].id
    child_page = isro.get(f"/children/{people['sam'].id}").get_data(as_text=True)
    assert "An advocate is now working with the child" in child_page
    kid_page = signed_in_client(app, "sam15").get("/advocate").get_data(as_text=True)
    assert "an advocate started working with you" in kid_page
    assert "Ask for an advocate</button>" in kid_page  # they may ask again later
    with app.app_context():
        actions = set(db.session().scalars(select(AuditEvent.action)))
    assert {"staff.viewed_advocacy", "advocacy.outcome_recorded"} <= actions


def test_an_outcome_of_other_needs_a_note_and_no_day_to_come(app, people, signed_in):
    post_form(signed_in_client(app, "sam15"), "/advocate", {"help_with": ""})
    [request] = _requests(app)
    isro = signed_in(people["isro"])
    url = f"/children/{people['sam'].id}/advocate-requests"
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    answer = post_form(isro, url, {"request": str(request.id), f"r{request.id}-outcome": "other",
                                   f"r{request.id}-on": tomorrow})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<title>Error:" in html
    assert "Say what happened in the note" in html and "Enter a date that has come" in html
    assert f'value="{tomorrow}"' in html  # kept as typed
    assert _requests(app)[0].outcome is None


def test_another_isro_cannot_see_or_record_and_ids_must_be_the_childs(app, make, people,
                                                                      signed_in):
    post_form(signed_in_client(app, "sam15"), "/advocate", {"help_with": WORDS})
    [request] = _requests(app)
    other_isro = make.account(Role.ISRO)
    other = signed_in(other_isro)
    url = f"/children/{people['sam'].id}/advocate-requests"
    assert other.get(url).status_code == 404
    token = csrf_token(other.get("/settings").get_data(as_text=True))
    assert other.post(url, data={"csrf_token": token, "request": str(request.id),
                                 f"r{request.id}-outcome": "changed_mind",
                                 f"r{request.id}-on": date.today().isoformat()}
                      ).status_code == 404
    # Sam's request sent with the other ISRO's own child in the address: refused too.
    own = make.child(11, isro=other_isro, name="Jo")
    assert other.post(f"/children/{own.id}/advocate-requests", data={
        "csrf_token": token, "request": str(request.id)}).status_code == 404
    assert _requests(app)[0].outcome is None


def test_a_child_cannot_see_another_childs_request(app, make, people):
    post_form(signed_in_client(app, "sam15"), "/advocate", {"help_with": WORDS})
    make.child(10, username="mia10", name="Mia")
    page = signed_in_client(app, "mia10").get("/advocate").get_data(as_text=True)
    assert WORDS not in page and "You asked on" not in page
    assert "Ask for an advocate</button>" in page


def test_a_child_with_no_isro_reaches_the_managers(app, make, relay):
    make.account(Role.MANAGER, email="dee@council.example")
    make.child(13, username="lee13", name="Lee")
    kid = signed_in_client(app, "lee13")
    post_form(kid, "/advocate", {"help_with": ""})
    assert sorted(to[0] for to, _ in relay) == ["advocacy@service.example",
                                               "dee@council.example"]
    assert "The reviewing team has been told." in kid.get("/advocate").get_data(as_text=True)


def test_the_counts_give_requests_and_outcomes_in_the_period(app, make, people):
    other = make.child(9, name="Ola")
    with app.app_context():
        sam = db.session().get(Child, people["sam"].id)
        ola = db.session().get(Child, other.id)
        isro = db.session().merge(people["isro"])

        def ask(child, at, outcome=None):
            with clock.fixed(at):
                request = operations.ask_for_advocate(child, child.account, None)
                if outcome:
                    operations.record_outcome(request, isro, outcome=outcome, on=at.date(),
                                              note=None)

        ask(sam, datetime(2025, 3, 31, 23, 30, tzinfo=LONDON))  # the day before
        ask(sam, datetime(2025, 4, 1, 0, 30, tzinfo=LONDON), AdvocacyOutcome.CHANGED_MIND)
        ask(sam, datetime(2025, 9, 1, 10, 0, tzinfo=LONDON), AdvocacyOutcome.LINKED)
        ask(ola, datetime(2026, 3, 31, 23, 0, tzinfo=LONDON))  # last hour: still open
        ask(ola, datetime(2026, 4, 1, 9, 0, tzinfo=LONDON), AdvocacyOutcome.REFERRED)
        counts = queries.advocacy_counts(date(2025, 4, 1), date(2026, 3, 31))
    assert counts == {"requests": 3, "children": 2, "outcomes": {
        "referred": 0, "linked": 1, "changed_mind": 1, "other": 0, "open": 1}}


def test_the_words_a_child_writes_are_checked_for_safety(app, people):
    post_form(signed_in_client(app, "sam15"), "/advocate", {"help_with": "he hits me"})
    with app.app_context():
        assert re.search("flag.raised", " ".join(db.session().scalars(
            select(AuditEvent.action))))
