"""Finding words that suggest a child is unsafe, from the lists in safety_words/.

The lists are data that staff review; this only reads them. Matching ignores case,
Arabic-script diacritics and letter variants, and needs whole words.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

WORD_LISTS = Path(__file__).with_name("safety_words")
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640\u06d6-\u06ed]")
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                          "ک": "ك", "ی": "ي", "’": "'", "‘": "'"})


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DIACRITICS.sub("", text).translate(_LETTERS)
    return re.sub(r"\s+", " ", text)


@cache
def word_lists() -> dict[str, tuple[str, ...]]:
    """{language code: entries as written}, from every <code>.txt file."""
    lists = {}
    for path in sorted(WORD_LISTS.glob("*.txt")):
        entries = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        lists[path.stem] = tuple(e for e in entries if e and not e.startswith("#"))
    return lists


@cache
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    compiled = []
    for entries in word_lists().values():
        for entry in entries:
            words = re.escape(normalise(entry)).replace(r"\ ", r"\s+")
            compiled.append((entry, re.compile(rf"(?<!\w){words}(?!\w)")))
    return tuple(compiled)


def unsafe_words(*texts: str | None) -> list[str]:
    """The list entries found in any of ``texts`` (empty when none)."""
    found: list[str] = []
    for text in texts:
        if not text:
            continue
        plain = normalise(text)
        found += [entry for entry, pattern in _patterns()
                  if pattern.search(plain) and entry not in found]
    return found
