"""Helpers for the browser tests: contexts, signing in, the pages each person can reach,
and the checks (axe-core, reflow, text spacing) run on them."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

import pyotp

from tests.helpers import TOTP_SECRET

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]

SIGNED_OUT = "signed-out"
STAFF = ("isro.demo", "manager.demo")
ROLES = ("child.demo", "young.demo", "teen.ar.demo", "carer.demo", "advocate.demo", *STAFF)
GROUPS = (SIGNED_OUT, *ROLES)
LANGUAGES = ("en", "ar")
BROWSER_LOCALES = {"en": "en-GB", "ar": "ar", "ti": "ti-ER"}

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations", "incomplete"],
}

# Every "incomplete" (needs a human) axe result of the run: rule id -> nodes, and pages.
INCOMPLETE_NODES: Counter = Counter()
INCOMPLETE_PAGES: Counter = Counter()

SIGN_IN_BUTTON = 'main form[action="/sign-in"] button[type="submit"]'
SETTINGS_SAVE = 'main form[action="/settings"] button[type="submit"]'
CARD_BUTTON = 'main form[action$="/sign-in-card"] button[type="submit"]'


@dataclass
class Portal:
    """The live portal, for one test: opens browser contexts and signs people in."""

    app: object
    base_url: str
    browser: object
    password: str
    contexts: list = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def new_page(self, *, width: int = 375, height: int = 800, lang: str = "en", **kw):
        """A page in a fresh context (no cookies), in ``lang``, ``width`` CSS px wide."""
        context = self.browser.new_context(
            viewport={"width": width, "height": height}, locale=BROWSER_LOCALES[lang],
            extra_http_headers={"Accept-Language": BROWSER_LOCALES[lang]},
            base_url=self.base_url, **kw)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context.new_page()

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()

    def open(self, page, path: str, *, status: int = 200):
        response = page.goto(path)
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"GET {path} gave {response.status}, not {status}"
        return response

    def translate(self, text: str, lang: str) -> str:
        from flask_babel import force_locale, gettext

        with self.app.test_request_context("/"), force_locale(lang):
            return gettext(text)

    def reset_replay_guard(self, username: str) -> None:
        """Tests sign staff in many times within one 30 s code window: allow the code again."""
        from portal import db
        from portal.accounts.operations import find_account

        with self.app.app_context():
            account = find_account(username)
            account.totp_last_step = None
            db.session().commit()

    def password_step(self, page, username: str, password: str | None = None) -> None:
        """Sign-in form: username and password. Staff then stand at /sign-in/code."""
        self.open(page, "/sign-in")
        page.fill("#username", username)
        page.fill("#password", password or self.password)
        with page.expect_navigation():
            page.click(SIGN_IN_BUTTON)

    def sign_in(self, page, username: str) -> str:
        """Sign in through the forms, with the authenticator code for staff.

        Ends on the person's home page (where "/" leads them); returns its path.
        """
        if username in STAFF:
            self.reset_replay_guard(username)
        self.password_step(page, username)
        if urlsplit(page.url).path == "/sign-in/code":
            page.fill("#code", pyotp.TOTP(TOTP_SECRET).now())
            with page.expect_navigation():
                page.click('main form button[type="submit"]')
        home = urlsplit(page.url).path
        if home.startswith("/sign-in") or home == "/start":
            raise AssertionError(f"{username} is not signed in: {page.url} says:\n"
                                 + page.locator("main").inner_text()[:600])
        return home

    def same_origin_pages(self, page) -> list[str]:
        """Paths of the same-origin links on this page that answer GET with HTML."""
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        origin = urlsplit(self.base_url)
        found: list[str] = []
        for href in hrefs:
            href = urldefrag(href).url
            parts = urlsplit(href)
            if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith("/static/") or path in found:
                continue
            head = page.context.request.head(href)
            if head.headers.get("content-type", "").startswith("text/html"):
                found.append(path)
        return found


def submit_empty(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f'main form[action="{form}"] button[type="submit"]')


def page_language(page) -> list[str]:
    """[primary language subtag of <html lang>, <html dir>], e.g. ["en", "ltr"] for en-GB."""
    return page.evaluate("[document.documentElement.lang.split('-')[0].toLowerCase(), "
                         "document.documentElement.dir]")


def use_language(portal: Portal, page, lang: str) -> None:
    """A signed-in person's own language wins over the browser's: set it on /settings."""
    if page_language(page)[0] == lang:
        return
    portal.open(page, "/settings")
    page.check(f'input[name="language"][value="{lang}"]')
    with page.expect_navigation():
        page.click(SETTINGS_SAVE)
    portal.open(page, "/")  # home, wherever "/" leads this person
    assert page_language(page)[0] == lang, f"could not switch to {lang}"


def walk(portal: Portal, page, group: str, lang: str) -> Iterator[str]:
    """Visit every page and state ``group`` can reach in ``lang``; yield a label at each.

    The caller checks the page (axe, reflow ...) at each yield.
    """
    direction = "rtl" if lang in ("ar", "ps", "fa", "ckb") else "ltr"
    for label in _walk(portal, page, group, lang):
        assert page_language(page) == [lang, direction], (
            f"{label}: <html lang dir> is {page_language(page)}, not {[lang, direction]}")
        yield label


def _walk(portal: Portal, page, group: str, lang: str) -> Iterator[str]:
    error_prefix = portal.translate("Error:", lang)

    def check_error_title(what: str) -> None:
        title = page.title()
        assert title.startswith(error_prefix), f"{what}: title {title!r} does not start with " \
                                               f"{error_prefix!r}"
        assert page.locator(".error-summary").count() == 1, f"{what}: no error summary"

    if group == SIGNED_OUT:
        for path in ("/sign-in", "/start", "/help", "/settings"):
            portal.open(page, path)
            yield path
        portal.open(page, "/no-such-page", status=404)
        yield "/no-such-page (404)"
        portal.open(page, "/sign-in")
        submit_empty(page, "/sign-in")
        check_error_title("empty sign-in form")
        yield "/sign-in (submitted empty)"
        portal.open(page, "/start")
        submit_empty(page, "/start")
        check_error_title("empty setup-code form")
        yield "/start (submitted empty)"
        portal.password_step(page, "isro.demo")
        assert urlsplit(page.url).path == "/sign-in/code", page.url
        yield "/sign-in/code"
        with page.expect_navigation():
            page.click('main form button[type="submit"]')
        check_error_title("empty code form")
        yield "/sign-in/code (submitted empty)"
        return

    home = portal.sign_in(page, group)
    use_language(portal, page, lang)
    yield f"{home} (home)"
    visited = {"/", home}
    targets = portal.same_origin_pages(page)
    targets += [p for p in ("/settings", "/settings/password") if p not in targets]
    second_level: list[str] = []
    for path in targets:
        if path in visited:
            continue
        visited.add(path)
        portal.open(page, path)
        yield path
        second_level += [p for p in portal.same_origin_pages(page) if p not in second_level]
    # One level further (a letter, a thing sent, a conversation, a report), a few of each
    # kind, so every kind of page is checked without walking a whole caseload.
    kinds: dict[str, int] = {}
    for path in second_level:
        kind = "/".join(part if not part.isdigit() else "N" for part in path.split("?")[0]
                        .split("/"))
        if path in visited or kinds.get(kind, 0) >= 1:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        visited.add(path)
        portal.open(page, path)
        yield path
    if group in ("child.demo", "young.demo"):
        # The form, one question per page: the first question, then its error state.
        portal.open(page, "/my-say")
        with page.expect_navigation():
            page.click('main form[action="/my-say/form/start"] button[type="submit"]')
        yield f"{urlsplit(page.url).path} (a question)"
        with page.expect_navigation():
            page.click('main form button[value="next"]')
        check_error_title("a question answered with nothing")
        yield f"{urlsplit(page.url).path} (a question, answered with nothing)"
        portal.open(page, "/my-say/form/check")
        yield "/my-say/form/check"
    if group == "young.demo":
        # Express mode (issue 16): face tiles, tiles for several people, a question to
        # type or say, and the page to say it.
        set_express(portal, group, True)
        try:
            for path in ("/my-say/form/home_feel", "/my-say/form/who_there",
                         "/my-say/form/worries", "/my-say/form/worries/say"):
                portal.open(page, path)
                yield f"{path} (Express mode)"
        finally:
            set_express(portal, group, False)
    if group == "child.demo":
        # Another child's page: the "not for your account" page.
        with portal.app.app_context():
            from portal import db
            from portal.accounts.models import Child

            other = db.session().query(Child).filter(Child.reference == "DEMO-0005").one()
        response = page.goto(f"/children/{other.id}")
        assert response.status in (403, 404), response.status
        yield f"/children/{other.id} (refused, {response.status})"
    if group == "isro.demo":
        children = [p for p in visited if p.startswith("/children/")]
        assert children, "isro.demo's home page links to no child's page"
        for path in sorted(children):
            portal.open(page, path)
            if page.locator(CARD_BUTTON).count():
                break
        else:
            raise AssertionError("no child's page has a sign-in card button")
        with page.expect_navigation():
            page.click(CARD_BUTTON)
        if page.locator("textarea[name=reason], input[name=reason]").count():
            # The child already has a password: a new card needs a reason first.
            yield f"{path} -> sign-in card (asks why)"
            page.fill("[name=reason]", "Lost the card at school")
            with page.expect_navigation():
                page.click("main form button[type=submit]")
        assert page.locator(".setup-code").count() == 1, "the sign-in card page has no code"
        yield f"{path} -> sign-in card"
        # My plan's status page and the letter editor's "You said, we did" pick-list.
        with portal.app.app_context():
            from portal import db
            from portal.accounts.models import Child
            from portal.reviews.models import Letter

            sam = db.session().query(Child).filter(Child.reference == "DEMO-0001").one()
            letter = db.session().query(Letter).filter(Letter.child_id == sam.id).first()
            plan_pages = (f"/children/{sam.id}/plan", f"/reviews/{letter.review_id}/letter")
        for path in plan_pages:
            portal.open(page, path)
            yield path


def set_express(portal: Portal, username: str, on: bool) -> None:
    from portal import db
    from portal.accounts.operations import find_account

    with portal.app.app_context():
        account = find_account(username)
        account.settings = {**(account.settings or {}), "express": on}
        db.session().commit()


@dataclass
class AxeCheck:
    """Runs axe-core on pages; collects violations so one test reports every page at once."""

    where: str
    problems: list[str] = field(default_factory=list)
    incomplete: Counter = field(default_factory=Counter)
    pages: int = 0

    def run(self, page, label: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(page, options=AXE_OPTIONS).response
        self.pages += 1
        for violation in results["violations"]:
            targets = "; ".join(_selector(node["target"]) for node in violation["nodes"])
            self.problems.append(f"  {label}: {violation['id']} ({violation['impact']}) "
                                 f"{violation['help']}\n      at {targets}")
        for item in results["incomplete"]:
            self.incomplete[item["id"]] += len(item["nodes"])
            INCOMPLETE_NODES[item["id"]] += len(item["nodes"])
            INCOMPLETE_PAGES[item["id"]] += 1

    def finish(self) -> None:
        assert self.pages, f"{self.where}: axe ran on no page"
        if self.incomplete:
            summary = ", ".join(f"{rule} x{n}" for rule, n in sorted(self.incomplete.items()))
            print(f"\naxe incomplete, for a human to review ({self.where}): {summary}")
        assert not self.problems, (f"axe-core found {len(self.problems)} violation(s) "
                                   f"({self.where}):\n" + "\n".join(self.problems))


def _selector(target) -> str:
    return " >>> ".join(_selector(t) if isinstance(t, list) else str(t) for t in target)


def horizontal_overflow(page) -> dict:
    """scrollWidth against innerWidth, and which elements stick out of the viewport."""
    return page.evaluate("""() => {
        const width = window.innerWidth;
        const out = [];
        for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue;
            if (r.right > width + 1 || r.left < -1) {
                const style = getComputedStyle(el);
                if (style.position === 'absolute' && (r.right < 0 || r.left > width)) continue;
                out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                         (el.className && typeof el.className === 'string'
                          ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
                         ` [${Math.round(r.left)}..${Math.round(r.right)}]`);
            }
        }
        return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
                outside: out.slice(0, 10)};
    }""")


def assert_reflows(page, label: str) -> None:
    found = horizontal_overflow(page)
    assert found["scrollWidth"] <= found["innerWidth"], (
        f"{label}: scrolls sideways at {found['innerWidth']} px (scrollWidth "
        f"{found['scrollWidth']}); elements outside the viewport: {found['outside']}")


TEXT_SPACING_CSS = ("* { line-height: 1.5 !important; letter-spacing: 0.12em !important; "
                    "word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }")


def clipped_text(page) -> list[str]:
    """Elements with text whose overflow is hidden/clip and whose content no longer fits.

    Visually-hidden text (clipped to 1 px on purpose, for screen readers) is not shown to
    anyone, so it is left out.
    """
    return page.evaluate("""() => {
        const clips = v => v === 'hidden' || v === 'clip';
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
            if (!el.textContent.trim()) continue;
            const style = getComputedStyle(el);
            if (style.display === 'none' || style.visibility === 'hidden') continue;
            if (el.clientWidth <= 1 || el.clientHeight <= 1) continue;  // visually hidden
            if (style.clipPath === 'inset(50%)') continue;
            const wide = clips(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
            const tall = clips(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
            if (wide || tall) {
                out.push(`${el.tagName.toLowerCase()}.${el.className} (${el.scrollWidth}x` +
                         `${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight})`);
            }
        }
        return out;
    }""")
