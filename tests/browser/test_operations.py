"""In Chromium, at 375 and 1280 px: a manager runs the service with no shell. They add a
child, link a foster carer, the carer sees the child; the manager ends the link, the
carer no longer sees the child, and the audit trail shows both. axe-clean on the way,
in English and Arabic."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest

from tests.browser.support import LANGUAGES, AxeCheck, assert_reflows, use_language

pytestmark = pytest.mark.browser


def _save(page) -> None:
    with page.expect_navigation():
        page.click("main form button[type='submit']")


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_manager_adds_a_child_links_a_carer_then_ends_the_link(portal, lang, width):
    manager = portal.new_page(width=width, lang=lang)
    axe = AxeCheck(f"children and links, {lang}, {width} px")
    portal.sign_in(manager, "manager.demo")
    use_language(portal, manager, lang)

    portal.open(manager, "/children/new")
    axe.run(manager, "/children/new")
    manager.fill("#preferred_name", "Zara")
    manager.fill("#date_of_birth", "2015-03-02")
    manager.fill("#looked_after_since", date.today().isoformat())
    manager.fill("#reference", f"Z-{lang}-{width}")
    manager.select_option("#language", "ar")
    manager.select_option("#isro", label="Priya Shah")
    _save(manager)
    child_path = urlsplit(manager.url).path
    assert child_path.startswith("/children/")
    if width < 400:
        assert_reflows(manager, "the new child's page")
    axe.run(manager, "the new child's page")

    portal.open(manager, child_path + "/links")
    axe.run(manager, "links")
    manager.select_option("#person", label="Jo Williams (" + portal.translate("carer", lang)
                          + ")")
    _save(manager)
    axe.run(manager, "links (one linked)")

    carer = portal.new_page(width=width, lang=lang)
    portal.sign_in(carer, "carer.demo")
    assert "Zara" in carer.locator("main").inner_text()

    with manager.expect_navigation():
        manager.click("form[action$='/end'] button[type='submit']")
    axe.run(manager, "links (ended)")
    portal.open(carer, "/")
    assert "Zara" not in carer.locator("main").inner_text()
    refused = carer.goto(child_path.replace("/children/", "/messages/about/"))
    assert refused.status in (403, 404)

    portal.open(manager, "/audit")
    axe.run(manager, "/audit")
    trail = manager.locator("main").inner_text()
    for action in ("link.added", "link.ended"):
        assert action in trail or portal.translate(_LABELS[action], lang) in trail, action
    axe.finish()


_LABELS = {"link.added": "Carer or advocate linked", "link.ended": "Carer or advocate link ended"}
