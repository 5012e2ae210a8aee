"""Finding words that suggest a child is unsafe, from the lists in safety_words/.

The lists are data that staff review (see safety_words/README.md for the format); this
module only reads them. Every text is checked against every language's list, because a
child may write Pashto from an English account, or Arabic in Latin letters.

Matching works on a normalised copy of the text (the child's words are never changed):
case and Latin accents are ignored, Arabic-script letter variants used by Arabic,
Persian, Pashto and Sorani are made one, diacritics, tatweel and zero-width characters
are dropped, Ethiopic letters that sound the same are made one, punctuation and emoji
become spaces, and a letter typed three or more times counts once or twice.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

WORD_LISTS = Path(__file__).with_name("safety_words")
# The order lists are shown and checked in: English, then the languages by code.
LIST_ORDER = ("en", "ar", "ps", "fa_AF", "fa", "ckb", "ti", "am", "sq", "vi")
GAP = "..."
MAX_GAP_WORDS = 3
_KEY = 3  # letters of a stem used to find the entries worth trying

# Harakat, Quranic marks and tatweel (Arabic script); zero-width joiners and
# non-joiners, bidirectional controls, soft hyphen, the Arabic letter mark.
_DROP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
                   "\u0640\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff'’‘ʼ`´]")
_LETTERS = str.maketrans({
    # alef with hamza or madda; yeh, alef maqsura, Persian/Pashto/Sorani yeh forms
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي", "ێ": "ي", "ئ": "ي", "ؤ": "و", "ۆ": "و",
    # kaf and gaf forms; heh, teh marbuta and the Sorani e
    "ک": "ك", "ڪ": "ك", "ګ": "گ", "ڭ": "گ",
    "ھ": "ه", "ە": "ه", "ۀ": "ه", "ہ": "ه", "ة": "ه",
    # Sorani and Pashto letters often typed on a Persian or Arabic keyboard without marks
    "ڵ": "ل", "ڕ": "ر", "ټ": "ت", "ډ": "د", "ړ": "ر", "ڼ": "ن", "ښ": "ش", "ږ": "ژ",
    # Arabic comma and question mark are punctuation
    "،": " ", "؟": " ", "؛": " ",
    # Latin letters that do not decompose
    "đ": "d", "ł": "l", "ø": "o", "ı": "i",
    # Ethiopic word space and punctuation
    "፡": " ", "።": " ", "፣": " ", "፤": " ", "፥": " ", "፦": " ", "፧": " ", "፨": " ",
})
# Ethiopic series that sound the same and are typed interchangeably (ሐ ኀ as ሀ, ሠ as ሰ,
# ዐ as አ, ፀ as ጸ, and Tigrinya's ቐ as ቀ on keyboards without it): each series is eight
# letters in a row. Tigrinya writes ኣ where Amharic writes አ: both count as አ.
_ETHIOPIC = {0x1210: 0x1200, 0x1280: 0x1200, 0x1220: 0x1230, 0x12D0: 0x12A0, 0x1340: 0x1338,
             0x1250: 0x1240}
_LETTERS.update({start + i: target + i for start, target in _ETHIOPIC.items() for i in range(8)})
_LETTERS.update({ord("ኣ"): "አ", ord("ዓ"): "አ"})
_NOT_WORD = re.compile(r"[^\w]+")
# Letters typed three or more times ("helppp"); digits are left alone ("999").
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")


def normalise(text: str) -> str:
    """The form of ``text`` that lists are matched against: words joined by one space."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DROP.sub("", text).translate(_LETTERS)
    # Latin (and other) accents off: é -> e, ë -> e, ạ -> a; Arabic hamza marks go too.
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _spellings(plain: str) -> tuple[str, ...]:
    """'helppp me' and 'soooo scaaared' as 'help me' / 'so scared' (and with doubles)."""
    if not _REPEATS.search(plain):
        return (plain,)
    return (_REPEATS.sub(r"\1", plain), _REPEATS.sub(r"\1\1", plain))


@dataclass(frozen=True)
class Entry:
    text: str  # as written in the list
    language: str
    section: str
    regex: str  # compiled the first time the entry is tried (see ``pattern``)
    needle: str  # a plain piece the text must contain for the pattern to match at all
    exclusion: bool = False
    # What a text must have for this entry to be worth trying: ("word", w) a whole word,
    # ("start", abc) a word starting so, ("end", abc) a word ending so, or None.
    anchor: tuple[str, str] | None = None

    @cached_property
    def pattern(self) -> re.Pattern:
        """Compiled on first use: the lists hold tens of thousands of entries and compiling
        them all took seconds at each worker's first message; a message tries only a few."""
        return re.compile(self.regex)

    def spans(self, plain: str) -> list[tuple[int, int]]:
        if self.needle not in plain:
            return []
        return [m.span() for m in self.pattern.finditer(plain)]


class ListError(ValueError):
    """A line in a word list that cannot be read."""


