"""A review is booked, held, coded; its plans and letter reach the child."""
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from portal import clock, db
from portal.accounts.models import Role
from portal.clock import LONDON
from portal.consultations.models import Submission
from tests.helpers import post_form, sign_in


@pytest.fixture
def case(make):
    isro = make.account(Role.ISRO, name="Priya Shah")
    carer = make.account(Role.CARER)
    child = make.child(14, isro=isro, username="sam14", name="Sam")
    make.link(carer, child)
    return {"isro": isro, "carer": carer, "child": child}


def _kid(app, username="sam14"):
    client = app.test_client()
    sign_in(client, username)
    return client


MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=LONDON)
MEETING = date(2026, 11, 12)  # a Thursday, ten days on


def test_book_hold_code_and_publish_then_the_child_reads_and_asks(app, case, signed_in):
    child_id = case["child"].id
    with clock.fixed(MONDAY):
        staff = signed_in(case["isro"])
        response = post_form(staff, f"/children/{child_id}/schedule-review", {
            "day": MEETING.isoformat(), "time": "14:30", "place": "School", "invited": "Jo"})
        assert response.status_code == 302
        page = staff.get(f"/children/{child_id}").get_data(as_text=True)
        review_id = re.search(r'/reviews/(\d+)/record', page).group(1)
        # Before the day, the meeting cannot be recorded as held.
        early = post_form(staff, f"/reviews/{review_id}/record", {
            "held_on": MEETING.isoformat(), "child_attended": "yes", "code": "PN1"})
        assert early.status_code == 200
        assert "has not come yet" in early.get_data(as_text=True)
    with clock.fixed(datetime.combine(MEETING, time(16, 0), tzinfo=LONDON)):
        staff = signed_in(case["isro"])
        record = staff.get(f"/reviews/{review_id}/record").get_data(as_text=True)
        assert "Suggested code: PN7" in record  # nothing sent yet
        assert f'value="{MEETING.isoformat()}"' in record
        response = post_form(staff, f"/reviews/{review_id}/record", {
            "held_on": MEETING.isoformat(), "child_attended": "yes", "attended": "Sam, Jo",
            "code": "PN1", "late_reason": "booking_error"})  # due months ago: late
        assert response.headers["Location"].endswith(f"/reviews/{review_id}/plans")
        post_form(staff, f"/reviews/{review_id}/plans", {"plans": "Stay at Oak School\nSee mum"})
        kid = _kid(app)
        letters = kid.get("/my-letters").get_data(as_text=True)
        assert "Stay at Oak School" in letters and "See mum" in letters
        response = post_form(staff, f"/reviews/{review_id}/letter", {
            "told_me": "You told me you want to stay at your school.", "decided": "You will stay.",
            "who_1": "Priya", "what_1": "Ask about football club", "by_1": "2026-12-12",
            "lock_version": "1", "action": "publish"})
        assert response.status_code == 302
        letters = kid.get("/my-letters").get_data(as_text=True)
        letter_url = re.search(r'href="(/letters/\d+)"', letters).group(1)
        assert "New" in letters
        page = kid.get(letter_url).get_data(as_text=True)
        assert "Dear Sam," in page and "You told me you want to stay" in page
        assert "Ask about football club" in page
        post_form(kid, letter_url + "/understood", {}, page=letter_url)
        assert "You said you understand" in kid.get(letter_url).get_data(as_text=True)
        question = re.search(r'href="(/messages/about/\d+\?letter=\d+)"', page).group(1)
        assert "I have a question about my letter" in kid.get(question).get_data(as_text=True)
        post_form(kid, question, {"body": "I have a question about my letter: what is a club?"},
                  content_type="multipart/form-data")
        # The ISRO sees both answers, on the child's page and on the letter.
        for path in (f"/children/{child_id}", letter_url, f"/reviews/{review_id}/letter"):
            shown = staff.get(path).get_data(as_text=True)
            assert "Said they understand it, 12 Nov 2026" in shown, path
            assert "Question, 12 Nov" in shown, path
        link = re.search(r'href="(/conversations/\d+)#message-(\d+)"', shown)
        conversation = staff.get(link.group(1)).get_data(as_text=True)
        assert f'id="message-{link.group(2)}"' in conversation and "what is a club?" in conversation
    with app.app_context():
        from portal.messages.models import Message

        asked = db.session().scalars(select(Message)).one()
        assert asked.letter_id == int(letter_url.rsplit("/", 1)[1])


