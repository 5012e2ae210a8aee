"""WCAG 1.4.10 reflow at 320 CSS px, and 1.4.12 text spacing."""
from __future__ import annotations

import pytest

from tests.browser.support import (
    GROUPS,
    LANGUAGES,
    TEXT_SPACING_CSS,
    assert_reflows,
    clipped_text,
    use_language,
    walk,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("group", GROUPS)
def test_every_page_reflows_at_320_px(portal, group, lang):
    page = portal.new_page(width=320, lang=lang)
    seen = 0
    for label in walk(portal, page, group, lang):
        assert page.evaluate("window.innerWidth") == 320
        assert_reflows(page, label)
        seen += 1
    assert seen


def _space_out_text(page) -> None:
    # The page's CSP allows only same-origin style sheets, so add the rule through the CSSOM.
    page.evaluate("""css => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }""", TEXT_SPACING_CSS)
    assert page.evaluate("getComputedStyle(document.querySelector('main')).wordSpacing") != "0px"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_text_spacing_clips_nothing(portal, lang):
    page = portal.new_page(width=320, lang=lang)
    checked = []

    def check(label: str) -> None:
        _space_out_text(page)
        assert_reflows(page, f"{label} with wider text spacing")
        clipped = clipped_text(page)
        assert not clipped, f"{label}: text is cut off with wider text spacing: {clipped}"
        checked.append(label)

    portal.open(page, "/sign-in")
    check("/sign-in")
    portal.sign_in(page, "child.demo")
    use_language(portal, page, lang)
    check("/ as child.demo")
    portal.open(page, "/settings")
    check("/settings as child.demo")
    assert len(checked) == 3
