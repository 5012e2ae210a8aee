"""Sign in as each demo role, follow every link, and check every page a person reaches."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.helpers import DEMO_USERNAMES, sign_in
from tests.pages.html_check import parse_errors, read_page

ALWAYS = ("/", "/help", "/settings", "/settings/password")
NOT_FOLLOWED = ("/static/",)


def crawl(client, start=ALWAYS, *, headers=None) -> dict[str, str]:
    """Every same-site page reachable by links from ``start``: {path: html}."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue:
        path = queue.pop(0)
        if path in seen or path.startswith(NOT_FOLLOWED):
            continue
        response = client.get(path, headers=headers or {}, follow_redirects=True)
        path = response.request.path  # a redirect (e.g. /messages) lands on a real page
        if path in seen:
            continue
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        if response.mimetype != "text/html":  # pictures, voice notes, letters as PDF
            assert response.mimetype.startswith(("image/", "audio/", "application/pdf",
                                                 "application/zip",
                                                 "text/csv")), path
            continue
        assert response.mimetype == "text/html", path
        html = response.get_data(as_text=True)
        seen[path] = html
        check_page(path, html, response.headers["Content-Security-Policy"])
        for href in read_page(html).links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # other sites (the quick-exit link) and tel: links
            queue.append(parts.path)
    return seen


def check_page(path: str, html: str, csp: str) -> None:
    facts = read_page(html)
    assert facts.title.strip(), f"{path}: no title"
    assert facts.h1_count == 1, f"{path}: {facts.h1_count} h1 elements"
    duplicates = {i for i in facts.ids if facts.ids.count(i) > 1}
    assert not duplicates, f"{path}: repeated ids {duplicates}"
    assert facts.html_attrs.get("lang"), f"{path}: no lang"
    assert facts.html_attrs.get("dir") in ("ltr", "rtl"), f"{path}: no dir"
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert facts.script_nonces and all(n == nonce for n in facts.script_nonces), path
    assert facts.post_forms == facts.post_forms_with_csrf, f"{path}: a form has no CSRF token"
    assert parse_errors(html) == [], f"{path}: {parse_errors(html)}"
    # WCAG 3.2.6: "Get help" is the first link of the masthead on every page.
    masthead = html.split('<nav class="masthead-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/help"' in re.search(r"<a [^>]*>", masthead).group(0), path


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_every_page_each_demo_person_reaches_is_sound(app, demo, username):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    pages = crawl(client)
    assert len(pages) >= len(ALWAYS)  # staff land on /caseload, the others on /
    if username.startswith(("isro", "manager")):
        assert any(p.startswith("/children/") for p in pages), "staff reach a child's page"


@pytest.mark.parametrize(("username", "headers"), [
    ("teen.ar.demo", {}),  # his own setting is Arabic, whatever the browser says
    ("isro.demo", {"Accept-Language": "ar"}),  # no setting: the browser's language
])
def test_pages_in_arabic_read_right_to_left(app, demo, username, headers):
    client = app.test_client()
    sign_in(client, username)
    pages = crawl(client, headers=headers)
    for path, html in pages.items():
        attrs = read_page(html).html_attrs
        assert (attrs["lang"], attrs["dir"]) == ("ar", "rtl"), path


def test_signed_out_pages_are_sound(client):
    pages = crawl(client, ("/sign-in", "/start", "/help", "/settings"))
    assert set(pages) >= {"/sign-in", "/start", "/help", "/settings"}


def test_signed_out_pages_in_arabic_say_rtl(client):
    for path, html in crawl(client, ("/sign-in", "/help"),
                            headers={"Accept-Language": "ar"}).items():
        attrs = read_page(html).html_attrs
        assert (attrs["lang"], attrs["dir"]) == ("ar", "rtl"), path


def test_no_childs_name_in_any_title_or_address_staff_reach(app, demo):
    names = ("Sam", "Mia", "Amir", "Ruby", "Leo")
    for username in ("isro.demo", "manager.demo", "carer.demo", "child.demo"):
        client = app.test_client()
        sign_in(client, username)
        for path, html in crawl(client).items():
            title = read_page(html).title
            assert not any(name in title or name.lower() in path.lower() for name in names), (
                username, path, title)


def test_staff_viewing_a_childs_page_is_audited(app, demo):
    from sqlalchemy import select

    from portal import db
    from portal.audit import AuditEvent

    client = app.test_client()
    sign_in(client, "isro.demo")
    pages = [p for p in crawl(client) if re.fullmatch(r"/children/\d+", p)]
    with app.app_context():
        events = db.session().scalars(
            select(AuditEvent).where(AuditEvent.action == "staff.viewed_child")).all()
    assert len(events) == len(pages) and all(e.child_id for e in events)