def test_booking_on_a_weekend_or_bank_holiday_asks_first(app, case, signed_in):
    child_id = case["child"].id
    with clock.fixed(MONDAY):
        staff = signed_in(case["isro"])
        url = f"/children/{child_id}/schedule-review"
        for day, says in ((date(2026, 11, 7), "is at the weekend"),
                          (date(2026, 12, 25), "is a bank holiday")):
            warned = post_form(staff, url, {"day": day.isoformat(), "time": "10:00"})
            assert warned.status_code == 200 and says in warned.get_data(as_text=True)
        booked = post_form(staff, url, {"day": "2026-12-25", "time": "10:00",
                                        "confirm": "2026-12-25"})
        assert booked.status_code == 302
        past = post_form(staff, url, {"day": "2026-10-30", "time": "10:00"})
        assert "Choose a day from today on" in past.get_data(as_text=True)


def test_a_child_never_sees_a_past_date_as_their_next_review(app, case, make):
    make.held_review(case["child"], days_ago=200)  # the second is due 3 months on: overdue
    page = _kid(app).get("/").get_data(as_text=True)
    assert "Your review is late. Your ISRO will be in touch soon" in page
    assert "Your next review will be by" not in page


def test_the_next_review_is_due_six_months_after_a_later_one(app, case, make):
    make.held_review(case["child"], days_ago=200)
    make.held_review(case["child"], days_ago=100)
    make.held_review(case["child"], days_ago=5)
    from portal.reviews import queries

    with app.app_context():
        upcoming = queries.next_reviews([case["child"].id])[case["child"].id]
        assert upcoming.kind == "later"
        from portal.reviews.timescales import add_months

        assert upcoming.due_on == add_months(date.today() - timedelta(days=5), 6)


def test_invalid_codes_for_the_childs_age_are_refused(app, make, signed_in):
    isro = make.account(Role.ISRO)
    toddler = make.child(2, isro=isro, name="Ruby")
    four = make.child(4, isro=isro, sign_in=False, name="Ann")
    staff = signed_in(isro)
    for child, code in ((toddler, "PN6"), (four, "PN0")):
        page = staff.get(f"/children/{child.id}").get_data(as_text=True)
        if "/record" not in page:
            post_form(staff, f"/children/{child.id}/schedule-review",
                      {"day": date.today().isoformat(), "time": "10:00"})
            page = staff.get(f"/children/{child.id}").get_data(as_text=True)
        review_id = re.search(r'/reviews/(\d+)/record', page).group(1)
        response = post_form(staff, f"/reviews/{review_id}/record", {
            "held_on": date.today().isoformat(), "child_attended": "no", "code": code})
        assert response.status_code == 200
        assert "under 4" in response.get_data(as_text=True)


