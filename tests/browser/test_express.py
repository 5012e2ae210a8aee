"""Express mode in a real browser (issue 16, item 2): Mia, 7, answers her whole form
with the keyboard alone, only Tab and Enter (as a single switch gives), with JavaScript
on and off: every face and symbol tile is a button, several people are chosen one tile
at a time, words are typed, and the form is sent."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.support import set_express

pytestmark = pytest.mark.browser
MAX_TABS = 80


def _express(portal, username: str, on: bool) -> None:
    set_express(portal, username, on)


def _tab_to(page, selector: str) -> None:
    """Press Tab until the focused element matches ``selector`` (no mouse, no clicks)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def _enter(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("javascript", [True, False])
def test_mia_completes_her_form_in_express_mode_with_tab_and_enter_only(portal, javascript):
    _express(portal, "young.demo", True)
    page = portal.new_page(width=375, java_script_enabled=javascript)
    portal.sign_in(page, "young.demo")
    portal.open(page, "/my-say")
    _tab_to(page, 'main form[action="/my-say/form/start"] button[type="submit"]')
    _enter(page)
    seen = []
    for _ in range(30):
        path = urlsplit(page.url).path
        if path == "/my-say/form/check":
            break
        assert path.startswith("/my-say/form/") and path not in seen[-1:], (path, seen)
        seen.append(path)
        if page.locator("main textarea").count():
            _tab_to(page, "main textarea")
            page.keyboard.type("I like my cat")
            _tab_to(page, 'main button[value="next"]')
            _enter(page)
        elif page.locator('main button[name="toggle"]').count():
            _tab_to(page, 'main button[name="toggle"]')  # the first tile: "My carer"
            _enter(page)
            assert page.locator('main button[name="toggle"][aria-pressed="true"]').count() == 1
            _tab_to(page, 'main button[value="next"]')
            _enter(page)
        else:
            _tab_to(page, 'main button.express-choice[name="answer"]')
            _enter(page)
    else:
        raise AssertionError(f"never reached the check page: {seen}")
    # Every question of Mia's form was asked once, in Express mode.
    assert len(seen) == len(set(seen)) == 12, seen
    assert page.locator("main .answer-face").count() == 5  # her five faces, drawn
    _tab_to(page, 'main form[action="/my-say/form/send"] button')
    _enter(page)
    assert urlsplit(page.url).path.startswith("/my-say/sent/")
    assert page.locator(".confirmation").count() == 1


def test_read_aloud_buttons_appear_beside_each_tile_only_with_javascript(portal):
    _express(portal, "young.demo", True)
    for javascript, visible in ((True, 5), (False, 0)):
        page = portal.new_page(width=375, java_script_enabled=javascript)
        portal.sign_in(page, "young.demo")
        portal.open(page, "/my-say")
        with page.expect_navigation():
            page.click('main form[action="/my-say/form/start"] button[type="submit"]')
        assert page.locator("main button.say:visible").count() == visible
