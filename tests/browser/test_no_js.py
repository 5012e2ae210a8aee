"""Every journey works with JavaScript switched off."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_a_child_signs_in_and_changes_text_size_without_javascript(portal):
    page = portal.new_page(width=375, java_script_enabled=False)
    portal.open(page, "/sign-in")
    # The script would show the "Read aloud" controls: without it they stay hidden.
    assert page.locator("[data-read-aloud]").count() == 1
    assert page.locator("[data-read-aloud]").is_hidden(), "JavaScript ran"

    portal.sign_in(page, "child.demo")
    assert page.locator("h1").inner_text() == "Hello, Sam"

    portal.open(page, "/settings")
    root_size = page.evaluate("getComputedStyle(document.documentElement).fontSize")
    assert root_size == "16px"
    page.get_by_label("Large", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    assert urlsplit(page.url).path == "/settings"
    assert "Your settings are saved." in page.locator(".notice").inner_text()
    assert "text-large" in page.get_attribute("html", "class").split()
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "19px"
    assert page.get_by_label("Large", exact=True).is_checked()

    # The choice stays with the child: their home page is in large text too.
    portal.open(page, "/")
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "19px"