def test_an_advocates_views_suggest_pn5(app, case, make, signed_in):
    advocate = make.account(Role.ADVOCATE)
    make.link(advocate, case["child"])
    post_form(signed_in(case["isro"]), f"/children/{case['child'].id}/schedule-review",
              {"day": date.today().isoformat(), "time": "10:00"})
    from portal.reviews import queries

    with app.app_context():
        review = queries.next_reviews([case["child"].id])[case["child"].id]
        db.session().add(Submission(child_id=case["child"].id, review_id=review.id, kind="form",
                                    status="sent", entered_by_id=advocate.id, answers={},
                                    sent_at=review.created_at))
        db.session().commit()
        review_id = review.id
    page = signed_in(case["isro"]).get(f"/reviews/{review_id}/record").get_data(as_text=True)
    assert "Suggested code: PN5" in page


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(app, case, make, signed_in):
    review_id, _letter = make.held_review(case["child"], publish=False)
    first, second = signed_in(case["isro"]), signed_in(make.account(Role.MANAGER))
    url = f"/reviews/{review_id}/letter"
    first_page, second_page = first.get(url), second.get(url)
    assert 'name="lock_version" type="hidden" value="2"' in first_page.get_data(as_text=True)
    from tests.helpers import csrf_token

    ok = second.post(url, data={"csrf_token": csrf_token(second_page.get_data(as_text=True)),
                                "told_me": "Manager's words", "lock_version": "2",
                                "action": "save"})
    assert ok.status_code == 302
    stale = first.post(url, data={"csrf_token": csrf_token(first_page.get_data(as_text=True)),
                                  "told_me": "My careful words", "lock_version": "2",
                                  "action": "save"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 200 and "Someone else saved this letter" in page
    assert "My careful words" in page
    with app.app_context():
        from portal.reviews import queries

        assert queries.letter_for(review_id).sections["told_me"] == "Manager's words"


def test_a_correction_is_a_new_version_the_child_is_told_about(app, case, make, signed_in):
    review_id, letter_id = make.held_review(case["child"])
    staff = signed_in(case["isro"])
    post_form(staff, f"/reviews/{review_id}/letter", {
        "told_me": "Corrected words", "lock_version": "3", "action": "publish"})
    page = _kid(app).get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "Corrected words" in page and "This letter was changed" in page


def test_a_child_cannot_read_another_childs_letter_or_a_draft(app, case, make):
    other = make.child(12, isro=case["isro"], username="other12", name="Leo")
    _review, published = make.held_review(other)
    _review2, draft = make.held_review(case["child"], publish=False)
    kid = _kid(app)
    assert kid.get(f"/letters/{published}").status_code == 404
    assert kid.get(f"/letters/{draft}").status_code == 404
    assert kid.get(f"/letters/{published}/letter.pdf").status_code == 404


def test_a_carer_sees_a_letter_only_when_shared(app, case, make, signed_in):
    review_id, letter_id = make.held_review(case["child"])
    carer = signed_in(case["carer"])
    assert carer.get(f"/letters/{letter_id}").status_code == 404
    post_form(signed_in(case["isro"]), f"/reviews/{review_id}/letter", {
        "told_me": "You said hi.", "shared_with_carer": "y", "lock_version": "3",
        "action": "save"})
    assert carer.get(f"/letters/{letter_id}").status_code == 200


def test_the_letter_deadline_is_recorded(app, case, make, signed_in):
    review_id, _letter = make.held_review(case["child"], days_ago=40)
    page = signed_in(case["isro"]).get(f"/reviews/{review_id}/letter").get_data(as_text=True)
    assert "Published late" in page


def test_readability_is_shown_for_english(app, case, make, signed_in):
    review_id, _ = make.held_review(case["child"], publish=False, letter={
        "told_me": "You told me that you like living with Jo and that school is going well "
                   "for you this year."})
    page = signed_in(case["isro"]).get(f"/reviews/{review_id}/letter").get_data(as_text=True)
    assert re.search(r"Reading age about \d+", page)


def test_the_pdf_shows_arabic_with_an_arabic_font(app, make, monkeypatch):
    from portal.reviews import views

    monkeypatch.setitem(views.PDF_OPTIONS, "uncompressed_pdf", True)
    isro = make.account(Role.ISRO)
    child = make.child(16, isro=isro, username="amir16", name="Amir", language="ar")
    _review, letter_id = make.held_review(child, letter={"told_me": "قلت لي إنك تحب مدرستك."})
    response = _kid(app, "amir16").get(f"/letters/{letter_id}/letter.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert re.search(rb"/BaseFont /[A-Z]{6}\+Noto-Naskh-Arabic", response.data)
    assert b"/Lang (ar)" in response.data
