"""Quick say: the three things a child most wants their review to know, on one page,
sent like a poem (safety words checked the same way)."""
import pytest
from sqlalchemy import select

from portal import db
from portal.accounts.models import Role
from portal.consultations.models import Submission
from tests.helpers import post_form, signed_in_client


@pytest.fixture
def people(make):
    isro = make.account(Role.ISRO, name="Priya Shah")
    child = make.child(15, isro=isro, username="sam15", name="Sam")
    return {"isro": isro, "child": child}


def _sent(app, child_id):
    with app.app_context():
        return db.session().scalars(select(Submission).where(
            Submission.child_id == child_id)).all()


def test_the_start_page_offers_quick_say_and_plan_my_review(app, people):
    page = signed_in_client(app, "sam15").get("/my-say").get_data(as_text=True)
    assert 'href="/my-say/quick-say"' in page and 'href="/my-say/plan-my-review"' in page


def test_a_quick_say_is_sent_and_the_isro_sees_it(app, people, signed_in):
    kid = signed_in_client(app, "sam15")
    page = kid.get("/my-say/quick-say").get_data(as_text=True)
    assert "The three things I most want my review to know" in page
    response = post_form(kid, "/my-say/quick-say", {
        "first": "I want to see my brother more", "second": "", "third": "Football on Saturdays"})
    assert response.status_code == 302 and "/my-say/sent/" in response.headers["Location"]
    [item] = _sent(app, people["child"].id)
    assert item.is_sent and item.questionnaire == "quick_say"
    assert item.body == "1. I want to see my brother more\n\n2. Football on Saturdays"

    mine = kid.get("/my-things").get_data(as_text=True)
    assert "Quick say" in mine

    staff = signed_in(people["isro"])
    child_page = staff.get(f"/children/{people['child'].id}").get_data(as_text=True)
    assert f'href="/things/{item.id}"' in child_page and "Quick say" in child_page
    thing = staff.get(f"/things/{item.id}").get_data(as_text=True)
    assert "I want to see my brother more" in thing and "Football on Saturdays" in thing


def test_an_empty_quick_say_is_an_error_and_sends_nothing(app, people):
    kid = signed_in_client(app, "sam15")
    response = post_form(kid, "/my-say/quick-say", {"first": "  ", "second": "", "third": ""},
                         page="/my-say/quick-say")
    assert response.status_code == 400
    assert "Write at least one thing before you send it" in response.get_data(as_text=True)
    assert _sent(app, people["child"].id) == []


def test_a_too_long_thing_keeps_what_was_typed(app, people):
    kid = signed_in_client(app, "sam15")
    response = post_form(kid, "/my-say/quick-say", {
        "first": "x" * 1001, "second": "keep these words", "third": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "less than 1000 characters" in page
    assert "keep these words</textarea>" in page
    assert _sent(app, people["child"].id) == []


def test_safety_words_in_a_quick_say_raise_a_flag(app, people, make):
    kid = signed_in_client(app, "sam15")
    response = post_form(kid, "/my-say/quick-say", {
        "first": "I like my school", "second": "nobody knows he hits me at night", "third": ""})
    assert response.status_code == 302
    assert make.open_flag_ids(people["child"])
    sent_page = kid.get(response.headers["Location"]).get_data(as_text=True)
    assert "made us worried" in sent_page
