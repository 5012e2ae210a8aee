"""Keyboard only: signing in, the skip link, and a visible focus indicator everywhere."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.support import LANGUAGES

pytestmark = pytest.mark.browser

MOST_TABS_TO_USERNAME = 10

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
            text: (el.innerText || el.value || '').trim(), kb: el.dataset.kb || null};
}"""


def _focused(page):
    return page.evaluate(FOCUSED)


def test_a_child_signs_in_with_the_keyboard_alone(portal):
    page = portal.new_page(width=375)
    portal.open(page, "/sign-in")

    page.keyboard.press("Tab")
    first = _focused(page)
    assert first and "skip-link" in first["cls"], f"the first Tab went to {first}, not skip link"
    assert first["text"] == "Skip to main content"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0, "the focused skip link is hidden"

    tabs = 1
    while (_focused(page) or {}).get("id") != "username":
        assert tabs < MOST_TABS_TO_USERNAME, f"{tabs} Tabs and still not at the username field"
        page.keyboard.press("Tab")
        tabs += 1
    print(f"\n{tabs} Tab presses from the top of /sign-in to the username field")
    page.keyboard.type("child.demo")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "password", f"Tab from username went to {_focused(page)}"
    page.keyboard.type(portal.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert not urlsplit(page.url).path.startswith("/sign-in"), page.url
    assert page.locator("h1").inner_text() == "Hello, Sam"


def test_the_skip_link_moves_focus_to_the_main_content(portal):
    page = portal.new_page(width=375)
    portal.open(page, "/sign-in")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"
    page.keyboard.press("Tab")
    inside_main = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside_main, f"Tab after the skip link went to {_focused(page)}, outside main"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_control_on_sign_in_shows_where_focus_is(portal, lang):
    page = portal.new_page(width=375, lang=lang)
    portal.open(page, "/sign-in")
    # Number every element that Tab can reach, and note how it looks without focus.
    count = page.evaluate("""() => {
        const selector = 'a[href], button, input:not([type=hidden]), select, textarea, ' +
                         '[tabindex]:not([tabindex="-1"])';
        let n = 0;
        for (const el of document.querySelectorAll(selector)) {
            if (el.disabled || el.closest('[hidden]') || !el.getClientRects().length) continue;
            el.dataset.kb = String(n++);
        }
        return n;
    }""")
    assert count >= 5
    look = """el => {
        const s = getComputedStyle(el);
        return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 &&
                         s.outlineColor !== 'rgba(0, 0, 0, 0)' ? s.outline : 'none',
                shadow: s.boxShadow, background: s.backgroundColor};
    }"""
    unfocused = {i: page.locator(f'[data-kb="{i}"]').evaluate(look) for i in range(count)}

    shown: set[int] = set()
    problems = []
    for _ in range(count + 3):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused is None or focused["kb"] is None:
            continue
        index = int(focused["kb"])
        if index in shown:
            break
        shown.add(index)
        now = page.locator(f'[data-kb="{index}"]').evaluate(look)
        before = unfocused[index]
        visible = (now["outline"] != "none" and now["outline"] != before["outline"]) or \
            now["shadow"] != before["shadow"] or now["background"] != before["background"]
        if not visible:
            problems.append(f"{focused['tag']}#{focused['id']}.{focused['cls']} "
                            f"{focused['text'][:30]!r}: looks the same with focus ({now})")
    assert not problems, "no visible focus indicator on:\n" + "\n".join(problems)
    assert shown == set(range(count)), f"Tab never reached elements {set(range(count)) - shown}"
