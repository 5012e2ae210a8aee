"""A council runs My Say with no shell: children added and changed on the web, carers and
advocates linked for a period (ending a link ends their access that day), and a child
who ceased to be looked after has their sign-in closed kindly."""
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock, db
from portal.accounts.models import Child, Role
from portal.audit import AuditEvent
from portal.clock import LONDON
from portal.reviews.models import Review
from tests.helpers import PASSWORD, post_form, sign_in

TUESDAY = datetime(2026, 11, 3, 10, 0, tzinfo=LONDON)


@pytest.fixture
def team(make):
    isro = make.account(Role.ISRO, name="Priya Shah")
    manager = make.account(Role.MANAGER, name="Grace Okafor")
    carer = make.account(Role.CARER, name="Jo Williams", username="jo.carer")
    return {"isro": isro, "manager": manager, "carer": carer}


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session().scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _new_child(client, isro_id="", **extra):
    return post_form(client, "/children/new", {
        "preferred_name": "Zara", "date_of_birth": "2015-03-02",
        "looked_after_since": "2026-10-01", "reference": "Z1", "language": "ar",
        "interpreter_language": "ar", "asylum_seeking": "y", "needs": ["interpreter"],
        "isro": isro_id, **extra})


def test_a_manager_adds_a_child_with_their_first_review_due(app, team, signed_in):
    with clock.fixed(TUESDAY):
        manager = signed_in(team["manager"])
        response = _new_child(manager, isro_id=str(team["isro"].id))
        assert response.status_code == 302
    with app.app_context():
        child = db.session().scalars(select(Child).where(Child.reference == "Z1")).one()
        assert (child.preferred_name, child.language, child.asylum_seeking, child.needs) == (
            "Zara", "ar", True, ["interpreter"])
        assert child.isro_id == team["isro"].id
        review = db.session().scalars(select(Review).where(Review.child_id == child.id)).one()
        # 20 working days after Thursday 1 October 2026
        assert review.due_on == date(2026, 10, 29) and review.kind == "first"
    assert "child.added" in _actions(app)


def test_an_isro_adds_a_child_to_their_own_caseload(app, team, signed_in):
    isro = signed_in(team["isro"])
    page = isro.get("/children/new").get_data(as_text=True)
    assert 'name="isro"' not in page  # no choosing: it is their own caseload
    assert _new_child(isro).status_code == 302
    with app.app_context():
        child = db.session().scalars(select(Child).where(Child.reference == "Z1")).one()
        assert child.isro_id == team["isro"].id


def test_bad_details_are_refused_and_what_was_typed_is_kept(app, team, signed_in, make):
    make.child(9, isro=team["isro"], reference="Z1")
    manager = signed_in(team["manager"])
    response = _new_child(manager, date_of_birth="2099-01-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error:" in page
    assert "cannot be in the future" in page and 'value="Zara"' in page
    taken = _new_child(manager).get_data(as_text=True)
    assert "Another child already has this reference" in taken


def test_changing_a_childs_details_is_audited_by_field_name_only(app, team, signed_in, make):
    child = make.child(12, isro=team["isro"], name="Sam", reference="S1")
    isro = signed_in(team["isro"])
    response = post_form(isro, f"/children/{child.id}/edit", {
        "preferred_name": "Sammy", "date_of_birth": child.date_of_birth.isoformat(),
        "looked_after_since": child.looked_after_since.isoformat(), "reference": "S1",
        "language": "en", "interpreter_language": ""})
    assert response.status_code == 302
    with app.app_context():
        event = db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "child.changed")).one()
        assert event.detail == {"fields": ["preferred_name"]}
        assert "Sammy" not in str(event.detail)


