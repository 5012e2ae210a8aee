"""You said, we did: the ISRO links a decision to Sam's own words, and his letter says
"You told us: “…”. So: …" with the words exactly as he typed them."""
import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock, db
from portal.accounts.models import Child, Role
from portal.audit import AuditEvent
from portal.clock import LONDON
from portal.consultations import operations as sending
from portal.consultations.models import Submission, Visibility
from portal.consultations.questionnaires import QUESTIONNAIRES
from portal.reviews import operations as reviews
from portal.reviews import you_said
from portal.reviews.models import Letter
from tests.helpers import csrf_token, sign_in

POEM = "أنا أحب المدرسة\n<script>alert('hi')</script> & I want to stay at Oak School"
SENT = datetime(2026, 10, 20, 17, 0, tzinfo=LONDON)
MEETING = date(2026, 11, 12)
AFTER = datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)


@pytest.fixture
def case(make):
    isro = make.account(Role.ISRO, name="Priya Shah")
    sam = make.child(15, isro=isro, username="sam15", name="Sam")
    alex = make.child(13, isro=isro, username="alex13", name="Alex")  # same ISRO
    return {"isro": isro, "sam": sam, "alex": alex}


def _poem(app, child, text, at=SENT) -> int:
    with app.app_context(), clock.fixed(at):
        child = db.session().get(Child, child.id)
        item = sending.add_poem(child, child.account, "My poem", text, Visibility.ISRO, "ar")
        db.session().commit()
        return item.id


def _recorded(app, child, isro, held_on=MEETING) -> tuple[int, int]:
    """A review held on ``held_on``, recorded; its letter a draft. (review id, letter id)"""
    with app.app_context(), clock.fixed(datetime.combine(held_on, datetime.min.time(),
                                                         LONDON) + timedelta(hours=17)):
        child = db.session().get(Child, child.id)
        isro = db.session().merge(isro)
        review = reviews.add_review(child, held_on)
        letter = reviews.record(review, isro, held_on=held_on, child_attended=True,
                                attended="", code="PN1")
        db.session().commit()
        return review.id, letter.id


def _editor(app, isro, review_id):
    client = app.test_client()
    sign_in(client, isro)
    page = client.get(f"/reviews/{review_id}/letter")
    assert page.status_code == 200
    return client, page.get_data(as_text=True)


def _save(client, review_id, page, data, action="publish"):
    lock = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page) or re.search(
        r'id="lock_version" name="lock_version" type="hidden" value="(\d+)"', page)
    return client.post(f"/reviews/{review_id}/letter", data={
        "csrf_token": csrf_token(page), "lock_version": lock.group(1) if lock else "1",
        "decided": "You will stay at Oak School.", "action": action, **data})


def _options(page: str) -> list[str]:
    return re.findall(r'<option[^>]*value="([^"]*)"', page)


def test_isro_links_sams_poem_to_a_decision_and_sams_letter_says_you_told_us(app, case):
    poem_id = _poem(app, case["sam"], POEM)
    review_id, letter_id = _recorded(app, case["sam"], case["isro"])
    with clock.fixed(AFTER):
        isro, page = _editor(app, case["isro"], review_id)
        assert f"submission:{poem_id}" in _options(page)
        assert "Poem, 20 Oct: “أنا أحب المدرسة &lt;script&gt;" in page  # shortened, escaped
        response = _save(isro, review_id, page, {
            "said_1": f"submission:{poem_id}", "so_1": "You will stay at Oak School"})
        assert response.status_code == 302
        sam = app.test_client()
        sign_in(sam, "sam15")
        letter = sam.get(f"/letters/{letter_id}").get_data(as_text=True)
        pdf = sam.get(f"/letters/{letter_id}/letter.pdf")
    # Expected: the words exactly as typed (the line break kept, the script shown as text).
    typed = ("أنا أحب المدرسة\n&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt; &amp; I want "
             "to stay at Oak School")
    assert f'You told us: “<bdi dir="auto" class="written">{typed}</bdi>”. So: ' \
           '<bdi dir="auto">You will stay at Oak School</bdi>' in letter
    assert "<script>alert" not in letter
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert pdf.status_code == 200 and "You told us" in text
    assert "<script>alert('hi')</script>" in text and "Oak School" in text


def test_the_pick_list_offers_sams_answers_and_messages_but_not_a_carers(app, case, make):
    carer = make.account(Role.CARER)
    make.link(carer, case["sam"])
    with app.app_context(), clock.fixed(SENT):
        sam = db.session().get(Child, case["sam"].id)
        form = sending.start_form(sam, sam.account, "13-15")
        questions = QUESTIONNAIRES["13-15"]
        sending.save_answer(form, questions.question("worries"), "Moving school again", "answered")
        sending.save_answer(form, questions.question("home_feel"), "great", "answered")
        sending.send(form)
        db.session().commit()
        form_id = form.id
    sams_message = make.message(case["sam"], "Can I see my brother at Christmas?")
    carers_message = make.message(case["sam"], "Sam has been quiet", author=carer)
    review_id, _letter_id = _recorded(app, case["sam"], case["isro"])
    with clock.fixed(AFTER):
        _client, page = _editor(app, case["isro"], review_id)
    offered = _options(page)
    assert f"submission:{form_id}:worries" in offered and "Moving school again" in page
    assert f"submission:{form_id}:home_feel" not in offered  # faces are not words
    assert f"message:{sams_message.id}" in offered and "see my brother" in page
    assert f"message:{carers_message.id}" not in offered and "Sam has been quiet" not in page


