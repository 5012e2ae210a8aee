"""Numbers people type, from any keyboard, and ids that fit the database.

Arabic-Indic (٠-٩), Persian (۰-۹), fullwidth (０-９) and every other script's decimal
digits read as 0-9 wherever a number or code is typed: a staff member on an Arabic
keyboard types their second-factor code in Arabic digits. ``str.isdigit`` is not used:
it says yes to "²", which no number is.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from werkzeug.routing import IntegerConverter

# Ids are INTEGER columns (32-bit on PostgreSQL): anything bigger is simply not an id.
MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def ascii_digits(text: str) -> str:
    """The same text with every decimal digit, in any script, as 0-9."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def parse_int(value: str | None, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number from low to high typed in any digits, else None."""
    text = ascii_digits((value or "").strip())
    if not _DIGITS.fullmatch(text) or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_id(value: str | None) -> int | None:
    return parse_int(value, low=1)


def parse_date(value: str | None, *, earliest: int = 1900, latest: int = 2200) -> date | None:
    """A yyyy-mm-dd date in a sensible range (so adding a year to it cannot overflow)."""
    found = _DATE.fullmatch(ascii_digits((value or "").strip()))
    if not found:
        return None
    try:
        day = date(*map(int, found.groups()))
    except ValueError:
        return None
    return day if earliest <= day.year <= latest else None


class IdConverter(IntegerConverter):
    """<int:...> in a route: only numbers an id can be (1 to 2^31 - 1); anything else
    is a 404, not a database error."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = None, signed: bool = False) -> None:  # noqa: A002
        super().__init__(url_map, fixed_digits, 0 if min is None else min,
                         MAX_ID if max is None else max, signed)
