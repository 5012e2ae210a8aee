"""My plan: Sam sees each action agreed at his review with its status, which his ISRO
keeps up to date; Sam can say "This hasn't happened", and his ISRO sees it."""
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal import clock, db
from portal.accounts.models import Child, Role
from portal.audit import AuditEvent
from portal.clock import LONDON
from portal.reviews import operations as reviews
from portal.reviews.models import Letter, PlanAction, PlanReport
from tests.helpers import csrf_token, post_form, signed_in_client

MEETING = date(2026, 11, 12)
LATER = datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)
ACTIONS = [{"who": "Ms Patel", "what": "Book swimming lessons", "by": "2026-12-01"},
           {"who": "Jo", "what": "Ask about a bike", "by": ""},
           {"who": "Sam", "what": "Pick a club", "by": "2026-12-20"}]


@pytest.fixture
def case(make):
    isro = make.account(Role.ISRO, name="Priya Shah")
    carer = make.account(Role.CARER)
    sam = make.child(14, isro=isro, username="sam14", name="Sam")
    make.link(carer, sam)
    alex = make.child(12, isro=isro, username="alex12", name="Alex")
    return {"isro": isro, "carer": carer, "sam": sam, "alex": alex}


def _published(app, child, isro, actions=ACTIONS, *, shared=False) -> int:
    """Sam's review held on MEETING; its letter with ``actions`` published. Letter id."""
    with app.app_context(), clock.fixed(datetime(2026, 11, 13, 9, tzinfo=LONDON)):
        child = db.session().get(Child, child.id)
        isro = db.session().merge(isro)
        review = reviews.add_review(child, MEETING)
        letter = reviews.record(review, isro, held_on=MEETING, child_attended=True,
                                attended="", code="PN1")
        reviews.save_letter(letter, isro, sections={"decided": "You stay at Oak School."},
                            actions=actions, shared_with_carer=shared,
                            lock_version=letter.lock_version)
        reviews.publish_letter(letter, isro, "en")
        db.session().commit()
        return letter.id


def _republish(app, letter_id, actions):
    with app.app_context(), clock.fixed(LATER):
        letter = db.session().get(Letter, letter_id)
        reviews.save_letter(letter, letter.child.isro, sections=letter.sections,
                            actions=actions, shared_with_carer=False,
                            lock_version=letter.lock_version)
        reviews.publish_letter(letter, letter.child.isro, "en")
        db.session().commit()


def _actions(app, letter_id) -> dict[str, PlanAction]:
    with app.app_context():
        return {a.what: a for a in db.session().scalars(
            select(PlanAction).where(PlanAction.letter_id == letter_id))}


def _set_statuses(client, child_id, statuses: dict[int, tuple[str, str]]):
    page = client.get(f"/children/{child_id}/plan").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page)}
    for action_id in re.findall(r'name="status_(\d+)"', page):
        status, note = statuses.get(int(action_id), ("todo", ""))
        data[f"status_{action_id}"], data[f"note_{action_id}"] = status, note
    return client.post(f"/children/{child_id}/plan", data=data)


def test_sam_sees_each_action_agreed_at_his_review_on_my_plan(app, case):
    _published(app, case["sam"], case["isro"])
    with clock.fixed(LATER):
        page = signed_in_client(app, "sam14").get("/my-plan").get_data(as_text=True)
    for action in ACTIONS:
        assert action["what"] in page and action["who"] in page
    assert "By 1 December 2026" in page
    assert page.count("Not done yet") == 3 and page.count("plan-todo.svg") == 3
    assert page.count("This hasn't happened") == 3


def test_a_status_sams_isro_sets_shows_on_sams_plan(app, case):
    letter_id = _published(app, case["sam"], case["isro"])
    actions = _actions(app, letter_id)
    with clock.fixed(LATER):
        isro = signed_in_client(app, case["isro"])
        response = _set_statuses(isro, case["sam"].id, {
            actions["Book swimming lessons"].id: ("late", "Ms Patel is chasing it"),
            actions["Ask about a bike"].id: ("done", ""),
            actions["Pick a club"].id: ("changed", "Sam will choose in January")})
        assert response.status_code == 302
        page = signed_in_client(app, "sam14").get("/my-plan").get_data(as_text=True)
    assert '<strong>Late</strong>: <bdi dir="auto">Ms Patel is chasing it</bdi>' in page
    assert "<strong>Done</strong>" in page and "plan-done.svg" in page
    assert '<strong>Changed</strong>: <bdi dir="auto">Sam will choose in January</bdi>' in page
    with app.app_context():
        changed = db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "plan.status_changed")).all()
    assert len(changed) == 3 and all(e.actor_id == case["isro"].id for e in changed)