def test_the_pick_list_never_offers_or_accepts_another_childs_words(app, case):
    alex_poem = _poem(app, case["alex"], "Alex's secret words")
    _poem(app, case["sam"], "Sam's words")
    review_id, letter_id = _recorded(app, case["sam"], case["isro"])
    with clock.fixed(AFTER):
        isro, page = _editor(app, case["isro"], review_id)
        assert f"submission:{alex_poem}" not in _options(page)
        assert "Alex's secret" not in page and "Alex&#39;s secret" not in page
        response = _save(isro, review_id, page, {
            "said_1": f"submission:{alex_poem}", "so_1": "Something about Alex"})
    # Expected: refused with a clear message, nothing saved or published.
    assert response.status_code == 200
    assert "Choose something Sam said from the list" in response.get_data(as_text=True)
    with app.app_context():
        letter = db.session().get(Letter, letter_id)
        assert letter.you_said == [] and letter.first_published_at is None
        with pytest.raises(you_said.NotTheChildsWords):
            reviews.save_letter(letter, letter.child.isro, sections={}, actions=[],
                                shared_with_carer=False, lock_version=letter.lock_version,
                                you_said=[(f"submission:{alex_poem}", "so")])


def test_a_decision_needs_words_and_words_need_a_decision(app, case):
    poem_id = _poem(app, case["sam"], "I like football")
    review_id, _letter_id = _recorded(app, case["sam"], case["isro"])
    with clock.fixed(AFTER):
        isro, page = _editor(app, case["isro"], review_id)
        response = _save(isro, review_id, page, {"said_1": f"submission:{poem_id}",
                                                 "so_2": "You will join a club"}, "save")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Write what was decided because of it" in html
    assert "Choose what Sam said that this decision answers" in html
    assert "<title>Error:" in html


def test_sams_published_letter_keeps_his_words_when_the_poem_is_deleted(app, case):
    poem_id = _poem(app, case["sam"], "I want a bike")
    review_id, letter_id = _recorded(app, case["sam"], case["isro"])
    with clock.fixed(AFTER):
        isro, page = _editor(app, case["isro"], review_id)
        assert _save(isro, review_id, page, {"said_1": f"submission:{poem_id}",
                                             "so_1": "Jo will look for a bike"}).status_code == 302
    with app.app_context():
        db.session().delete(db.session().get(Submission, poem_id))
        db.session().commit()
    with clock.fixed(AFTER):
        sam = app.test_client()
        sign_in(sam, "sam15")
        letter = sam.get(f"/letters/{letter_id}").get_data(as_text=True)
        assert "I want a bike" in letter and "Jo will look for a bike" in letter
        # The ISRO can still save the letter: the link is kept, from its copy of the words.
        isro, page = _editor(app, case["isro"], review_id)
        assert "Linked before: “I want a bike”" in page
        assert _save(isro, review_id, page, {"said_1": f"submission:{poem_id}",
                                             "so_1": "Jo found a bike"}).status_code == 302
    with app.app_context():
        version = db.session().get(Letter, letter_id).latest
        assert version.number == 2 and version.you_said[0]["said"] == "I want a bike"
        assert version.you_said[0]["so"] == "Jo found a bike"


def test_the_pick_list_starts_at_sams_previous_review(app, case):
    _recorded(app, case["sam"], case["isro"], held_on=date(2026, 5, 14))
    before = _poem(app, case["sam"], "Words from before the last review",
                   at=datetime(2026, 5, 1, 12, tzinfo=LONDON))
    since = _poem(app, case["sam"], "Words since the last review")
    review_id, _letter_id = _recorded(app, case["sam"], case["isro"])
    with clock.fixed(AFTER):
        _client, page = _editor(app, case["isro"], review_id)
    assert f"submission:{since}" in _options(page)
    assert f"submission:{before}" not in _options(page)


def test_isros_view_of_the_pick_list_is_audited_with_what_it_showed(app, case):
    poem_id = _poem(app, case["sam"], "My poem words")
    review_id, letter_id = _recorded(app, case["sam"], case["isro"])
    with clock.fixed(AFTER):
        _editor(app, case["isro"], review_id)
    with app.app_context():
        event = db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "staff.viewed_words_for_letter")).one()
        assert event.child_id == case["sam"].id and event.actor_id == case["isro"].id
        assert event.subject == f"letter:{letter_id}"
        assert event.detail["shown"] == [f"submission:{poem_id}"]


def test_an_isro_not_on_sams_case_cannot_open_his_letter_editor(app, case, make):
    other = make.account(Role.ISRO)
    review_id, _letter_id = _recorded(app, case["sam"], case["isro"])
    client = app.test_client()
    sign_in(client, other)
    assert client.get(f"/reviews/{review_id}/letter").status_code == 404
    sam = app.test_client()
    sign_in(sam, "sam15")
    assert sam.get(f"/reviews/{review_id}/letter").status_code == 403


def test_a_carer_sharing_sams_letter_does_not_read_his_private_words(app, case, make):
    carer = make.account(Role.CARER)
    make.link(carer, case["sam"])
    poem_id = _poem(app, case["sam"], "Only for Priya: I miss my dad")
    review_id, letter_id = _recorded(app, case["sam"], case["isro"])
    with clock.fixed(AFTER):
        isro, page = _editor(app, case["isro"], review_id)
        assert _save(isro, review_id, page, {"said_1": f"submission:{poem_id}",
                                             "so_1": "You will see your dad",
                                             "shared_with_carer": "y"}).status_code == 302
        client = app.test_client()
        sign_in(client, carer)
        letter = client.get(f"/letters/{letter_id}")
    assert letter.status_code == 200 and "You will stay at Oak School" in letter.get_data(
        as_text=True)
    assert "I miss my dad" not in letter.get_data(as_text=True)
