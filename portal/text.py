"""What people type, shown exactly as typed.

Words are stored as typed and escaped on the way out by Jinja's autoescape: ``<!--``,
``&lt;`` and ``<script>`` show as those characters, and newlines are kept by CSS
(``white-space: pre-wrap`` on ``.written``). Nothing is stripped.

For staff, the Unicode controls that reorder text (embeddings, overrides, isolates) are
shown as visible marks instead of being obeyed, so a message cannot be made to read
backwards or hide a word; other invisible control characters are shown as their
Unicode "control pictures". A NUL, which no database keeps, is turned into its visible
picture (␀) when the request is read (``PortalRequest``).
"""
from __future__ import annotations

import re

from flask import Request
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

BIDI_CONTROLS = {
    "\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
    "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI",
}
_SHOWN = re.compile("[" + "".join(BIDI_CONTROLS) + "\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NUL_PICTURE = "\u2400"


def _mark(found: re.Match) -> str:
    char = found.group()
    if char in BIDI_CONTROLS:
        return (f'<span class="bidi-control" title="U+{ord(char):04X}">'
                f'[{BIDI_CONTROLS[char]}]</span>')
    return chr(0x2421) if char == "\x7f" else chr(0x2400 + ord(char))


def typed_text(value: str | None) -> Markup:
    if not value:
        return Markup("")
    text = str(escape(value))
    if current_user and current_user.is_authenticated and current_user.is_staff:
        text = _SHOWN.sub(_mark, text)
    # Safe: escaped above; the only markup added is our own span.
    return Markup(text)  # noqa: S704


def _without_nul(pairs: ImmutableMultiDict) -> ImmutableMultiDict:
    if not any("\x00" in value for value in pairs.values()):
        return pairs
    return ImmutableMultiDict([(key, value.replace("\x00", NUL_PICTURE))
                               for key, value in pairs.items(multi=True)])


class PortalRequest(Request):
    """Form fields and query strings with NUL shown as ␀: PostgreSQL refuses NUL in
    text, and a character nobody can see must not lose a child's whole message."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        if "form" in self.__dict__:
            self.__dict__["form"] = _without_nul(self.__dict__["form"])

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _without_nul(super().args)


def csv_safe(value: str | None) -> str:
    """A cell for a CSV file that staff open in a spreadsheet: text that a spreadsheet
    would run as a formula (=, +, -, @, tab, carriage return first) gets a leading
    apostrophe, as OWASP advises; everything else is exactly as typed."""
    text = value or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
