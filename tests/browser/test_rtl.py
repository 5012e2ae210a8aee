"""Arabic pages are right to left, and the masthead is mirrored."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WIDTH = 375
EDGE = 24  # the masthead's side padding is 16 px


def _boxes(page) -> tuple[dict, dict, dict]:
    return (page.locator(".masthead .brand").bounding_box(),
            page.locator(".masthead .help-link").bounding_box(),
            page.locator(".masthead .masthead-nav").bounding_box())


def _masthead_is_mirrored(page, where: str) -> None:
    assert page.get_attribute("html", "dir") == "rtl", f"{where}: not right to left"
    assert page.get_attribute("html", "lang").split("-")[0] == "ar", f"{where}: not Arabic"
    brand, help_link, nav = _boxes(page)
    middle = WIDTH / 2
    # The brand sits on the right half, against the right edge ...
    assert brand["x"] >= middle, f"{where}: the brand {brand} is not on the right half"
    assert brand["x"] + brand["width"] >= WIDTH - EDGE, f"{where}: brand not at the right edge"
    # ... and "Get help" on the left of it, starting in the left half, in the navigation
    # that sits against the left edge. (The Arabic "Get help" is about 180 px wide, so at
    # 375 px it reaches past the middle; its start and its side of the brand are what mirror.)
    assert help_link["x"] < middle, f"{where}: 'Get help' {help_link} is not on the left half"
    assert help_link["x"] + help_link["width"] <= brand["x"], f"{where}: help not left of brand"
    assert nav["x"] <= EDGE, f"{where}: the navigation {nav} is not against the left edge"


def test_english_masthead_runs_left_to_right(portal):
    page = portal.new_page(width=WIDTH, lang="en")
    portal.open(page, "/sign-in")
    assert page.get_attribute("html", "dir") == "ltr"
    brand, help_link, nav = _boxes(page)
    assert brand["x"] <= EDGE and help_link["x"] >= brand["x"] + brand["width"]
    assert help_link["x"] + help_link["width"] / 2 > WIDTH / 2


def test_arabic_sign_in_page_is_mirrored(portal):
    page = portal.new_page(width=WIDTH, lang="ar")
    portal.open(page, "/sign-in")
    _masthead_is_mirrored(page, "/sign-in")
    # Text starts on the right: the heading ends at the page's right padding.
    heading = page.locator("main h1").bounding_box()
    assert heading["x"] + heading["width"] >= WIDTH - EDGE


def test_arabic_readers_own_setting_mirrors_their_pages(portal):
    # teen.ar.demo reads Arabic: their own setting wins over an English browser.
    page = portal.new_page(width=WIDTH, lang="en")
    portal.sign_in(page, "teen.ar.demo")
    for path in ("/", "/help", "/settings"):
        portal.open(page, path)
        _masthead_is_mirrored(page, f"{path} as teen.ar.demo")
