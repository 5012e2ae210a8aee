"""Languages: the locale chosen per request, its direction, and the catalogues' health."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.i18n import LANGUAGE_NAMES, RequestLocale, available_locales

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
TAG = re.compile(r"</?\w+[^>]*>")
RTL = {"ar", "ps", "fa", "fa_AF", "ckb"}


@pytest.mark.parametrize("code", sorted(LANGUAGE_NAMES))
def test_text_direction_comes_from_babel(code):
    locale = RequestLocale.for_code(code)
    assert locale.text_direction == ("rtl" if code in RTL else "ltr")
    assert locale.language_tag == {"en": "en-GB"}.get(code, code.replace("_", "-"))


def test_english_and_arabic_are_offered():
    offered = available_locales()
    assert offered[0] == "en" and "ar" in offered


def test_accept_language_picks_arabic_for_a_visitor(client):
    html = client.get("/sign-in", headers={"Accept-Language": "ar,en;q=0.5"}).get_data(
        as_text=True)
    assert '<html lang="ar" dir="rtl"' in html


def test_unknown_language_falls_back_to_english(client):
    html = client.get("/sign-in", headers={"Accept-Language": "xx"}).get_data(as_text=True)
    assert '<html lang="en-GB" dir="ltr"' in html


def _catalogues():
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


@pytest.mark.parametrize("path", _catalogues(), ids=lambda p: p.parts[-3])
def test_catalogue_is_complete_and_keeps_placeholders_and_tags(path):
    with path.open("rb") as f:
        catalog = read_po(f)
    template = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for s in strings:
            if not s:
                problems.append(f"untranslated: {ids[0]!r}")
            elif set(PLACEHOLDER.findall(s)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {s!r}")
            elif sorted(TAG.findall(s)) and len(TAG.findall(s)) != len(TAG.findall(ids[0])):
                problems.append(f"tags differ: {ids[0]!r}")
    missing = {m.id for m in template if m.id} - {m.id for m in catalog if m.id}
    problems += [f"missing: {m!r}" for m in missing]
    assert problems == []


@pytest.mark.parametrize("path", _catalogues(), ids=lambda p: p.parts[-3])
def test_plural_forms_fill_in_for_every_count(path, app):
    from babel.support import Translations

    code = path.parts[-3]
    with path.open("rb") as f:
        catalog = read_po(f)
    mo = path.with_suffix(".mo")
    translations = Translations(mo.open("rb")) if mo.exists() else None
    assert translations is not None, "run pybabel compile (scripts/test does)"
    for message in catalog:
        if isinstance(message.id, tuple):
            for n in (0, 1, 2, 3, 11, 100):
                text = translations.ngettext(*message.id, n) % {"num": n}
                assert str(n) in text, (code, message.id, n, text)


def test_english_dates_are_british(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="en-GB"' in html


def test_dari_requested_as_prs_is_understood(app):
    from portal.i18n import supported

    with app.test_request_context():
        app.config["PORTAL_LOCALES"] = [*app.config["PORTAL_LOCALES"], "fa_AF"]
        try:
            assert supported("prs") == "fa_AF" and supported("fa-AF") == "fa_AF"
        finally:
            app.config["PORTAL_LOCALES"].remove("fa_AF")


def test_every_page_renders_in_every_language(app, demo):
    """Each demo person's pages, in each language: no error, the right lang and dir."""
    from portal import db
    from portal.accounts.operations import find_account
    from portal.i18n import LANGUAGE_NAMES
    from tests.helpers import sign_in
    from tests.pages.test_page_check import crawl

    offered = app.config["PORTAL_LOCALES"]
    assert set(offered) == set(LANGUAGE_NAMES), "every language has a catalogue"
    for username in ("young.demo", "carer.demo", "isro.demo"):
        client = app.test_client()
        sign_in(client, username)
        for code in offered:
            with app.app_context():
                find_account(username).language = code
                db.session().commit()
            locale = RequestLocale.for_code(code)
            for path, html in crawl(client, ("/", "/help", "/settings")).items():
                assert f'<html lang="{locale.language_tag}" dir="{locale.text_direction}"' in \
                    html, (username, code, path)
                if code != "en" and username == "young.demo":
                    left = [m for m in _english_sentences() if m in html]
                    assert left == [], (code, path, left[:3])


def _english_sentences() -> list[str]:
    """Whole English sentences from the catalogue: none should show on a translated page."""
    template = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    return [m.id for m in template if isinstance(m.id, str) and "%" not in m.id
            and len(m.id.split()) >= 4 and "ISRO" not in m.id and "DfE" not in m.id]
