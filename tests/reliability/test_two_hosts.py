"""Two hosts, one service (issue 19, item 3): two gunicorn "hosts" (their own instance
folders and ports) share PostgreSQL, Redis and a real SeaweedFS S3 bucket, and 100
children send poems and pictures round-robin across them for PORTAL_LOAD_SECONDS.

Expected: no server error; every submission either host acknowledged is stored once
and readable from the other host; a session started on one host is valid on the other
(each child alternates); a sign-in lockout is counted across both; a picture uploaded
through one is served, byte for byte, by the other. Figures are printed.

PostgreSQL is the one store several hosts share, so this test is collected only on the
PostgreSQL pass of the suite (tests/conftest.py deselects it on SQLite; never skipped).
"""
from __future__ import annotations

import os
import re
import secrets
import statistics
import threading
import time
from dataclasses import replace

import pytest
import redis
from sqlalchemy import select

from portal import db
from portal.consultations.models import Submission
from tests.helpers import PASSWORD, png_bytes
from tests.reliability.server import Browser, gunicorn, send_poem_or_picture
from tests.seaweed import S3_KEY, S3_SECRET

pytestmark = [pytest.mark.load, pytest.mark.postgresql]
CHILDREN = 100
SECONDS = float(os.environ.get("PORTAL_LOAD_SECONDS", "60"))
REDIS_URL = "redis://127.0.0.1:6379/9"
SENT = re.compile(r"/my-say/sent/(\d+)$")


@pytest.fixture
def shared(test_config, seaweedfs, tmp_path):
    """What both hosts share (database, Redis, bucket), and each host's own folders."""
    endpoint, client = seaweedfs
    bucket = f"hosts-{secrets.token_hex(4)}"
    client.create_bucket(Bucket=bucket)
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {"PORTAL_REDIS_URL": REDIS_URL, "PORTAL_STORAGE_URL": f"s3://{bucket}/uploads",
           "PORTAL_S3_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": S3_KEY,
           "AWS_SECRET_ACCESS_KEY": S3_SECRET, "AWS_DEFAULT_REGION": "us-east-1"}
    hosts = [replace(test_config, instance_dir=tmp_path / f"host{n}",
                     upload_dir=tmp_path / f"host{n}" / "uploads") for n in (1, 2)]
    for host in hosts:
        host.upload_dir.mkdir(parents=True)
    yield hosts, env, (client, bucket)
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=bucket, Key=item["Key"])


def test_two_hosts_share_sessions_lockouts_files_and_every_submission(app, make, shared):
    hosts, env, (s3, bucket) = shared
    isro = make.account("isro")
    # Every host must hold the same keys (production refuses to start without them): the
    # suite's own data key, which encrypted the ISRO's second-factor secret just now.
    env["PORTAL_DATA_KEY"] = (app.config["PORTAL"].instance_dir / "data_key").read_text().strip()
    for n in range(CHILDREN):
        make.child(8 + n % 9, isro=isro, username=f"host{n}")
    make.child(12, isro=isro, username="locked.out")
    picture = png_bytes((320, 240))
    with gunicorn(hosts[0], workers=2, threads=8, env=env) as (one, _p1), \
            gunicorn(hosts[1], workers=2, threads=8, env=env) as (two, _p2):
        urls = (one, two)
        # A lockout counted across both hosts: five wrong passwords, alternating; the
        # fifth locks the account (5 per 15 minutes), whichever host it reaches.
        for attempt in range(5):
            browser = Browser(urls[attempt % 2])
            response = browser.http.post(urls[attempt % 2] + "/sign-in", data={
                "csrf_token": browser.token("/sign-in"), "username": "locked.out",
                "password": "not the password"}, allow_redirects=False, timeout=60)
            assert response.status_code == (429 if attempt == 4 else 200), attempt
        for url in urls:  # now locked on both, even with the right password
            browser = Browser(url)
            response = browser.http.post(url + "/sign-in", data={
                "csrf_token": browser.token("/sign-in"), "username": "locked.out",
                "password": PASSWORD}, allow_redirects=False, timeout=60)
            assert response.status_code == 429, (url, response.status_code)

        # A picture sent through host one, served by host two, byte for byte.
        sender = Browser(one)
        sender.sign_in("host0", PASSWORD)
        sent = sender.post("/my-say/picture", {"title": "Through one", "visibility": "isro"},
                           files={"file": ("p.png", picture, "image/png")})
        assert sent.status_code == 302, (sent.status_code, re.findall(
            r'class="error-message"[^>]*>(.*?)</', sent.text, re.S))
        item_id = int(SENT.search(sent.headers["Location"]).group(1))
        served_one = sender.http.get(f"{one}/files/{item_id}/full", timeout=60)
        sender.url = two  # the same browser, the same session cookie, the other host
        served_two = sender.http.get(f"{two}/files/{item_id}/full", timeout=60)
        assert served_two.status_code == 200 and served_two.headers["Content-Type"] == \
            served_one.headers["Content-Type"] == "image/jpeg"
        assert served_two.content == served_one.content
        assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] >= 1
        assert not any(p.is_file() for h in hosts for p in h.upload_dir.rglob("*"))

        results = _load(urls, picture)
    print(f"\ntwo hosts, {CHILDREN} children, {SECONDS:.0f} s: {results['figures']}")
    assert results["errors"] == [] and results["unexpected"] == []
    assert len(results["sent"]) > CHILDREN
    with app.app_context():
        stored = list(db.session().scalars(select(Submission.title).where(
            Submission.title.like("host% %"))))
    assert len(stored) == len(set(stored))  # nothing stored twice
    assert set(stored) == set(results["sent"])  # and nothing acknowledged lost
    # Each acknowledged submission was read back from the host that did not take it.
    assert results["read_back"] == len(results["sent"])


