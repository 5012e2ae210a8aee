"""'How was my review?': asked once a review is held, once per review; the ISRO on the
case sees the answers, nobody else does; the annual report counts each child once."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal import db
from portal.accounts.models import Child, Role
from portal.audit import AuditEvent
from portal.reviews import operations as reviews
from portal.voice import operations, queries
from portal.voice.models import ReviewFeedback
from tests.helpers import post_form, signed_in_client

QUESTION = "How was my review?"


@pytest.fixture
def people(make):
    isro = make.account(Role.ISRO, name="Priya Shah")
    sam = make.child(15, isro=isro, username="sam15", name="Sam")
    return {"isro": isro, "sam": sam}


def _rows(app) -> list[ReviewFeedback]:
    with app.app_context():
        return list(db.session().scalars(select(ReviewFeedback)))


def test_the_child_is_asked_only_once_the_review_is_held(app, make, people):
    with app.app_context():
        child = db.session().get(Child, people["sam"].id)
        reviews.add_review(child, date.today() + timedelta(days=20))
        db.session().commit()
    kid = signed_in_client(app, "sam15")
    assert QUESTION not in kid.get("/").get_data(as_text=True)
    # Expected: nothing to answer yet, so the page sends the child home.
    assert kid.get("/how-was-my-review").status_code == 302

    make.held_review(people["sam"], days_ago=3)
    home = kid.get("/").get_data(as_text=True)
    assert QUESTION in home and 'href="/how-was-my-review"' in home
    page = kid.get("/how-was-my-review").get_data(as_text=True)
    for question in ("Was I listened to?", "Did I understand what was decided?",
                     "Were the right people there?"):
        assert question in page
    # The consultation form's faces, drawn by the same macro.
    assert page.count("pictures/face-great.svg") == 3 and 'id="listened-0"' in page


def test_the_child_answers_once_and_is_not_asked_again(app, make, people):
    review_id, _ = make.held_review(people["sam"], days_ago=3)
    kid = signed_in_client(app, "sam15")
    sent = post_form(kid, "/how-was-my-review", {
        "review": str(review_id), "listened": "great", "understood": "not_good",
        "comment": "Too many people talked about me", "action": "send"})
    assert sent.status_code == 302
    home = kid.get("/").get_data(as_text=True)
    assert "Priya Shah, your ISRO, will see what you said." in home
    assert QUESTION not in home
    # Expected: the form is gone; a second answer to the same review is not kept.
    assert kid.get("/how-was-my-review").status_code == 302
    kid.post("/how-was-my-review", data={"review": str(review_id), "listened": "ok"})
    rows = _rows(app)
    assert len(rows) == 1
    row = rows[0]
    assert (row.listened, row.understood, row.right_people) == ("great", "not_good", None)
    assert row.comment == "Too many people talked about me" and not row.skipped


def test_a_child_can_skip_and_is_not_asked_about_that_review_again(app, make, people, signed_in):
    review_id, _ = make.held_review(people["sam"], days_ago=3)
    kid = signed_in_client(app, "sam15")
    assert post_form(kid, "/how-was-my-review", {"review": str(review_id),
                                                 "action": "skip"}).status_code == 302
    assert QUESTION not in kid.get("/").get_data(as_text=True)
    assert [r.skipped for r in _rows(app)] == [True]
    page = signed_in(people["isro"]).get(f"/children/{people['sam'].id}").get_data(as_text=True)
    assert "The child has not said how a review went yet." in page


def test_sending_nothing_asks_for_an_answer_and_keeps_what_was_typed(app, make, people):
    review_id, _ = make.held_review(people["sam"], days_ago=3)
    kid = signed_in_client(app, "sam15")
    empty = post_form(kid, "/how-was-my-review", {"review": str(review_id), "action": "send"})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 200 and "<title>Error:" in html
    assert 'href="#listened-0"' in html
    long = post_form(kid, "/how-was-my-review", {"review": str(review_id), "listened": "ok",
                                                 "comment": "words " * 500, "action": "send"})
    html = long.get_data(as_text=True)
    assert long.status_code == 200 and "Please write less than 2000 characters" in html
    assert "words words" in html
    assert re.search(r'<input checked id="listened-1"[^>]*value="ok"', html)
    assert _rows(app) == []


def test_the_isro_sees_the_answers_and_another_isro_cannot(app, make, people, signed_in):
    review_id, _ = make.held_review(people["sam"], days_ago=3)
    post_form(signed_in_client(app, "sam15"), "/how-was-my-review", {
        "review": str(review_id), "listened": "not_good", "right_people": "great",
        "comment": "<b>Nobody asked me</b>", "action": "send"})
    isro = signed_in(people["isro"])
    page = isro.get(f"/children/{people['sam'].id}").get_data(as_text=True)
    assert "How the child found their reviews" in page
    assert "Was I listened to?" in page and "Not good" in page and "Not answered" in page
    assert "&lt;b&gt;Nobody asked me&lt;/b&gt;" in page  # as typed, never as markup
    with app.app_context():
        assert db.session().scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "staff.viewed_child",
            AuditEvent.child_id == people["sam"].id)) == 1
    other = signed_in(make.account(Role.ISRO))
    assert other.get(f"/children/{people['sam'].id}").status_code == 404


def test_a_child_is_never_asked_about_another_childs_review(app, make, people):
    make.held_review(people["sam"], days_ago=3)
    make.child(10, username="mia10", name="Mia")
    mia = signed_in_client(app, "mia10")
    assert QUESTION not in mia.get("/").get_data(as_text=True)
    assert mia.get("/how-was-my-review").status_code == 302


def test_the_counts_take_each_childs_latest_answer_once(app, make, people):
    start, end = date(2025, 4, 1), date(2026, 3, 31)
    a = make.child(12, name="A")
    b = make.child(13, name="B")
    c = make.child(14, name="C")
    d = make.child(9, name="D")
    with app.app_context():
        def answer(child, held, **faces):
            child = db.session().get(Child, child.id)
            review = reviews.add_review(child, held, held_on=held)
            db.session().commit()
            if faces.pop("skip", False):
                return operations.skip_feedback(review, child.account)
            return operations.save_feedback(review, child.account, faces=faces, comment=None)

        answer(a, date(2025, 5, 1), listened="great", understood="great")
        answer(a, date(2025, 11, 1), listened="ok")  # A's latest says "ok" for listened
        answer(b, date(2025, 6, 1), listened="great", right_people="no_say")
        answer(c, date(2026, 4, 1), listened="not_good")  # after the period
        answer(d, date(2025, 7, 1), skip=True)
        counts = queries.feedback_counts(start, end)
    assert counts == {
        "listened": {"great": 1, "ok": 1, "not_good": 0, "no_say": 0},
        "understood": {"great": 1, "ok": 0, "not_good": 0, "no_say": 0},
        "right_people": {"great": 0, "ok": 0, "not_good": 0, "no_say": 1},
    }
