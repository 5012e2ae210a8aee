"""Express mode (issue 16, item 2): Mia, 7, answers with big picture tiles that are
buttons, chooses several people one tile at a time, says an answer out loud instead of
typing it, and sends her form; her ISRO can turn it on for her, and hears the answer."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from portal import db
from portal.accounts.models import Account, Role
from portal.audit import AuditEvent
from portal.consultations.models import Submission
from tests.helpers import post_form, sign_in
from tests.media.builders import wav


@pytest.fixture
def mia(app, make):
    isro = make.account(Role.ISRO, name="Priya Shah")
    child = make.child(7, isro=isro, username="mia7", name="Mia")
    client = app.test_client()
    assert sign_in(client, "mia7").status_code == 302
    return {"isro": isro, "child": child, "client": client}


def _express_on(client) -> None:
    page = client.get("/settings").get_data(as_text=True)
    fields = {"language": "en", "text_size": "standard", "theme": "auto",
              "contrast": "standard", "colour": "standard", "avatar": "none",
              "read_aloud": "y", "express": "y"}
    assert 'name="express"' in page
    assert post_form(client, "/settings", fields).status_code == 302


def _start(client) -> str:
    response = post_form(client, "/my-say/form/start", {}, page="/my-say")
    return response.headers["Location"]


def _draft(app) -> Submission:
    with app.app_context():
        return db.session().scalars(select(Submission).where(
            Submission.status == "draft")).one()


def test_in_express_mode_each_face_is_a_big_button_that_answers_and_goes_on(app, mia):
    client = mia["client"]
    _express_on(client)
    first = _start(client)
    page = client.get(first).get_data(as_text=True)
    # Expected: four tiles, each a submit button carrying its answer, with its face.
    buttons = re.findall(r'<button type="submit" class="express-choice[^"]*" name="answer" '
                         r'value="([a-z_]+)"', page)
    assert buttons == ["great", "ok", "not_good", "no_say"]
    assert page.count('width="96" height="96"') == 4 and "face-great.svg" in page
    # A read-aloud button for the question and for each answer, hidden until JS shows it.
    assert page.count('class="say" data-say=') == 5
    nxt = client.post(first, data={"csrf_token": _token(page), "answer": "great"})
    assert nxt.status_code == 302 and nxt.headers["Location"] != first
    assert _draft(app).answers["home_feel"] == {"value": "great", "status": "answered"}
    # Back on the question, the chosen face says so.
    again = client.get(first).get_data(as_text=True)
    assert re.search(r'express-choice is-chosen" name="answer" value="great"', again)
    assert "Chosen" in again


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_choosing_several_people_is_one_tile_at_a_time_and_pressing_again_takes_it_away(
        app, mia):
    client = mia["client"]
    _express_on(client)
    _start(client)
    path = "/my-say/form/who_there"
    for value in ("carer", "family", "carer"):
        response = post_form(client, path, {"toggle": value})
        assert response.status_code == 302 and response.headers["Location"].startswith(path)
    assert _draft(app).answers["who_there"] == {"value": ["family"], "status": "answered"}
    page = client.get(path).get_data(as_text=True)
    assert re.search(r'name="toggle" value="family" aria-pressed="true"', page)
    assert re.search(r'name="toggle" value="carer" aria-pressed="false"', page)
    # "Next" keeps what was chosen and goes on to the next question.
    response = post_form(client, path, {"action": "next"})
    assert response.headers["Location"].endswith("/my-say/form/talk_about")
    # Nothing chosen and "Next": asked to choose, nothing lost.
    post_form(client, path, {"toggle": "family"})
    empty = post_form(client, path, {"action": "next"})
    assert empty.status_code == 200
    assert "Choose at least one" in empty.get_data(as_text=True)
    # An answer that is not on the tiles is refused.
    assert post_form(client, path, {"toggle": "<script>"}).status_code == 400


def test_mia_says_an_answer_out_loud_and_her_isro_hears_it(app, mia, signed_in):
    client = mia["client"]
    _express_on(client)
    _start(client)
    page = client.get("/my-say/form/worries").get_data(as_text=True)
    assert 'href="/my-say/form/worries/say"' in page and "Say it instead of writing" in page
    say = client.get("/my-say/form/worries/say").get_data(as_text=True)
    assert "Priya will hear it straight away" in say
    response = post_form(client, "/my-say/form/worries/say", {
        "file": (io.BytesIO(wav(2)), "answer.wav")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/my-say/form/good_things")
    answer = _draft(app).answers["worries"]
    assert answer["status"] == "answered" and answer["voice"]
    with app.app_context():
        voice = db.session().get(Submission, answer["voice"])
        assert (voice.kind, voice.status, voice.visibility) == ("voice", "sent", "isro")
    check = client.get("/my-say/form/check").get_data(as_text=True)
    assert "Said out loud" in check and f'/files/{answer["voice"]}/full' in check
    # A form whose only answer was said out loud can be sent.
    sent = post_form(client, "/my-say/form/send", {}, page="/my-say/form/check")
    assert "/my-say/sent/" in sent.headers["Location"]
    isro = signed_in(mia["isro"])
    form_id = _sent_form_id(app)
    thing = isro.get(f"/things/{form_id}").get_data(as_text=True)
    assert "Said out loud" in thing
    heard = isro.get(f"/files/{answer['voice']}/full")
    assert heard.status_code == 200 and heard.mimetype.startswith("audio/")
    with app.app_context():
        assert db.session().scalar(select(AuditEvent).where(
            AuditEvent.action == "staff.viewed_file",
            AuditEvent.subject == f"submission:{answer['voice']}")) is not None


def _sent_form_id(app) -> int:
    with app.app_context():
        return db.session().scalars(select(Submission.id).where(
            Submission.kind == "form", Submission.status == "sent")).one()


def test_a_recording_that_is_not_sound_is_refused_and_the_draft_is_unchanged(app, mia):
    client = mia["client"]
    _express_on(client)
    _start(client)
    response = post_form(client, "/my-say/form/worries/say", {
        "file": (io.BytesIO(b"not a recording at all"), "answer.wav")},
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert 'class="error-summary' in response.get_data(as_text=True)
    assert "worries" not in _draft(app).answers


def test_the_isro_turns_express_mode_on_for_a_child_and_it_is_audited(app, make, mia,
                                                                      signed_in):
    isro = signed_in(mia["isro"])
    child_id = mia["child"].id
    page = isro.get(f"/children/{child_id}").get_data(as_text=True)
    assert "Express mode is off for this child." in page
    response = post_form(isro, f"/children/{child_id}/express", {"express": "on"},
                         page=f"/children/{child_id}")
    assert response.status_code == 302
    with app.app_context():
        account = db.session().scalars(select(Account).where(Account.username == "mia7")).one()
        assert account.settings["express"] is True
        event = db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "child.express_set")).one()
        assert event.child_id == child_id and event.actor_id == mia["isro"].id
    # Mia's next question is in Express mode without her touching a setting.
    first = _start(mia["client"])
    assert 'class="express-choice' in mia["client"].get(first).get_data(as_text=True)
    # Another ISRO cannot change it.
    other = signed_in(make.account(Role.ISRO))
    assert other.post(f"/children/{child_id}/express",
                      data={"express": "off"}).status_code in (400, 403, 404)


def test_a_child_chooses_a_colour_and_a_picture_and_sees_them_on_their_pages(app, mia):
    client = mia["client"]
    home = client.get("/").get_data(as_text=True)
    assert "Choose your own colour and picture" in home
    fields = {"language": "en", "text_size": "standard", "theme": "auto",
              "contrast": "standard", "colour": "purple", "avatar": "owl", "read_aloud": "y"}
    assert post_form(client, "/settings", fields).status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "colour-purple" in home.split(">", 2)[1]  # on <html>
    assert home.count("avatar-owl.svg") == 2  # the masthead and the greeting
    assert "avatar-owl.svg" in client.get("/my-say").get_data(as_text=True)
    # A picture that is not one of ours is not kept.
    post_form(client, "/settings", {**fields, "avatar": "../../etc/passwd"})
    assert "passwd" not in client.get("/").get_data(as_text=True)


def test_staff_settings_have_no_child_only_choices(signed_in):
    page = signed_in(Role.ISRO).get("/settings").get_data(as_text=True)
    assert 'name="avatar"' not in page and 'name="express"' not in page
