"""In headless Chromium, which has no voices: a child's page is read aloud by the server's
voice (espeak-ng) in Arabic and Vietnamese, Stop stops it, and in Pashto the child is told
there is no voice for their language yet."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import AxeCheck

pytestmark = pytest.mark.browser

START = "[data-read-aloud] [data-read-start]"
STOP = "[data-read-aloud] [data-read-stop]"
NONE = "[data-read-aloud] [data-read-none]"
PLAYER = "audio[data-say-audio]"
# True once the player has played to the end (waits for its "ended" event, if need be).
ENDS = """a => a.ended || new Promise(resolve =>
  a.addEventListener("ended", () => resolve(true), {once: true}))"""
# The player's time once it has moved on (waits for a "timeupdate" event, if need be).
MOVES_ON = """a => a.currentTime > 0 ? a.currentTime : new Promise(resolve =>
  a.addEventListener("timeupdate", () => resolve(a.currentTime), {once: true}))"""


def _reads_in(portal, language: str) -> None:
    """child.demo reads the portal in ``language`` (their own setting)."""
    from portal import db
    from portal.accounts.operations import find_account

    with portal.app.app_context():
        find_account("child.demo").language = language
        db.session().commit()


def _signed_in_child(portal, language: str):
    _reads_in(portal, language)
    page = portal.new_page()
    portal.sign_in(page, "child.demo")
    assert page.get_attribute("html", "lang").split("-")[0] == language
    return page


@pytest.mark.parametrize("language", ["ar", "vi"])
def test_child_hears_their_page_in_the_servers_voice_when_the_browser_has_none(portal,
                                                                               language):
    page = _signed_in_child(portal, language)
    assert page.evaluate("speechSynthesis.getVoices().length") == 0, "Chromium has voices now"
    with page.expect_response(lambda r: r.url.endswith("/say") and r.request.method == "POST") \
            as made:
        page.click(START)
    assert made.value.status == 200, made.value.text()
    assert made.value.headers["content-type"] == "audio/mpeg"
    player = page.locator(PLAYER)
    player.wait_for(state="attached")
    # All of the server's audio has arrived (HAVE_ENOUGH_DATA), and it plays.
    expect(player).to_have_js_property("readyState", 4)
    expect(player).to_have_js_property("paused", False)
    assert player.evaluate("a => a.currentSrc").startswith("blob:")  # the server's answer
    # Time passes in the recording, and Stop is offered instead of Read aloud.
    assert player.evaluate(MOVES_ON) > 0
    assert page.locator(STOP).is_visible() and page.locator(START).is_hidden()
    assert page.locator(NONE).is_hidden()
    page.click(STOP)
    assert player.evaluate("a => a.paused")
    assert page.locator(START).is_visible() and page.locator(STOP).is_hidden()


def test_child_reading_pashto_is_told_there_is_no_voice_yet(portal):
    page = _signed_in_child(portal, "ps")
    page.click(START)
    message = page.locator(NONE)
    assert message.is_visible()
    assert message.inner_text() == portal.translate("There is no voice for this language yet.",
                                                    "ps")
    assert page.locator(START).is_visible(), "Read aloud is offered again, not stuck on Stop"
    assert page.locator(PLAYER).count() == 0


CHILD_PAGES = ["/", "/my-say", "/my-things", "/messages", "/my-letters", "/help", "/settings",
               "/my-say/poem", "/my-say/voice"]
STAFF_PAGES = ["/caseload", "/safety", "/help"]


def _server_accepts_the_pages_words(portal, page, path: str) -> None:
    portal.open(page, path)
    with page.expect_response(lambda r: r.url.endswith("/say") and r.request.method == "POST") \
            as made:
        page.click(START)
    # 200: the words the page's script took are exactly the words the server signed.
    assert made.value.status == 200, f"{path}: {made.value.status} {made.value.text()}"
    page.click(STOP)


def test_every_childs_page_sends_the_words_the_server_signed(portal):
    page = _signed_in_child(portal, "en")
    for path in CHILD_PAGES:
        _server_accepts_the_pages_words(portal, page, path)


def test_an_isros_pages_are_read_without_the_words_people_typed(portal):
    page = portal.new_page()
    portal.sign_in(page, "isro.demo")
    for path in STAFF_PAGES:
        _server_accepts_the_pages_words(portal, page, path)


@pytest.mark.parametrize("language", ["vi", "ar"])
def test_child_in_express_mode_hears_one_answer_and_stops_it(portal, language):
    """The say buttons beside the question and each tile (templates/macros/say.html)."""
    from portal import db
    from portal.accounts.operations import find_account

    with portal.app.app_context():
        account = find_account("child.demo")
        account.language = language
        account.settings = {**(account.settings or {}), "express": True}
        db.session().commit()
    page = portal.new_page()
    portal.sign_in(page, "child.demo")
    portal.open(page, "/my-say")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    buttons = page.locator("button.say[data-say]")
    assert buttons.count() >= 2, f"no say buttons on {page.url}"
    question = page.locator("button.say[data-say='question-text']").first
    box = question.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    axe = AxeCheck(f"Express mode say buttons, {language}")
    axe.run(page, "a question with its read-aloud buttons")
    axe.finish()
    answer = page.locator("button.say[data-say^='answer-']").first
    with page.expect_response(lambda r: r.url.endswith("/say") and r.request.method == "POST") \
            as made:
        answer.click()
    assert made.value.status == 200, made.value.text()
    player = page.locator(PLAYER)
    player.wait_for(state="attached")
    expect(player).to_have_js_property("readyState", 4)
    # The answer is read to its end, and the button is ready to read it again.
    assert player.evaluate(ENDS) is True
    expect(answer).to_have_attribute("aria-pressed", "false")
    # Pressed, then pressed again at once: it stops (and plays nothing after).
    question.click()
    question.click()
    expect(question).to_have_attribute("aria-pressed", "false")
    assert player.evaluate("a => a.paused")