def test_late_without_a_note_is_refused_with_a_clear_message(app, case):
    letter_id = _published(app, case["sam"], case["isro"])
    swimming = _actions(app, letter_id)["Book swimming lessons"]
    with clock.fixed(LATER):
        response = _set_statuses(signed_in_client(app, case["isro"]), case["sam"].id,
                                 {swimming.id: ("late", "  ")})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Error:" in html
    assert "Write a note for “Late” or “Changed”, so the child knows why" in html
    assert _actions(app, letter_id)["Book swimming lessons"].status == "todo"


def test_this_hasnt_happened_reaches_sams_isro_and_is_audited(app, case):
    letter_id = _published(app, case["sam"], case["isro"])
    bike = _actions(app, letter_id)["Ask about a bike"]
    with clock.fixed(LATER):
        sam = signed_in_client(app, "sam14")
        page = sam.get("/my-plan").get_data(as_text=True)
        assert f'href="/my-plan/{bike.id}/not-happened"' in page
        response = post_form(sam, f"/my-plan/{bike.id}/not-happened",
                             {"words": "Nobody has asked — لا أحد"})
        assert response.status_code == 302
        assert "You told your ISRO this hasn't happened" in sam.get("/my-plan").get_data(
            as_text=True)
        isro = signed_in_client(app, case["isro"])
        childs_page = isro.get(f"/children/{case['sam'].id}").get_data(as_text=True)
        plan_page = isro.get(f"/children/{case['sam'].id}/plan").get_data(as_text=True)
        new = isro.get("/new").get_data(as_text=True)
    assert "My plan: says this hasn't happened" in new and "Nobody has asked — لا أحد" in new
    assert "The child says 1 action hasn't happened." in childs_page
    assert "Nobody has asked — لا أحد" in childs_page
    assert "The child said this hasn't happened" in plan_page
    with app.app_context():
        event = db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "child.said_not_happened")).one()
        assert event.child_id == case["sam"].id and event.subject == f"plan_action:{bike.id}"
        assert db.session().scalars(select(PlanReport)).one().words == "Nobody has asked — لا أحد"
    # Once the ISRO changes the action's status, it is answered: no longer shown as new.
    with clock.fixed(datetime(2026, 11, 21, 10, tzinfo=LONDON)):
        isro = signed_in_client(app, case["isro"])
        _set_statuses(isro, case["sam"].id, {bike.id: ("late", "Jo is asking this week")})
        assert "hasn't happened." not in isro.get(f"/children/{case['sam'].id}").get_data(
            as_text=True)
        assert "says this hasn't happened" not in isro.get("/new").get_data(as_text=True)


def test_republishing_sams_letter_keeps_the_status_of_actions_still_there(app, case):
    letter_id = _published(app, case["sam"], case["isro"])
    before = _actions(app, letter_id)
    with clock.fixed(LATER):
        _set_statuses(signed_in_client(app, case["isro"]), case["sam"].id, {
            before["Book swimming lessons"].id: ("done", ""),
            before["Ask about a bike"].id: ("late", "Jo is on it")})
    # Swimming moves down the list (by another date), the bike is gone, a new one comes.
    _republish(app, letter_id, [
        {"who": "Sam", "what": "Pick a club", "by": "2026-12-20"},
        {"who": "Ms Patel", "what": "book swimming  lessons", "by": "2027-01-10"},
        {"who": "Priya", "what": "Visit Sam at home", "by": ""}])
    after = _actions(app, letter_id)
    assert after["book swimming  lessons"].status == "done"  # same words, new place
    assert after["book swimming  lessons"].position == 1
    assert after["Pick a club"].status == "todo" and after["Pick a club"].position == 0
    assert after["Visit Sam at home"].status == "todo"
    assert after["Ask about a bike"].position is None  # retired, kept
    with clock.fixed(LATER):
        page = signed_in_client(app, "sam14").get("/my-plan").get_data(as_text=True)
    assert "Ask about a bike" not in page and "Visit Sam at home" in page


