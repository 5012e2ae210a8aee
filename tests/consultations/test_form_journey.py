"""A child fills in their form one question at a time, saves, resumes and sends it."""
import re

import pytest

from portal.accounts.models import Role
from tests.helpers import post_form, sign_in


@pytest.fixture
def isro_and_child(make):
    def _make(age):
        isro = make.account(Role.ISRO, name="Priya Shah")
        child = make.child(age, isro=isro, username=f"kid{age}", name="Mia")
        return isro, child
    return _make


def _start(client):
    response = post_form(client, "/my-say/form/start", {}, page="/my-say")
    assert response.status_code == 302
    return response.headers["Location"]


def _answer(client, path, data):
    return post_form(client, path, data)


def test_a_seven_year_old_gets_faces_and_sends_a_form(app, isro_and_child, signed_in):
    isro, child = isro_and_child(7)
    client = app.test_client()
    sign_in(client, "kid7")
    first = _start(client)
    page = client.get(first).get_data(as_text=True)
    assert "face-great.svg" in page and "Question 1 of 12" in page
    assert "<h1>How do you feel about where you live?</h1>" in page
    nxt = _answer(client, first, {"answer": "great", "action": "next"}).headers["Location"]
    nxt = _answer(client, nxt, {"action": "skip"}).headers["Location"]
    _answer(client, nxt, {"answer": "no_say", "action": "next"})
    check = client.get("/my-say/form/check").get_data(as_text=True)
    assert "Great" in check and "Skipped" in check
    response = post_form(client, "/my-say/form/send", {}, page="/my-say/form/check")
    sent = client.get(response.headers["Location"]).get_data(as_text=True)
    # Under 12: "your reviewing officer, Priya", not "your ISRO" (issue 16).
    assert "Sent to your reviewing officer, Priya" in sent and "ISRO" not in sent.split(
        '<main')[1].split('</main>')[0]
    assert "Your carer will not see it" in sent
    staff = signed_in(isro)
    child_page = staff.get(f"/children/{child.id}").get_data(as_text=True)
    assert "Form" in child_page and "by the child" in child_page


def test_a_sixteen_year_old_is_asked_about_leaving_care(app, isro_and_child):
    isro_and_child(16)
    client = app.test_client()
    sign_in(client, "kid16")
    _start(client)
    assert "Form for ages 16 and 17" in client.get("/my-say").get_data(as_text=True)
    page = client.get("/my-say/form/leaving_home").get_data(as_text=True)
    assert "Where do you want to live when you leave care?" in page


def test_the_draft_is_kept_after_signing_out_and_in(app, isro_and_child):
    isro_and_child(10)
    client = app.test_client()
    sign_in(client, "kid10")
    first = _start(client)
    second = _answer(client, first, {"answer": "ok", "action": "next"}).headers["Location"]
    _answer(client, second, {"answer": "Living with Jo is fine", "action": "next"})
    post_form(client, "/sign-out", {}, page="/")
    again = app.test_client()
    sign_in(again, "kid10")
    assert "You have done 2 of" in again.get("/my-say").get_data(as_text=True)
    resumed = post_form(again, "/my-say/form/start", {}, page="/my-say").headers["Location"]
    assert resumed.endswith("/my-say/form/school_feel")
    assert "Living with Jo is fine" in again.get(second).get_data(as_text=True)


def test_back_and_change_keep_earlier_answers(app, isro_and_child):
    isro_and_child(10)
    client = app.test_client()
    sign_in(client, "kid10")
    first = _start(client)
    _answer(client, first, {"answer": "not_good", "action": "next"})
    page = client.get(first).get_data(as_text=True)
    assert re.search(r'<input checked id="answer-2"[^>]*value="not_good"', page) or \
        re.search(r'value="not_good"[^>]*checked', page)
    response = post_form(client, first + "?change=1", {"answer": "great", "action": "next"})
    assert response.headers["Location"].endswith("/my-say/form/check")


def test_nothing_typed_gives_an_error_and_too_much_keeps_the_words(app, isro_and_child):
    isro_and_child(10)
    client = app.test_client()
    sign_in(client, "kid10")
    _start(client)
    empty = _answer(client, "/my-say/form/home_more", {"answer": "", "action": "next"})
    page = empty.get_data(as_text=True)
    assert "<title>Error:" in page
    assert re.search(r'<a href="#answer">Write your answer, or press “I don(&#39;|\')t want '
                     r'to answer this”</a>', page), page[page.find('error-summary'):][:400]
    long = "I like it here. " * 200
    response = _answer(client, "/my-say/form/home_more", {"answer": long, "action": "next"})
    assert "less than 2000 characters" in response.get_data(as_text=True)
    assert "I like it here. I like it here." in response.get_data(as_text=True)


def test_a_form_needs_one_answer_to_send(app, isro_and_child):
    isro_and_child(10)
    client = app.test_client()
    sign_in(client, "kid10")
    first = _start(client)
    _answer(client, first, {"action": "skip"})
    response = post_form(client, "/my-say/form/send", {}, page="/my-say/form/check")
    assert "error=empty" in response.headers["Location"]
    assert "Answer at least one question" in client.get(response.headers["Location"]).get_data(
        as_text=True)


def test_switching_form_keeps_shared_answers(app, isro_and_child):
    isro_and_child(13)
    client = app.test_client()
    sign_in(client, "kid13")
    first = _start(client)
    _answer(client, first, {"answer": "great", "action": "next"})
    post_form(client, "/my-say/form/choose", {"questionnaire": "4-7"})
    assert "Short form with faces" in client.get("/my-say").get_data(as_text=True)
    assert "You have done 1 of 12" in client.get("/my-say").get_data(as_text=True)


def test_interpreter_language_follows_yes(app, isro_and_child):
    isro_and_child(10)
    client = app.test_client()
    sign_in(client, "kid10")
    _start(client)
    response = _answer(client, "/my-say/form/interpreter", {"answer": "yes", "action": "next"})
    assert response.headers["Location"].endswith("/my-say/form/interpreter_language")
    page = client.get("/my-say/form/interpreter_language").get_data(as_text=True)
    assert "العربية" in page and "ትግርኛ" in page


def test_a_draft_is_not_shown_to_the_isro(app, isro_and_child, signed_in):
    from portal.consultations import queries

    isro, child = isro_and_child(10)
    client = app.test_client()
    sign_in(client, "kid10")
    first = _start(client)
    _answer(client, first, {"answer": "great", "action": "next"})
    with app.app_context():
        draft = queries.draft_form(child.id)
    staff = signed_in(isro)
    assert staff.get(f"/things/{draft.id}").status_code == 404
    assert "Nothing since the last review yet" in staff.get(f"/children/{child.id}").get_data(
        as_text=True)