def test_ending_a_link_ends_the_carers_access_that_day(app, team, signed_in, make):
    child = make.child(9, isro=team["isro"], name="Mia")
    manager = signed_in(team["manager"])
    linked = post_form(manager, f"/children/{child.id}/links", {
        "person": str(team["carer"].id), "starts_on": date.today().isoformat()})
    assert linked.status_code == 302
    carer = app.test_client()
    assert sign_in(carer, "jo.carer").status_code == 302
    assert "Mia" in carer.get("/").get_data(as_text=True)
    assert carer.get(f"/children/{child.id}/observations").status_code in (200, 404)
    links = manager.get(f"/children/{child.id}/links").get_data(as_text=True)
    end = re.search(r'action="(/links/\d+/end)"', links).group(1)
    ended = post_form(manager, end, {"ends_on": date.today().isoformat()},
                      page=f"/children/{child.id}/links")
    assert ended.status_code == 302
    assert "Mia" not in carer.get("/").get_data(as_text=True)
    assert carer.get(f"/messages/about/{child.id}").status_code == 404
    actions = _actions(app)
    assert "link.added" in actions and "link.ended" in actions


def test_a_link_can_start_later_and_end_on_a_set_day(app, team, signed_in, make):
    child = make.child(9, isro=team["isro"], name="Mia")
    manager = signed_in(team["manager"])
    start = date.today() + timedelta(days=7)
    post_form(manager, f"/children/{child.id}/links", {
        "person": str(team["carer"].id), "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=30)).isoformat()})
    carer = app.test_client()
    sign_in(carer, "jo.carer")
    assert "Mia" not in carer.get("/").get_data(as_text=True)  # not yet
    refused = post_form(manager, f"/children/{child.id}/links", {
        "person": str(team["carer"].id), "starts_on": start.isoformat(),
        "ends_on": (start - timedelta(days=1)).isoformat()})
    assert "must be on or after the start date" in refused.get_data(as_text=True)


def test_a_child_who_ceased_to_be_looked_after_is_told_kindly_where_to_go(
        app, team, signed_in, make, monkeypatch):
    from dataclasses import replace

    monkeypatch.setitem(app.config, "PORTAL", replace(
        app.config["PORTAL"], leaving_care_contact="Leaving care team: 01234 111 222"))
    child = make.child(17, isro=team["isro"], name="Amir", username="amir17")
    make.link(team["carer"], child)
    kid = app.test_client()
    assert sign_in(kid, "amir17").status_code == 302
    isro = signed_in(team["isro"])
    assert post_form(isro, f"/children/{child.id}/cease", {
        "ceased_on": date.today().isoformat(), "reason": "E5"}).status_code == 302
    assert kid.get("/").status_code == 302  # the open session ended
    closed = post_form(app.test_client(), "/sign-in", {"username": "amir17",
                                                       "password": PASSWORD})
    page = closed.get_data(as_text=True)
    assert closed.status_code == 200 and "Your My Say has closed" in page
    assert "01234 111 222" in page and "You have not done anything wrong" in page
    wrong = post_form(app.test_client(), "/sign-in", {"username": "amir17",
                                                      "password": "not it at all"})
    assert "Your My Say has closed" not in wrong.get_data(as_text=True)  # nothing leaks
    with app.app_context():
        found = db.session().get(Child, child.id)
        assert (found.ceased_on, found.ceased_reason) == (date.today(), "E5")
        assert db.session().scalars(select(Review).where(
            Review.child_id == child.id, Review.held_on.is_(None))).all() == []
    carer = app.test_client()
    sign_in(carer, team["carer"].username)
    assert "Amir" not in carer.get("/").get_data(as_text=True)
    caseload = isro.get("/caseload").get_data(as_text=True)
    assert "Amir" not in caseload  # left care: not on the working caseload
    post_form(isro, "/caseload/filter", {"status": "left-care"}, page="/caseload")
    assert "Amir" in isro.get("/caseload").get_data(as_text=True)
    assert isro.get(f"/children/{child.id}").status_code == 200  # the record is kept
    assert "child.ceased" in _actions(app)
