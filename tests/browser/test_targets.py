"""Children's controls are at least 44 x 44 CSS px (WCAG 2.5.8 asks 24; children get more)."""
from __future__ import annotations

import pytest

from tests.browser.support import LANGUAGES, set_express, use_language

pytestmark = pytest.mark.browser

SMALLEST = 44

# Every control a child taps, with the box that takes the tap. A radio or checkbox
# counts its label's box too (tapping the label chooses it). Links inside a paragraph
# are running text, exempt from target size.
MEASURE = """() => {
    const box = el => { const r = el.getBoundingClientRect();
                        return {w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10,
                                x: r.left, right: r.right}; };
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.classList.length ? '.' + [...el.classList].join('.') : '') +
        ' "' + (el.innerText || el.value || '').trim().slice(0, 30) + '"';
    const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
    const out = [];
    for (const el of document.querySelectorAll(controls)) {
        if (el.closest('[hidden]') || !el.getClientRects().length) continue;
        if (el.tagName === 'A' && el.closest('p')) continue;
        const own = box(el);
        // Off screen until focused (the skip link, either side in RTL): measured apart.
        if (own.right <= 0 || own.x >= window.innerWidth) continue;
        const boxes = [own];
        if (el.type === 'radio' || el.type === 'checkbox') {
            for (const label of el.labels || []) boxes.push(box(label));
        }
        out.push({name: name(el), boxes: boxes});
    }
    return out;
}"""


def _too_small(page, label: str) -> list[str]:
    small = []
    for target in page.evaluate(MEASURE):
        if not any(b["w"] >= SMALLEST and b["h"] >= SMALLEST for b in target["boxes"]):
            sizes = " or ".join(f"{b['w']}x{b['h']}" for b in target["boxes"])
            small.append(f"{label}: {target['name']} is {sizes}")
    return small


@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_childrens_controls_are_at_least_44_px(portal, lang, width):
    page = portal.new_page(width=width, lang=lang)
    small = []
    measured = 0

    portal.open(page, "/sign-in")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link").bounding_box()
    if skip["width"] < SMALLEST or skip["height"] < SMALLEST:
        small.append(f"/sign-in: the focused skip link is {skip['width']}x{skip['height']}")
    small += _too_small(page, "/sign-in")

    portal.sign_in(page, "child.demo")
    use_language(portal, page, lang)
    for path in ("/", "/help", "/settings", "/my-plan"):
        portal.open(page, path)
        small += _too_small(page, path)
        measured += len(page.evaluate(MEASURE))
    # "This hasn't happened", from the first action on My plan.
    portal.open(page, page.locator("a.plan-button").first.get_attribute("href"))
    small += _too_small(page, "/my-plan/not-happened")
    # Express mode's tiles, tile buttons and read-aloud buttons, as Mia (7) has them.
    set_express(portal, "young.demo", True)
    mia = portal.new_page(width=width, lang=lang)
    portal.sign_in(mia, "young.demo")
    use_language(portal, mia, lang)
    portal.open(mia, "/my-say")
    with mia.expect_navigation():
        mia.click('main form[action="/my-say/form/start"] button[type="submit"]')
    for path in ("/my-say/form/home_feel", "/my-say/form/who_there", "/my-say/form/worries",
                 "/my-say/form/worries/say"):
        portal.open(mia, path)
        small += _too_small(mia, f"{path} (Express mode)")
        measured += len(mia.evaluate(MEASURE))
    assert measured > 20, f"only {measured} controls measured"
    assert not small, f"targets smaller than {SMALLEST}x{SMALLEST} CSS px:\n" + "\n".join(small)
