"""The loop closed, in a real browser on a 375 px phone (issue 16's journeys): Sam plans
his review and his ISRO sees it when booking; the ISRO opens Sam's poem and Sam's My
things then says who read it and when; after his review Sam answers "How was my review?"
and the annual report counts it."""
from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.browser


def _sam_id(portal) -> int:
    from portal.accounts.operations import find_account

    with portal.app.app_context():
        return find_account("child.demo").child.id


@pytest.mark.parametrize("javascript", [True, False])
def test_sam_plans_his_review_and_the_isro_sees_it_when_booking(portal, javascript):
    sam = portal.new_page(width=375, java_script_enabled=javascript)
    portal.sign_in(sam, "child.demo")
    portal.open(sam, "/my-say/plan-my-review")
    sam.check("main input[name=place][value=not_in_school]")
    sam.fill("main textarea[name=who_comes]", "My nan and my carer Jo")
    sam.check("main input[name=red_card][value=yes]")
    with sam.expect_navigation():
        sam.click('main form button[type="submit"]')
    assert "Saved" in sam.locator("main").inner_text()
    isro = portal.new_page(width=375, java_script_enabled=javascript)
    portal.sign_in(isro, "isro.demo")
    portal.open(isro, f"/children/{_sam_id(portal)}/schedule-review")
    # Expected: the booking form's empty fields are filled from Sam's plan, and the plan
    # is shown.
    assert isro.input_value("main [name=invited]") == "My nan and my carer Jo"
    shown = isro.locator("main").inner_text()
    # The place already booked is kept; Sam's wish is shown beside it.
    assert "Not in school" in shown and "red card" in shown.lower()


@pytest.mark.parametrize("javascript", [True, False])
def test_sams_my_things_says_who_read_his_poem_once_the_isro_has_opened_it(portal, javascript):
    sam = portal.new_page(width=375, java_script_enabled=javascript)
    portal.sign_in(sam, "child.demo")
    portal.open(sam, "/my-say/poem")
    sam.fill("main textarea[name=text]", "The sea is loud at night")
    sam.fill("main input[name=title]", "Night sea")
    with sam.expect_navigation():
        sam.click('main form button[type="submit"]')
    portal.open(sam, "/my-things")
    poem = sam.locator("main li", has_text="Night sea")
    assert "Nobody has read it yet" in poem.inner_text()
    isro = portal.new_page(width=375)
    portal.sign_in(isro, "isro.demo")
    portal.open(isro, f"/children/{_sam_id(portal)}")
    with isro.expect_navigation():
        isro.click("main a:has-text('Night sea')")
    assert "The sea is loud at night" in isro.locator("main").inner_text()
    portal.open(sam, "/my-things")
    said = sam.locator("main li", has_text="Night sea").inner_text()
    # Expected: "Priya Shah read this on <weekday> <day> <month>", set by her opening it.
    assert "Priya Shah read this on" in said and "Nobody has read it yet" not in said


@pytest.mark.parametrize("javascript", [True, False])
def test_sam_answers_how_was_my_review_and_the_annual_report_counts_it(portal, javascript):
    from portal import clock, db
    from portal.accounts.models import Child
    from portal.reviews import operations as reviews

    sam_id = _sam_id(portal)
    held = clock.today() - timedelta(days=2)
    with portal.app.app_context():
        child = db.session().get(Child, sam_id)
        review = reviews.add_review(child, held)
        reviews.record(review, child.isro, held_on=held, child_attended=True, attended="",
                       code="PN1")
        db.session().commit()
    sam = portal.new_page(width=375, java_script_enabled=javascript)
    portal.sign_in(sam, "child.demo")
    with sam.expect_navigation():
        sam.click("main a[href='/how-was-my-review']")
    sam.check("main input[name=listened][value=great]")
    sam.check("main input[name=understood][value=ok]")
    with sam.expect_navigation():
        sam.click('main form button[value="send"]')
    manager = portal.new_page(width=1280)
    portal.sign_in(manager, "manager.demo")
    start, end = held - timedelta(days=30), clock.today()
    portal.open(manager, f"/reports/annual?from={start}&to={end}&small=shown")
    row = manager.locator("tr", has=manager.locator("th", has_text="Was I listened to?"))
    # Great, OK, Not good, Did not want to say, children who answered.
    assert row.locator("td").all_inner_texts() == ["1", "0", "0", "0", "1"]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_decision_linked_to_sams_poem_appears_as_you_told_us_in_his_letter(portal,
                                                                             javascript):
    from portal import clock, db
    from portal.accounts.models import Child
    from portal.reviews import operations as reviews

    sam = portal.new_page(width=375, java_script_enabled=javascript)
    portal.sign_in(sam, "child.demo")
    portal.open(sam, "/my-say/poem")
    sam.fill("main textarea[name=text]", "I want to stay at Oak School with my friends")
    with sam.expect_navigation():
        sam.click('main form button[type="submit"]')
    held = clock.today()
    with portal.app.app_context():
        child = db.session().get(Child, _sam_id(portal))
        review = reviews.add_review(child, held)
        reviews.record(review, child.isro, held_on=held, child_attended=True, attended="",
                       code="PN1")
        db.session().commit()
        review_id = review.id
    isro = portal.new_page(width=1280, java_script_enabled=javascript)
    portal.sign_in(isro, "isro.demo")
    portal.open(isro, f"/reviews/{review_id}/letter")
    choice = isro.locator("main select[name=said_1] option", has_text="Oak School").first
    isro.select_option("main select[name=said_1]", value=choice.get_attribute("value"))
    isro.fill("main [name=so_1]", "You will stay at Oak School until the summer")
    isro.fill("main textarea[name=told_me]", "You told us about school.")
    with isro.expect_navigation():
        isro.click('main button[value="publish"]')
    assert not isro.locator(".error-summary").count(), isro.locator("main").inner_text()[:800]
    portal.open(sam, "/my-letters")
    with sam.expect_navigation():
        sam.locator("main a[href^='/letters/']").first.click()
    letter = sam.locator("main").inner_text()
    assert "You told us:" in letter
    assert "I want to stay at Oak School with my friends" in letter
    assert "So: You will stay at Oak School until the summer" in letter
