"""Browser fixtures: the test app served on a real port, one Chromium, the demo people.

Uses the session-scoped ``app`` from tests/conftest.py, so the browser sees the same
database the tests set up, and ``clean_store`` empties it after every test.

Chromium must be at /usr/bin/chromium. If it is missing the tests FAIL (never skip):
a browser suite that quietly does not run checks nothing.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.support import CHROMIUM, LAUNCH_ARGS, Portal
from tests.helpers import PASSWORD, TOTP_SECRET


class QuietHandler(WSGIRequestHandler):
    """No line per request in the test output (errors still reach the app's log)."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture(scope="session")
def live_server(app):
    """The test app on 127.0.0.1 at a free port, in a daemon thread. Yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: the browser tests cannot run",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo(app):
    """The demo people (child.demo, isro.demo ...), every password tests.helpers.PASSWORD."""
    from portal import demo as demo_data

    with app.app_context():
        return demo_data.load(password=PASSWORD, totp_secret=TOTP_SECRET)


@pytest.fixture
def portal(app, live_server, browser, demo):
    """Opens browser contexts on the live server; closes them all after the test."""
    helper = Portal(app=app, base_url=live_server, browser=browser, password=demo.password)
    yield helper
    helper.close()


def pytest_terminal_summary(terminalreporter):
    from tests.browser.support import INCOMPLETE_NODES, INCOMPLETE_PAGES

    if not INCOMPLETE_NODES:
        return
    terminalreporter.section("axe-core: incomplete results, for a human to review")
    for rule, nodes in sorted(INCOMPLETE_NODES.items()):
        terminalreporter.write_line(f"{rule}: {nodes} node(s) on {INCOMPLETE_PAGES[rule]} page(s)")
