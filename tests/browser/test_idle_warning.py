"""WCAG 2.2.1: before an idle session ends, the person is warned and can extend it."""
from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.support import AxeCheck

pytestmark = pytest.mark.browser


def test_idle_warning_offers_to_stay_signed_in(portal):
    page = portal.new_page(width=375)
    page.clock.install()  # the page's timers now run on a clock the test moves
    home = portal.sign_in(page, "child.demo")
    dialog = page.locator("dialog#idle-warning")
    expect(dialog).to_have_count(1)
    expect(dialog).to_be_hidden()
    deadline = int(dialog.get_attribute("data-idle-deadline"))
    warning = int(dialog.get_attribute("data-idle-warning"))
    assert warning == 120, "the warning comes 2 minutes before the idle time-out"
    now = page.evaluate("Date.now()") / 1000
    assert 29 * 60 < deadline - now <= 30 * 60, "the idle time-out is 30 minutes"

    # A minute before the warning is due: nothing yet. The clock stays paused from here,
    # so only the moves below make time pass in the page.
    page.clock.pause_at(datetime.fromtimestamp(deadline - warning - 60, UTC))
    expect(dialog).to_be_hidden()

    page.clock.run_for("01:01")
    expect(dialog).to_be_visible()
    assert dialog.evaluate("d => d.open && d.matches(':modal')"), "the warning is not modal"
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_visible()
    expect(stay).to_be_focused()  # showModal() puts focus on the first control

    # axe-core waits on timers, so let time flow while it checks the open warning.
    page.clock.resume()
    axe = AxeCheck("idle warning open")
    axe.run(page, "/ with the idle warning open")
    axe.finish()
    page.clock.pause_at(datetime.fromtimestamp(page.evaluate("Date.now()") / 1000 + 1, UTC))
    expect(dialog).to_be_visible()
    stay.focus()
    expect(stay).to_be_focused()

    with page.expect_response("**/session/keep-alive") as answer:
        page.keyboard.press("Enter")
    assert answer.value.ok
    assert int(answer.value.json()["deadline"]) >= deadline, "the session was not extended"
    expect(dialog).to_be_hidden()
    assert urlsplit(page.url).path == home, "the page was reloaded"

    portal.open(page, "/")
    assert not urlsplit(page.url).path.startswith("/sign-in"), "signed out after staying"
    assert page.locator("h1").inner_text() == "Hello, Sam"
