"""Fixtures for the job queue: Redis db 5 (fails loudly when Redis is not running), real
`flask --app portal worker` processes, and a real SMTP relay on this machine."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest
import redis

from portal.config import PROJECT_ROOT

REDIS_URL = "redis://127.0.0.1:6379/5"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, *, seconds: float = 20, what: str = "it"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds} s for {what}")


def empty_redis(url: str) -> redis.Redis:
    """A connection to this Redis db, emptied. No Redis: the test fails, saying so (it is
    never skipped)."""
    connection = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"these tests need Redis at {url}: {error}")
    connection.flushdb()
    return connection


@pytest.fixture
def redis_queue(app, monkeypatch):
    """The app with PORTAL_REDIS_URL set, on an empty Redis db 5."""
    connection = empty_redis(REDIS_URL)
    monkeypatch.setitem(app.config, "PORTAL", replace(app.config["PORTAL"], redis_url=REDIS_URL))
    app.extensions.pop("portal.jobs.redis", None)
    yield connection
    app.extensions.pop("portal.jobs.redis", None)
    connection.flushdb()
    connection.close()


class Workers:
    """Real worker processes, each in its own process group (killed whole, as systemd
    does with a unit's processes)."""

    def __init__(self, app, tmp_path: Path):
        config = app.config["PORTAL"]
        self.env = {
            **os.environ, "PORTAL_ENV": "testing", "PORTAL_SECRET_KEY": config.secret_key,
            "PORTAL_DATABASE_URL": config.database_url, "PORTAL_REDIS_URL": REDIS_URL,
            "PORTAL_INSTANCE_DIR": str(config.instance_dir),
            "PORTAL_UPLOAD_DIR": str(config.upload_dir),
            "PORTAL_JOB_HEARTBEAT_SECONDS": "1", "PORTAL_JOB_LEASE_SECONDS": "3",
            "PORTAL_JOB_SWEEP_SECONDS": "1",
        }
        if config.smtp_host:
            self.env.update(PORTAL_SMTP_HOST=config.smtp_host,
                            PORTAL_SMTP_PORT=str(config.smtp_port), PORTAL_SMTP_STARTTLS="0")
        self.tmp_path = tmp_path
        self.running: list[subprocess.Popen] = []

    def start(self, **env) -> subprocess.Popen:
        log = (self.tmp_path / f"worker-{len(self.running)}.log").open("w")
        process = subprocess.Popen(
            [str(PROJECT_ROOT / ".venv/bin/flask"), "--app", "portal", "worker"],
            cwd=PROJECT_ROOT, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """kill -9 the worker itself (not its work horse, which must die with it)."""
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    @staticmethod
    def alive(pid: int) -> bool:
        """Whether a process is running (a zombie, dead but not yet reaped, is not)."""
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.tmp_path.glob("worker-*.log")))

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


@pytest.fixture
def workers(app, redis_queue, tmp_path):
    running = Workers(app, tmp_path)
    yield running
    running.stop_all()


@pytest.fixture
def relay_port(app, monkeypatch) -> int:
    """The app sends mail to 127.0.0.1 on this port, where nothing listens yet."""
    port = free_port()
    monkeypatch.setitem(app.config, "PORTAL", replace(
        app.config["PORTAL"], smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
        advocacy_email="advocacy@service.example"))
    return port


class Relay:
    """A real SMTP server (aiosmtpd) that can be switched on and off."""

    def __init__(self, port: int):
        self.port, self.received, self.controller = port, [], None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        received = self.received

        class Keep:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's
                received.append((envelope.rcpt_tos, envelope.content.decode()))
                return "250 OK"

        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def relay(relay_port):
    kept = Relay(relay_port)
    yield kept
    kept.stop()
