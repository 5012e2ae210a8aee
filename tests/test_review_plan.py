"""I plan my review: the child chooses where, when, who, what, chairing, an advocate, an
interpreter and a red card; the ISRO sees it on the child's page and when booking, and
the booking form is filled in from it."""
import html as html_lib
import re

import pytest
from sqlalchemy import select

from portal import db
from portal.accounts.models import Role
from portal.audit import AuditEvent
from portal.planning.models import ReviewPlan
from tests.helpers import post_form, sign_in, signed_in_client

PLAN = {"place": "at_home", "place_note": "in the garden room", "timing": "after_school",
        "timing_note": "not Tuesdays", "who_comes": "My foster carer Jo", "who_not": "My dad",
        "talk_about": "Seeing my brother", "not_in_front": "What happened at school",
        "chair": "co_chair", "advocate": "yes", "interpreter": "ti", "red_card": "yes"}


@pytest.fixture
def people(make):
    isro = make.account(Role.ISRO, name="Priya Shah")
    child = make.child(15, isro=isro, username="sam15", name="Sam")
    return {"isro": isro, "child": child}


def _plans(app, child_id):
    with app.app_context():
        return db.session().scalars(select(ReviewPlan).where(
            ReviewPlan.child_id == child_id)).all()


def test_the_plan_is_saved_and_can_be_changed(app, people):
    kid = signed_in_client(app, "sam15")
    page = kid.get("/my-say/plan-my-review").get_data(as_text=True)
    assert "Your ISRO will see this." in page
    response = post_form(kid, "/my-say/plan-my-review", PLAN)
    assert response.status_code == 302
    [plan] = _plans(app, people["child"].id)
    assert (plan.place, plan.timing, plan.chair, plan.interpreter) == (
        "at_home", "after_school", "co_chair", "ti")
    assert plan.advocate is True and plan.red_card is True
    assert plan.not_in_front == "What happened at school"

    again = kid.get("/my-say/plan-my-review").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="at_home"|<input[^>]*value="at_home"'
                     r'[^>]*checked', again)
    assert "My foster carer Jo</textarea>" in again

    changed = post_form(kid, "/my-say/plan-my-review",
                        {**PLAN, "place": "in_school", "red_card": "no", "who_not": ""})
    assert changed.status_code == 302
    [plan] = _plans(app, people["child"].id)  # still one row: the same plan, changed
    assert plan.place == "in_school" and plan.red_card is False and plan.who_not is None


def test_a_wrong_choice_is_an_error_and_keeps_what_was_typed(app, people):
    kid = signed_in_client(app, "sam15")
    response = post_form(kid, "/my-say/plan-my-review", {**PLAN, "chair": "king"})
    page = html_lib.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "Seeing my brother</textarea>" in page
    assert _plans(app, people["child"].id) == []


def test_the_isro_sees_the_plan_on_the_childs_page_and_when_booking(app, people, signed_in):
    post_form(signed_in_client(app, "sam15"), "/my-say/plan-my-review", PLAN)
    staff = signed_in(people["isro"])
    child_id = people["child"].id
    page = html_lib.unescape(staff.get(f"/children/{child_id}").get_data(as_text=True))
    assert "The child's plan for the review" in page
    assert "What happened at school" in page and "Co-chair" in page and "ትግርኛ" in page

    booking = staff.get(f"/children/{child_id}/schedule-review")
    form = html_lib.unescape(booking.get_data(as_text=True))
    assert "The child's plan for the review" in form and "My dad" in form
    # Filled in from the plan: where and when, who is invited, an interpreter.
    assert re.search(r'id="place"[^>]*value="At home, in the garden room, After school, '
                     r'not Tuesdays"|value="At home, in the garden room, After school, '
                     r'not Tuesdays"[^>]*id="place"', form)
    assert "My foster carer Jo</textarea>" in form
    assert re.search(r'<input[^>]*checked[^>]*id="interpreter_needed"|<input[^>]*'
                     r'id="interpreter_needed"[^>]*checked', form)
    with app.app_context():
        reads = db.session().scalars(select(AuditEvent.action).where(
            AuditEvent.child_id == child_id,
            AuditEvent.actor_id == people["isro"].id)).all()
    assert "staff.viewed_schedule" in reads and "staff.viewed_child" in reads


def test_booking_keeps_what_the_isro_already_booked(app, people, signed_in):
    staff = signed_in(people["isro"])
    child_id = people["child"].id
    booked = post_form(staff, f"/children/{child_id}/schedule-review", {
        "day": "2099-03-03", "time": "10:00", "place": "Town hall", "invited": "Ms Patel"})
    assert booked.status_code == 302
    post_form(signed_in_client(app, "sam15"), "/my-say/plan-my-review", PLAN)
    form = html_lib.unescape(staff.get(f"/children/{child_id}/schedule-review")
                             .get_data(as_text=True))
    assert 'value="Town hall"' in form and "Ms Patel</textarea>" in form
    # The plan made after booking belongs to that review.
    [plan] = _plans(app, child_id)
    assert plan.review_id is not None


def test_another_isro_cannot_see_the_plan(app, people, make, signed_in):
    post_form(signed_in_client(app, "sam15"), "/my-say/plan-my-review", PLAN)
    other = signed_in(make.account(Role.ISRO))
    child_id = people["child"].id
    for url in (f"/children/{child_id}", f"/children/{child_id}/schedule-review"):
        response = other.get(url)
        assert response.status_code in (403, 404)
        assert "What happened at school" not in response.get_data(as_text=True)


def test_no_plan_shows_nothing_to_the_isro(app, people, signed_in):
    page = signed_in(people["isro"]).get(f"/children/{people['child'].id}")
    assert "The child's plan for the review" not in page.get_data(as_text=True)


def test_a_younger_child_is_told_their_reviewing_officers_name(app, make):
    isro = make.account(Role.ISRO, name="Priya Shah")
    make.child(9, isro=isro, username="mia9", name="Mia")
    client = app.test_client()
    sign_in(client, "mia9")
    page = html_lib.unescape(client.get("/my-say/plan-my-review").get_data(as_text=True))
    assert "Your reviewing officer, Priya, will see this." in page
    assert "Your reviewing officer, Priya, will keep it private." in page
    assert "ISRO" not in page.split("<main", 1)[-1]
