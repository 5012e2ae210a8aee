"""Languages: which locale a request uses, its direction, and the languages offered.

The locale is an object (SecureDrop's habit): every request gets a ``RequestLocale``
with a BCP 47 tag and a text direction from Babel, which the base template puts on
``<html lang dir>``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from babel import Locale
from babel.units import format_unit
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel
from flask_login import current_user

from portal.config import PROJECT_ROOT

TRANSLATIONS_DIR = PROJECT_ROOT / "translations"
DEFAULT_LOCALE = "en"
# English here is British English: dates as "23 Nov 2026", <html lang="en-GB">.
FORMAT_LOCALE = {"en": "en_GB"}
# Codes a browser may send for a language Babel knows by another name.
ALIASES = {"prs": "fa_AF", "prs_AF": "fa_AF", "en_GB": "en", "en_US": "en"}

# Every language My Say is built for, named in its own script. Dari is fa_AF: Babel has no prs.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "ar": "العربية",
    "ps": "پښتو",
    "fa_AF": "دری",
    "fa": "فارسی",
    "ckb": "کوردی",
    "ti": "ትግርኛ",
    "am": "አማርኛ",
    "sq": "Shqip",
    "vi": "Tiếng Việt",
}


# Languages a qualified translator has reviewed (see translations/STATUS.md). Staff are
# told when a page is in a language that has not been reviewed yet.
REVIEWED = frozenset({"en"})


@dataclass(frozen=True)
class RequestLocale:
    code: str
    name: str
    language_tag: str
    text_direction: str

    @property
    def reviewed(self) -> bool:
        return self.code in REVIEWED

    @classmethod
    def for_code(cls, code: str) -> RequestLocale:
        babel_code = FORMAT_LOCALE.get(code, code)
        return cls(
            code=code,
            name=LANGUAGE_NAMES.get(code, code),
            language_tag=babel_code.replace("_", "-"),
            text_direction=Locale.parse(babel_code).text_direction,
        )


def available_locales(translations_dir: Path = TRANSLATIONS_DIR) -> list[str]:
    """English plus every language that has a catalogue, in LANGUAGE_NAMES order."""
    found = {p.parent.parent.name for p in translations_dir.glob("*/LC_MESSAGES/messages.po")}
    unknown = found - LANGUAGE_NAMES.keys()
    if unknown:
        raise RuntimeError(f"translations for unlisted languages: {sorted(unknown)}")
    return [code for code in LANGUAGE_NAMES if code == DEFAULT_LOCALE or code in found]


def supported(code: str | None) -> str | None:
    """The offered locale matching ``code`` (case and separator forgiven), else None."""
    if not code:
        return None
    wanted = code.replace("-", "_")
    wanted = ALIASES.get(wanted, wanted).lower()
    for available in current_app.config["PORTAL_LOCALES"]:
        if available.lower() == wanted:
            return available
    return None


def select_locale() -> str:
    """The person's setting, then this browser's choice, then Accept-Language, then English."""
    return FORMAT_LOCALE.get(chosen_language(), chosen_language())


def chosen_language() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE  # the CLI and background work speak English
    if current_user and current_user.is_authenticated:
        chosen = supported(current_user.language)
        if chosen:
            return chosen
    chosen = supported(session.get("language"))
    if chosen:
        return chosen
    for value, _quality in request.accept_languages:
        chosen = supported(value)
        if chosen:
            return chosen
    offered = [code.replace("_", "-") for code in current_app.config["PORTAL_LOCALES"]]
    best = request.accept_languages.best_match(offered)
    return supported(best) or DEFAULT_LOCALE


def current_locale() -> RequestLocale:
    if "portal_locale" not in g:
        g.portal_locale = RequestLocale.for_code(chosen_language())
    return g.portal_locale


def init_app(app: Flask) -> None:
    app.config["PORTAL_LOCALES"] = available_locales()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    Babel(app, locale_selector=select_locale, default_timezone="Europe/London")
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["language_choices"] = language_choices
    app.jinja_env.globals["format_age"] = format_age


def language_choices() -> list[tuple[str, str]]:
    """(code, name in its own script) for each offered language."""
    return [(code, LANGUAGE_NAMES[code]) for code in current_app.config["PORTAL_LOCALES"]]


def format_age(delta: timedelta) -> str:
    """How long ago, precisely enough for a safety flag: "5 minutes", "62 hours", "4 days"
    (Babel's own rounding would call 62 hours "3 days")."""
    from flask_babel import get_locale

    minutes = max(1, int(delta.total_seconds() // 60))
    if minutes < 90:
        value, unit = minutes, "duration-minute"
    elif minutes < 72 * 60:
        value, unit = minutes // 60, "duration-hour"
    else:
        value, unit = minutes // (24 * 60), "duration-day"
    return format_unit(value, unit, length="long", locale=get_locale())
