"""The words a read-aloud button speaks, taken from the page's HTML exactly as
static/portal.js takes them from the page (``textOf``): the two must agree, character
for character, or the server refuses the text.

Left out: scripts, styles, hidden things, text for screen readers only, the read-aloud
controls themselves; and, when ``fixed_only`` (anyone's page but a child's own), the text
a person typed: ``<bdi>``, ``dir="auto"``, ``class="written"``, text boxes. Block
elements are spoken with a space either side: "<h1>Hi</h1><p>Sam</p>" is "Hi Sam".
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

SKIP_TAGS = frozenset({"script", "style", "template", "noscript"})
TYPED_TAGS = frozenset({"bdi", "textarea"})
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "label", "legend", "li", "main", "nav", "ol",
    "option", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                       "meta", "source", "track", "wbr"})
# The same characters as portal.js's /[ \t\n\f\r\u00a0]+/.
_SPACES = re.compile(r"[ \t\n\f\r\u00a0]+")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _skipped(tag: str, attrs: dict[str, str | None], fixed_only: bool) -> bool:
    if tag in SKIP_TAGS or "hidden" in attrs or "data-read-aloud" in attrs:
        return True
    classes = (attrs.get("class") or "").split()
    if "data-say" in attrs or "visually-hidden" in classes:
        return True
    if fixed_only and (tag in TYPED_TAGS or (attrs.get("dir") or "").lower() == "auto"
                       or "written" in classes):
        return True
    return False


class _Open:
    """An element whose text is being gathered, and where a skipped part inside it began."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.skip_depth: int | None = None
        self.parts: list[str] = []


class _Collector(HTMLParser):
    def __init__(self, wanted: set[str], fixed_only: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted, self.fixed_only = wanted, fixed_only
        self.stack: list[str] = []
        self.open: dict[str, _Open] = {}
        self.done: dict[str, str] = {}

    def _gathering(self) -> list[_Open]:
        return [element for element in self.open.values() if element.skip_depth is None]

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        skipped = _skipped(tag, named, self.fixed_only)
        void = tag in VOID_TAGS
        depth = len(self.stack) + 1
        for element in self._gathering():
            if skipped and not void:
                element.skip_depth = depth
            elif not skipped and tag in BLOCK_TAGS:
                element.parts.append(" ")
        if void:
            return
        self.stack.append(tag)
        element_id = named.get("id")
        if element_id in self.wanted and element_id not in self.open \
                and element_id not in self.done:
            self.open[element_id] = _Open(depth)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag not in self.stack:
            return  # a stray end tag: browsers ignore it too
        while self.stack:
            depth = len(self.stack)
            closed = self.stack.pop()
            for element_id, element in list(self.open.items()):
                if element.depth == depth:
                    self.done[element_id] = "".join(element.parts)
                    del self.open[element_id]
                elif element.skip_depth == depth:
                    element.skip_depth = None
                elif element.skip_depth is None and closed in BLOCK_TAGS:
                    element.parts.append(" ")
            if closed == tag:
                break

    def handle_data(self, data):
        for element in self._gathering():
            element.parts.append(data)

    def close(self):
        super().close()
        for element_id, element in self.open.items():
            self.done[element_id] = "".join(element.parts)
        self.open.clear()


def texts_by_id(html: str, ids: set[str], *, fixed_only: bool) -> dict[str, str]:
    """The spoken text of each element in ``ids`` found in ``html``.

    Every read-aloud block is <main> or inside it, so only <main> is parsed (a third of a
    page's markup is the head, masthead and footer); the whole page when a block is not
    found there."""
    start, end = html.find("<main"), html.rfind("</main>")
    if start != -1 and end > start:
        found = _collect(html[start:end + len("</main>")], ids, fixed_only)
        if set(ids) <= set(found):
            return found
    return _collect(html, ids, fixed_only)


def _collect(html: str, ids: set[str], fixed_only: bool) -> dict[str, str]:
    collector = _Collector(set(ids), fixed_only)
    collector.feed(html)
    collector.close()
    return {element_id: normalise(text) for element_id, text in collector.done.items()}
