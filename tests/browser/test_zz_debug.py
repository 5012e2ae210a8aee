import pytest
from tests.browser.support import page_language
pytestmark = pytest.mark.browser

def test_dbg(portal):
    page = portal.new_page(width=375, lang="en")
    portal.open(page, "/sign-in")
    print(page_language(page))
    portal.sign_in(page, "child.demo")
    print(page_language(page), page.url)
    portal.open(page, "/settings")
    print(page.locator('input[name="language"]:checked').get_attribute("value"))
    print(page.locator('main').inner_text()[:300])
