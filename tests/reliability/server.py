"""Run the portal under gunicorn, as in production, for reliability and load tests."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.helpers import CSRF

GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def portal_env(config, **extra: str) -> dict[str, str]:
    """The environment that makes the portal (gunicorn, the flask command) use ``config``'s
    database and upload folder."""
    return {**os.environ, "PORTAL_ENV": "development", "PORTAL_SECRET_KEY": config.secret_key,
            "PORTAL_DATABASE_URL": config.database_url,
            "PORTAL_UPLOAD_DIR": str(config.upload_dir),
            "PORTAL_INSTANCE_DIR": str(config.instance_dir),
            "PORTAL_SIGN_IN_TRIES_PER_ADDRESS": "100000 per minute", **extra}


@contextmanager
def gunicorn(config, *, workers: int = 2, threads: int = 8, app: str = "portal:create_app()",
             env: dict[str, str] | None = None):
    """Serve ``config``'s database and upload folder on a free port; yields (url, process).

    gunicorn's log goes to a file, not a pipe nobody reads: a pipe would fill with the
    tracebacks of a failing run and then block the workers writing to it."""
    port = free_port()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [str(GUNICORN), "--workers", str(workers), "--threads", str(threads), "--bind",
         f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "2", app],
        env=portal_env(config, **(env or {})), stdout=subprocess.DEVNULL, stderr=log,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a busy machine may take a while to start
        while True:
            try:
                requests.get(url + "/help", timeout=5)
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError("gunicorn did not start:\n"
                                       + log.read().decode(errors="replace")[-2000:]) from None
                time.sleep(0.25)
        yield url, process
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
        log.close()


def workers_of(process) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


class Browser:
    """A person's browser: keeps cookies, reads CSRF tokens from pages."""

    def __init__(self, url: str, *, new_connection_each_time: bool = False) -> None:
        self.url, self.http = url, requests.Session()
        if new_connection_each_time:
            # For load tests: a kept-alive connection left idle over gunicorn's keep-alive
            # (2 s), as one of a hundred client threads waiting for its turn can be, is
            # closed by gunicorn as the next request goes out: "Remote end closed
            # connection without response", a fault of the test's client, not the portal.
            self.http.headers["Connection"] = "close"

    def token(self, path: str) -> str:
        return CSRF.search(self.http.get(self.url + path, timeout=120).text).group(1)

    def sign_in(self, username: str, password: str) -> None:
        response = self.http.post(self.url + "/sign-in", data={
            "csrf_token": self.token("/sign-in"), "username": username, "password": password},
            allow_redirects=False, timeout=120)
        assert response.status_code == 302, response.status_code

    def post(self, path: str, data: dict, files: dict | None = None, page: str | None = None):
        data = {"csrf_token": self.token(page or path), **data}
        return self.http.post(self.url + path, data=data, files=files, allow_redirects=False,
                              timeout=60)


def send_poem_or_picture(browser: Browser, url: str, token: str, title: str, count: int,
                         picture: bytes):
    """One child's next submission in a load test: every third a picture, else a poem."""
    if count % 3 == 2:
        return browser.http.post(url + "/my-say/picture", data={
            "csrf_token": token, "title": title, "visibility": "isro"},
            files={"file": ("p.png", picture, "image/png")}, allow_redirects=False,
            timeout=60)
    return browser.http.post(url + "/my-say/poem", data={
        "csrf_token": token, "title": title, "text": "Line\n" * 20, "visibility": "isro"},
        allow_redirects=False, timeout=60)
