import pytest

from tests.browser.support import AxeCheck, walk

pytestmark = pytest.mark.browser

def test_sanity(portal):
    page = portal.new_page(width=320, lang="en")
    for g in ("signed-out", "isro.demo", "child.demo"):
        page = portal.new_page(width=320, lang="ar")
        print(g, list(walk(portal, page, g, "ar")))
    portal.open(page, "/sign-in")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x><button style=\"width:10px;height:10px;padding:0\"></button><p style=\"color:#eee\">low</p>')")
    axe = AxeCheck("sanity")
    axe.run(page, "broken")
    print(axe.incomplete)
    axe.finish()
