"""Faults: a worker killed mid-upload, a full or read-only disk, backup and restore."""
import errno
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from sqlalchemy import func, select

from portal import db
from portal.consultations.models import Submission
from portal.media import storage
from portal.media.models import StoredFile
from tests.helpers import PASSWORD, png_bytes, post_form, sign_in
from tests.reliability.server import Browser, gunicorn, portal_env, workers_of

FLASK = Path(sys.executable).with_name("flask")


def _stored(app):
    with app.app_context():
        rows = (db.session().scalar(select(func.count()).select_from(StoredFile)),
                db.session().scalar(select(func.count()).select_from(Submission)))
    files = [p for p in app.config["PORTAL"].upload_dir.rglob("*") if p.is_file()]
    return rows, files


def test_a_worker_killed_mid_upload_leaves_no_file_and_no_row(app, make, test_config):
    make.child(10, username="killed10")
    with gunicorn(test_config, workers=1, threads=1) as (url, process):
        browser = Browser(url)
        browser.sign_in("killed10", PASSWORD)
        token = browser.token("/my-say/picture")
        cookie = "; ".join(f"{c.name}={c.value}" for c in browser.http.cookies)
        body = (b"--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                + token.encode() + b"\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; "
                b"filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n" + png_bytes((800, 600)))
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as raw:
            raw.sendall(b"POST /my-say/picture HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Content-Type: multipart/form-data; boundary=b\r\n"
                        + f"Content-Length: {len(body) * 4}\r\nCookie: {cookie}\r\n\r\n".encode()
                        + body[: len(body) // 2])
            time.sleep(0.5)  # the worker is now reading the upload
            for pid in workers_of(process):
                os.kill(pid, signal.SIGKILL)
        _wait_for_a_worker(url)
    assert _stored(app) == ((0, 0), [])


def _wait_for_a_worker(url: str) -> None:
    for _ in range(60):  # gunicorn starts a new worker, which answers again
        try:
            if requests.get(url + "/help", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.5)
    raise AssertionError("no worker came back after the kill")


def _sweep(test_config, *options: str) -> str:
    done = subprocess.run([str(FLASK), "--app", "portal", "sweep-uploads", *options],
                          env=portal_env(test_config), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_a_worker_killed_between_file_and_commit_leaves_an_orphan_the_sweep_removes(
        app, make, test_config, tmp_path):
    """Killed after the upload's files are written and before its rows are committed."""
    make.child(10, username="orphan10")
    marker = tmp_path / "paused-before-commit"
    with gunicorn(test_config, workers=1, threads=1, app="tests.reliability.paused_app:app",
                  env={"PORTAL_TEST_PAUSE_MARKER": str(marker)}) as (url, _process):
        browser = Browser(url)
        browser.sign_in("orphan10", PASSWORD)
        token = browser.token("/my-say/picture")
        answered = []

        def upload() -> None:
            try:
                answered.append(browser.http.post(
                    url + "/my-say/picture", data={"csrf_token": token, "visibility": "isro"},
                    files={"file": ("p.png", png_bytes((800, 600)), "image/png")},
                    allow_redirects=False, timeout=60).status_code)
            except requests.RequestException as exc:
                answered.append(type(exc).__name__)

        sending = threading.Thread(target=upload)
        sending.start()
        for _ in range(600):  # the test-only hook says when the worker is about to commit
            if marker.exists() and marker.read_text():
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the upload never reached its commit")
        written = _stored(app)
        os.kill(int(marker.read_text()), signal.SIGKILL)
        sending.join(timeout=60)
        _wait_for_a_worker(url)

    # Expected: the picture and its thumbnail were in the upload folder when the worker
    # died; no row names them, and the child was never told it was sent.
    assert written[0] == (0, 0) and len(written[1]) == 2
    assert answered and answered[0] != 302
    assert _stored(app) == ((0, 0), written[1])

    # Expected: the sweep lists exactly those two files and deletes nothing...
    listed = _sweep(test_config)
    assert "2 orphan file(s)" in listed
    assert {line.split(" ", 1)[1] for line in listed.splitlines()
            if line.startswith("orphan ")} == {str(path) for path in written[1]}
    assert all(path.exists() for path in written[1])
    # ...and with --delete removes them, after which there is nothing left to find.
    deleted = _sweep(test_config, "--delete")
    assert "2 orphan file(s)" in deleted
    assert _stored(app) == ((0, 0), [])
    assert "0 orphan file(s)" in _sweep(test_config)


def test_a_read_only_or_full_disk_gives_a_clear_message_and_writes_nothing(
        app, make, monkeypatch):
    make.child(11, username="diskfull11")
    client = app.test_client()
    sign_in(client, "diskfull11")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.tempfile, "mkstemp", full)
    response = post_form(client, "/my-say/picture", {
        "file": (io.BytesIO(png_bytes()), "p.png"), "title": "My room", "visibility": "isro"},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "We could not save that just now" in page
    assert 'value="My room"' in page
    assert _stored(app) == ((0, 0), [])


def test_backup_and_restore_round_trip(app, make, test_config, tmp_path):
    from dataclasses import replace

    from portal import create_app, migrate

    database = tmp_path / "live.sqlite3"
    config = replace(test_config, database_url=f"sqlite:///{database}",
                     upload_dir=tmp_path / "uploads", instance_dir=tmp_path / "instance")
    migrate.upgrade(config.database_url)
    live = create_app(config)
    runner = live.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    before = sorted(p.name for p in config.upload_dir.rglob("*") if p.is_file())
    assert before  # the demo drawing
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    for path in config.upload_dir.rglob("*"):
        if path.is_file():
            path.unlink()
    with live.app_context():
        from portal.accounts.operations import find_account

        db.session().delete(find_account("child.demo"))
        db.session().commit()
    result = runner.invoke(args=["restore", "--yes", str(archive)])
    assert result.exit_code == 0, result.output
    after = sorted(p.name for p in config.upload_dir.rglob("*") if p.is_file())
    assert after == before
    restored = create_app(config)
    with restored.app_context():
        from portal.accounts.operations import find_account

        assert find_account("child.demo") is not None


def test_backup_refuses_postgresql(app, tmp_path):
    from portal import backup

    try:
        backup.backup("postgresql+psycopg://x@h/db", tmp_path, tmp_path / "b.tar.gz")
    except backup.BackupError as exc:
        assert "pg_dump" in str(exc)
    else:
        raise AssertionError("a PostgreSQL backup must be refused")


def test_sweep_finds_orphan_files(app, make):
    child = make.child(9)
    make.picture(child)
    orphan = app.config["PORTAL"].upload_dir / "ab" / ("ab" + "0" * 30 + ".jpg")
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"left by a crash")
    result = app.test_cli_runner().invoke(args=["sweep-uploads", "--delete"])
    assert "1 orphan file(s)" in result.output and not orphan.exists()
    assert len(_stored(app)[1]) == 2  # the picture and its thumbnail stay
