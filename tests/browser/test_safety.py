"""In Chromium: a child presses "I don't feel safe" (by keyboard, with and without
JavaScript), and the ISRO's Safety page; axe-clean and reflowing at 320 px, in English
and Arabic."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.support import LANGUAGES, AxeCheck, assert_reflows, use_language

pytestmark = pytest.mark.browser

UNSAFE_BUTTON = ".quick-exit-bar form[action='/safe'] button"


@pytest.mark.parametrize("javascript", [True, False])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_child_presses_i_dont_feel_safe_by_keyboard(portal, lang, javascript):
    page = portal.new_page(width=320, lang=lang, java_script_enabled=javascript)
    axe = AxeCheck(f"I don't feel safe, {lang}, 320 px, JS {'on' if javascript else 'off'}")
    portal.sign_in(page, "child.demo")
    use_language(portal, page, lang)
    button = page.locator(UNSAFE_BUTTON)
    assert button.inner_text() == portal.translate("I don't feel safe", lang)
    assert_reflows(page, "home with the button")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/safe/told"
    assert_reflows(page, "/safe/told")
    if javascript:  # axe-core is a script itself: it cannot run with JavaScript off
        axe.run(page, "/safe/told")
    text = page.locator("main").inner_text()
    assert "999" in text and "0800 1111" in text
    page.fill("#body", "the man in the old house took my passport")
    with page.expect_navigation():
        page.click("main form button[type='submit']")
    assert portal.translate("Thank you for telling us more. It is sent.", lang) in (
        page.locator("main").inner_text())
    if javascript:
        axe.finish()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_safety_page_is_axe_clean_and_a_flag_can_be_acknowledged(portal, lang):
    child = portal.new_page(width=320, lang=lang)
    portal.sign_in(child, "child.demo")
    with child.expect_navigation():
        child.click(UNSAFE_BUTTON)

    page = portal.new_page(width=320, lang=lang)
    axe = AxeCheck(f"Safety page, {lang}, 320 px")
    portal.sign_in(page, "isro.demo")
    use_language(portal, page, lang)
    portal.open(page, "/safety")
    assert page.locator(".flag-card").count() >= 2  # Sam's, and Amir's from the demo
    assert_reflows(page, "/safety")
    axe.run(page, "/safety")
    acknowledge = page.locator("form[action$='/acknowledge'] button").first
    with page.expect_navigation():
        acknowledge.click()
    assert_reflows(page, "/safety (acknowledged)")
    axe.run(page, "/safety (acknowledged)")
    assert page.locator("form[action$='/acknowledge']").count() == (
        page.locator(".flag-card").count() - 1)
    axe.finish()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_manager_tests_a_phrase_on_the_safety_words_page(portal, lang):
    page = portal.new_page(width=320, lang=lang)
    axe = AxeCheck(f"Safety words, {lang}, 320 px")
    portal.sign_in(page, "manager.demo")
    use_language(portal, page, lang)
    portal.open(page, "/safety/words")
    axe.run(page, "/safety/words")
    page.fill("#phrase", "ma dad hits me")
    with page.expect_navigation():
        page.click("main form button[type='submit']")
    assert page.locator("[role=status] li").count() >= 1
    assert_reflows(page, "/safety/words (tested)")
    axe.run(page, "/safety/words (tested)")
    axe.finish()