def _load(urls: tuple[str, str], picture: bytes) -> dict:
    sent: dict[str, int] = {}
    unexpected, errors, latencies = [], [], []
    read_back = [0]
    lock = threading.Lock()
    deadline: list[float] = []
    ready = threading.Barrier(CHILDREN,
                              action=lambda: deadline.append(time.monotonic() + SECONDS))

    def child(n: int) -> None:
        browser = token = None
        try:
            # Signs in on one host ... (a new connection each time, as a load balancer's
            # round-robin gives)
            browser = Browser(urls[n % 2], new_connection_each_time=True)
            browser.sign_in(f"host{n}", PASSWORD)
            token = browser.token("/my-say/poem")
        except Exception as exc:  # noqa: BLE001 - reported, never hidden
            errors.append(f"host{n} signing in: {exc!r}")
        ready.wait(timeout=600)
        if token is None:
            return
        count = 0
        try:
            while time.monotonic() < deadline[0]:
                url = urls[(n + count) % 2]  # ... and goes on, turn about, on both
                other = urls[(n + count + 1) % 2]
                title = f"host{n} {count}"
                started = time.monotonic()
                response = send_poem_or_picture(browser, url, token, title, count, picture)
                latencies.append(time.monotonic() - started)
                count += 1
                found = SENT.search(response.headers.get("Location", ""))
                if response.status_code == 302 and found:
                    with lock:
                        sent[title] = int(found.group(1))
                    page = browser.http.get(f"{other}/my-say/sent/{found.group(1)}",
                                            timeout=60)
                    if page.status_code == 200:
                        with lock:
                            read_back[0] += 1
                    else:
                        unexpected.append((title, "read back", page.status_code))
                elif response.status_code == 429:
                    pass  # over the sending limit: the form again, nothing stored
                else:
                    unexpected.append((title, response.status_code,
                                       response.headers.get("Location", "")))
        except Exception as exc:  # noqa: BLE001 - reported, never hidden
            errors.append(f"host{n} sending: {exc!r}")

    threads = [threading.Thread(target=child, args=(n,)) for n in range(CHILDREN)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 900)
    assert not any(t.is_alive() for t in threads)
    ordered = sorted(latencies) or [0.0]
    figures = (f"{len(latencies)} requests, {len(sent)} stored, "
               f"{len(latencies) / SECONDS:.0f} per second, median "
               f"{statistics.median(ordered) * 1000:.0f} ms, p95 "
               f"{ordered[int(len(ordered) * 0.95) - 1] * 1000:.0f} ms, 5xx and other "
               f"surprises {len(unexpected)}")
    return {"sent": sent, "unexpected": unexpected, "errors": errors,
            "read_back": read_back[0], "figures": figures}
