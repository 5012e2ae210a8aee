"""The journeys the issues name, in a real browser on a 375 px phone: a child's form (JS
on and off, English and Arabic), a message with a drawing and its reply, a letter."""
from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from PIL import Image

from tests.browser.support import use_language

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("username", "lang", "javascript"), [
    ("young.demo", "en", True), ("young.demo", "ar", False),
    ("teen.ar.demo", "ar", True), ("teen.ar.demo", "en", False),
])
def test_a_child_fills_in_saves_resumes_and_sends_their_form(portal, username, lang,
                                                              javascript):
    page = portal.new_page(width=375, lang=lang, java_script_enabled=javascript)
    portal.sign_in(page, username)
    use_language(portal, page, lang)
    portal.open(page, "/my-say")
    with page.expect_navigation():
        page.click('main form[action="/my-say/form/start"] button[type="submit"]')
    first = urlsplit(page.url).path
    page.locator("main input[type=radio]").first.check()
    with page.expect_navigation():
        page.click('main button[value="next"]')
    assert urlsplit(page.url).path != first
    # Stop half-way: sign out, sign in again, and carry on where we left off.
    with page.expect_navigation():
        page.click("footer form[data-sign-out] button")
    portal.sign_in(page, username)
    portal.open(page, "/my-say")
    with page.expect_navigation():
        page.click('main form[action="/my-say/form/start"] button[type="submit"]')
    assert urlsplit(page.url).path not in (first, "/my-say")
    portal.open(page, "/my-say/form/check")
    with page.expect_navigation():
        page.click('main form[action="/my-say/form/send"] button')
    assert urlsplit(page.url).path.startswith("/my-say/sent/")
    assert page.locator(".confirmation").count() == 1


def _drawing() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (250, 200, 40)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_message_with_a_drawing_is_answered_and_the_unread_count_clears(portal, lang):
    child = portal.new_page(width=375, lang=lang)
    portal.sign_in(child, "child.demo")
    use_language(portal, child, lang)
    portal.open(child, "/messages")
    child.fill("#body", "Here is my drawing")
    child.set_input_files("#attachment", files=[{"name": "me.png", "mimeType": "image/png",
                                                 "buffer": _drawing()}])
    with child.expect_navigation():
        child.click("main form button[type=submit]")
    isro = portal.new_page(width=375, lang=lang)
    portal.sign_in(isro, "isro.demo")
    portal.open(isro, "/inbox")
    with isro.expect_navigation():
        # Sam's conversation (a flagged one, Amir's in the demo, is listed first).
        isro.locator("main tr", has_text="Sam").locator("a[href^='/conversations/']").click()
    assert isro.locator("main .message img").count() == 1
    isro.fill("#body", "Thank you, I love it")
    with isro.expect_navigation():
        isro.click("main form button[type=submit]")
    portal.open(child, "/")
    assert child.locator("main .tag-yellow").count() >= 1  # the new reply
    portal.open(child, "/messages")
    assert "Thank you, I love it" in child.locator("main").inner_text()
    portal.open(child, "/")
    assert child.locator("main a[href='/messages'] .tag").count() == 0


def test_the_arabic_letter_opens_as_a_pdf(portal):
    page = portal.new_page(width=375, lang="ar")
    portal.sign_in(page, "teen.ar.demo")
    portal.open(page, "/my-letters")
    with page.expect_navigation():
        page.locator("main a[href^='/letters/']").first.click()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    href = page.locator("main a[href$='letter.pdf']").get_attribute("href")
    response = page.context.request.get(portal.url(href))
    assert response.status == 200 and response.body().startswith(b"%PDF")


def test_answers_typed_offline_are_kept_and_sent_when_the_connection_returns(portal):
    page = portal.new_page(width=375)
    portal.sign_in(page, "child.demo")
    portal.open(page, "/my-say")
    with page.expect_navigation():
        page.click('main form[action="/my-say/form/start"] button[type="submit"]')
    portal.open(page, "/my-say/form/worries")
    page.context.set_offline(True)
    page.fill("textarea", "Typed on the bus with no signal")
    page.click('main button[value="next"]')
    assert page.locator("[data-offline-note]").is_visible()
    assert urlsplit(page.url).path == "/my-say/form/worries"
    with page.expect_navigation():
        page.context.set_offline(False)
    assert urlsplit(page.url).path != "/my-say/form/worries"
    portal.open(page, "/my-say/form/check")
    assert "Typed on the bus with no signal" in page.locator("main").inner_text()