def compile_entry(text: str, language: str = "", section: str = "",
                  exclusion: bool = False) -> Entry:
    """One list line (without a leading "!") as a pattern over normalised text."""
    parts, needles, anchors = [], [], []
    for token in text.split():
        if token == GAP:
            if not parts or parts[-1] == GAP:
                raise ListError(f"{GAP!r} must come between two words: {text!r}")
            parts.append(GAP)
            continue
        head, tail = token.startswith("*"), token.endswith("*") and len(token) > 1
        core = normalise(token.strip("*"))
        if not core:
            raise ListError(f"a word has no letters: {text!r}")
        words = core.split()
        needles += words
        literal = words[int(head):len(words) - int(tail)]
        anchors += [(len(w) + 100, ("word", w)) for w in literal]
        # A word with stars on both sides ("*tarsh*") can sit anywhere in a word: no key.
        if head and not (tail and len(words) == 1) and len(words[0]) >= _KEY:
            anchors.append((len(words[0]), ("end", words[0][-_KEY:])))
        if tail and not (head and len(words) == 1) and len(words[-1]) >= _KEY:
            anchors.append((len(words[-1]), ("start", words[-1][:_KEY])))
        regex = r"\w*" * head + r"\s".join(map(re.escape, core.split())) + r"\w*" * tail
        parts.append(regex)
    if not parts or parts[-1] == GAP:
        raise ListError(f"an entry must start and end with a word: {text!r}")
    body = ""
    for part in parts:
        if part == GAP:
            body += rf"(?:\s\w+){{0,{MAX_GAP_WORDS}}}"
        else:
            body += (r"\s" if body else "") + part
    anchor = max(anchors)[1] if anchors else None
    return Entry(text=text, language=language, section=section,
                 regex=rf"(?<!\w){body}(?!\w)",
                 needle=max(needles, key=len), exclusion=exclusion, anchor=anchor)


@dataclass(frozen=True)
class WordList:
    language: str
    header: tuple[str, ...]  # the comment lines at the top: who drafted it, its review
    entries: tuple[Entry, ...]
    exclusions: tuple[Entry, ...]

    @property
    def sections(self) -> dict[str, list[Entry]]:
        grouped: dict[str, list[Entry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.section, []).append(entry)
        return grouped

    @property
    def reviewed(self) -> bool:
        """A list counts as reviewed only when its header names a reviewer."""
        for line in self.header:
            key, _, value = line.partition(":")
            if key.strip().lower() == "reviewed by":
                return bool(value.strip()) and not value.strip().lower().startswith("nobody")
        return False


def read_list(path: Path) -> WordList:
    header: list[str] = []
    entries: list[Entry] = []
    exclusions: list[Entry] = []
    section = ""
    language = path.stem
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("##"):
            section = line.lstrip("#").strip()
            continue
        if line.startswith("#"):
            if not entries and not exclusions and not section:
                header.append(line.lstrip("#").strip())
            continue
        try:
            if line.startswith("!"):
                exclusions.append(compile_entry(line[1:].strip(), language, section, True))
            else:
                entries.append(compile_entry(line, language, section))
        except ListError as problem:
            raise ListError(f"{path.name}, line {number}: {problem}") from None
    return WordList(language, tuple(header), tuple(entries), tuple(exclusions))


# The first message in a new worker reads the lists (about two seconds): one thread reads
# them while the others wait, rather than every thread reading them at once.
_READING = threading.Lock()


def word_lists() -> dict[str, WordList]:
    """{language code: its list}, from every <code>.txt file, English first."""
    with _READING:
        return _read_lists()


@cache
def _read_lists() -> dict[str, WordList]:
    found = {path.stem: read_list(path) for path in WORD_LISTS.glob("*.txt")}
    order = {code: i for i, code in enumerate(LIST_ORDER)}
    return {code: found[code] for code in sorted(found, key=lambda c: (order.get(c, 99), c))}


class _Index:
    """Every entry of every list, found by the words a text holds, so checking a message
    tries only the few entries that could match (not all of them)."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.by_anchor: dict[tuple[str, str], list[int]] = {}
        self.scan: list[int] = []  # entries with no usable anchor: tried every time
        for number, entry in enumerate(entries):
            if entry.anchor is None:
                self.scan.append(number)
            else:
                self.by_anchor.setdefault(entry.anchor, []).append(number)

    def candidates(self, plain: str) -> list[int]:
        found = set(self.scan)
        for word in set(plain.split()):
            for key in (("word", word), ("start", word[:_KEY]), ("end", word[-_KEY:])):
                found.update(self.by_anchor.get(key, ()))
        return sorted(found)


@cache
def _index() -> _Index:
    lists = word_lists().values()
    return _Index([e for wl in lists for e in (*wl.entries, *wl.exclusions)])


def find_entries(*texts: str | None) -> list[Entry]:
    """The list entries found in any of ``texts``, in list order (empty when none).

    A match that overlaps an exclusion of its own list ("!want to die my hair") does not
    count; one list's exclusions never silence another's entries.
    """
    index = _index()
    found: dict[int, Entry] = {}
    for text in texts:
        if not text:
            continue
        for plain in _spellings(normalise(text)):
            hits, excluded = [], {}
            for number in index.candidates(plain):
                entry = index.entries[number]
                spans = entry.spans(plain)
                if not spans:
                    continue
                if entry.exclusion:
                    excluded.setdefault(entry.language, []).extend(spans)
                elif number not in found:
                    hits.append((number, entry, spans))
            for number, entry, spans in hits:
                if any(not _overlaps(span, excluded.get(entry.language, [])) for span in spans):
                    found[number] = entry
    return [found[i] for i in sorted(found)]


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def unsafe_words(*texts: str | None) -> list[str]:
    """The entries (as written in their lists) found in any of ``texts``."""
    return [entry.text for entry in find_entries(*texts)]
