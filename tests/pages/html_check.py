"""Reads a page the way the page check needs: title, headings, ids, scripts, forms, links."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageFacts:
    html_attrs: dict = field(default_factory=dict)
    title: str = ""
    h1_count: int = 0
    ids: list[str] = field(default_factory=list)
    script_nonces: list[str | None] = field(default_factory=list)
    post_forms: int = 0
    post_forms_with_csrf: int = 0
    links: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.facts = PageFacts()
        self._in_title = False
        self._in_post_form = False
        self._form_has_csrf = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        f = self.facts
        if tag == "html":
            f.html_attrs = a
        if "id" in a:
            f.ids.append(a["id"])
        if tag == "title":
            self._in_title = True
        elif tag == "h1":
            f.h1_count += 1
        elif tag == "script":
            f.script_nonces.append(a.get("nonce"))
        elif tag == "a" and a.get("href"):
            f.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._in_post_form, self._form_has_csrf = True, False
            f.post_forms += 1
        elif tag == "input" and a.get("name") == "csrf_token" and self._in_post_form:
            self._form_has_csrf = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "form" and self._in_post_form:
            self._in_post_form = False
            self.facts.post_forms_with_csrf += int(self._form_has_csrf)

    def handle_data(self, data):
        if self._in_title:
            self.facts.title += data


def read_page(html: str) -> PageFacts:
    reader = _Reader()
    reader.feed(html)
    return reader.facts


def parse_errors(html: str) -> list[str]:
    """Syntax errors an HTML5 parser reports (html5lib, strict)."""
    import html5lib

    parser = html5lib.HTMLParser(strict=False)
    parser.parse(html)
    return [f"line {pos[0]}: {code} {data}" for pos, code, data in parser.errors]
