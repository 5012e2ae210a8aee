"""axe-core (WCAG 2.2 AA, target-size on) on every page each person can reach.

One test per (who, language, width) visits all that person's pages in one browser
context, so a run reports every page's violations at once and stays quick.
"""
from __future__ import annotations

import pytest

from tests.browser.support import (
    GROUPS,
    LANGUAGES,
    ROLES,
    SETTINGS_SAVE,
    AxeCheck,
    use_language,
    walk,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("group", GROUPS)
def test_every_page_is_axe_clean(portal, group, lang, width):
    page = portal.new_page(width=width, lang=lang)
    axe = AxeCheck(f"{group}, {lang}, {width} px")
    for label in walk(portal, page, group, lang):
        axe.run(page, label)
    axe.finish()


@pytest.mark.parametrize("group", GROUPS)
def test_every_page_is_axe_clean_in_tigrinya_at_320(portal, group):
    """An Ethiopic-script language too: longer words, another font."""
    page = portal.new_page(width=320, lang="ti")
    axe = AxeCheck(f"{group}, ti, 320 px")
    for label in walk(portal, page, group, "ti"):
        axe.run(page, label)
    axe.finish()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_pages_are_axe_clean_on_a_wide_screen(portal, lang):
    axe = AxeCheck(f"home pages, {lang}, 1280 px")
    page = portal.new_page(width=1280, lang=lang)
    portal.open(page, "/sign-in")
    axe.run(page, "/sign-in")
    for username in ROLES:
        page = portal.new_page(width=1280, lang=lang)
        portal.sign_in(page, username)
        use_language(portal, page, lang)
        axe.run(page, f"/ as {username}")
    axe.finish()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dark_mode_is_axe_clean(portal, lang):
    page = portal.new_page(width=375, lang=lang, color_scheme="dark")
    axe = AxeCheck(f"dark mode, {lang}")
    portal.open(page, "/sign-in")
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert _background(page) != "rgb(255, 255, 255)", "the device's dark mode is not honoured"
    axe.run(page, "/sign-in")
    portal.sign_in(page, "child.demo")
    use_language(portal, page, lang)
    assert _background(page) != "rgb(255, 255, 255)"
    axe.run(page, "/ as child.demo")
    axe.finish()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_high_contrast_is_axe_clean(portal, lang):
    page = portal.new_page(width=375, lang=lang)
    axe = AxeCheck(f"high contrast, {lang}")
    portal.open(page, "/settings")
    page.check('input[name="contrast"][value="high"]')
    with page.expect_navigation():
        page.click(SETTINGS_SAVE)
    assert "contrast-high" in page.get_attribute("html", "class")
    axe.run(page, "/settings (saved)")
    portal.open(page, "/sign-in")
    assert "contrast-high" in page.get_attribute("html", "class")
    assert _background(page) == "rgb(0, 0, 0)"
    axe.run(page, "/sign-in")
    portal.sign_in(page, "child.demo")
    use_language(portal, page, lang)
    assert "contrast-high" in page.get_attribute("html", "class"), "the setting was lost at sign-in"
    axe.run(page, "/ as child.demo")
    axe.finish()


def _background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")