def test_another_child_cannot_say_sams_action_hasnt_happened(app, case):
    letter_id = _published(app, case["sam"], case["isro"])
    bike = _actions(app, letter_id)["Ask about a bike"]
    with clock.fixed(LATER):
        alex = signed_in_client(app, "alex12")
        assert alex.get(f"/my-plan/{bike.id}/not-happened").status_code == 404
        token = csrf_token(alex.get("/my-plan").get_data(as_text=True))
        response = alex.post(f"/my-plan/{bike.id}/not-happened",
                             data={"csrf_token": token, "words": "x"})
        assert response.status_code == 404
        assert "Ask about a bike" not in alex.get("/my-plan").get_data(as_text=True)
    with app.app_context():
        assert db.session().scalars(select(PlanReport)).all() == []


def test_an_isro_not_on_sams_case_gets_404_and_a_carer_403(app, case, make):
    _published(app, case["sam"], case["isro"], shared=True)
    other = make.account(Role.ISRO)
    with clock.fixed(LATER):
        stranger = signed_in_client(app, other)
        assert stranger.get(f"/children/{case['sam'].id}/plan").status_code == 404
        carer = signed_in_client(app, case["carer"])
        # Even with the letter shared, the plan's notes stay between Sam and his ISRO.
        assert carer.get("/my-plan").status_code == 403
        assert carer.get(f"/children/{case['sam'].id}/plan").status_code == 403


def test_sams_home_page_and_my_letters_lead_to_my_plan(app, case):
    _published(app, case["sam"], case["isro"])
    with clock.fixed(LATER):
        sam = signed_in_client(app, "sam14")
        assert 'href="/my-plan"' in sam.get("/").get_data(as_text=True)
        assert 'href="/my-plan"' in sam.get("/my-letters").get_data(as_text=True)


def test_my_plan_says_so_before_sams_first_letter(app, case):
    with clock.fixed(LATER):
        page = signed_in_client(app, "sam14").get("/my-plan").get_data(as_text=True)
    assert "There is no plan yet" in page


def test_what_sam_said_about_his_plan_is_in_his_own_download(app, case):
    """A child can download everything they sent: "This hasn't happened" and their words
    too, exactly as typed."""
    import io
    import zipfile

    letter_id = _published(app, case["sam"], case["isro"])
    bike = _actions(app, letter_id)["Ask about a bike"]
    with clock.fixed(LATER):
        sam = signed_in_client(app, "sam14")
        post_form(sam, f"/my-plan/{bike.id}/not-happened",
                  {"words": "Nobody has asked <b>yet</b> — لا أحد"})
        archive = zipfile.ZipFile(io.BytesIO(sam.get("/my-things/my-say.zip").get_data()))
    index = archive.read("index.html").decode()
    assert "What I said about my plan" in index and "Ask about a bike" in index
    assert "Nobody has asked &lt;b&gt;yet&lt;/b&gt; — لا أحد" in index


def test_a_nine_year_old_is_thanked_in_plain_words_naming_priya(app, make, case):
    mia = make.child(9, isro=case["isro"], username="mia9", name="Mia")
    letter_id = _published(app, mia, case["isro"])
    bike = _actions(app, letter_id)["Ask about a bike"]
    with clock.fixed(LATER):
        client = signed_in_client(app, "mia9")
        asking = client.get(f"/my-plan/{bike.id}/not-happened").get_data(as_text=True)
        assert ">Tell Priya</button>" in asking
        assert "ISRO" not in asking.split("<main")[1].split("</main>")[0]
        post_form(client, f"/my-plan/{bike.id}/not-happened", {"words": ""})
        page = client.get("/my-plan").get_data(as_text=True)
    assert "Thank you for telling us. Priya will see it." in page
    assert "ISRO" not in page.split("<main")[1].split("</main>")[0]
