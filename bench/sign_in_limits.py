"""Sign-in limits under gunicorn with 4 workers, as a penetration test would try them:

1. wrong passwords for one account, 24 at once from 8 threads: how many were checked
   (the rest refused as locked) — must be 5 — and whether the right password then works;
2. /help latency while 6 threads send wrong current passwords to /settings/password from
   one signed-in session (each check is an argon2 hash);
3. /start with an unknown username against a known one: the median time of each.

Run: .venv/bin/python bench/sign_in_limits.py   (uses Redis at 127.0.0.1:6379, db 15)
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app, db, migrate  # noqa: E402
from portal.accounts import operations  # noqa: E402
from portal.accounts.models import Role  # noqa: E402
from portal.config import Config  # noqa: E402
from tests.helpers import CSRF  # noqa: E402
from tests.reliability.server import Browser, gunicorn  # noqa: E402

PASSWORD = "correct horse battery"
REDIS = "redis://127.0.0.1:6379/15"
KNOWN = tuple(f"known{n}.owl12" for n in range(20))


def _prepare(tmp: Path) -> Config:
    config = Config(env="development", secret_key="bench-" + "x" * 40,
                    database_url=f"sqlite:///{tmp / 'bench.sqlite3'}", instance_dir=tmp,
                    upload_dir=tmp / "uploads", redis_url=REDIS).resolved()
    migrate.upgrade(config.database_url)
    app = create_app(config)
    with app.app_context():
        for username in ("target.fox12", "changer.cat12", *KNOWN):
            account = operations.create_account(Role.CARER, username, username)
            operations.set_password(account, PASSWORD)
        for username in KNOWN:
            operations.issue_setup_code(operations.find_account(username))
        db.session().commit()
    return config


def _checked(config: Config, username: str) -> int:
    """Wrong passwords that were really checked: each writes sign_in.failed."""
    from sqlalchemy import func, select

    from portal.audit import AuditEvent

    app = create_app(config)
    with app.app_context():
        account = operations.find_account(username)
        return db.session().scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "sign_in.failed",
            AuditEvent.subject == f"account:{account.id}"))


def _wrong_password(url: str) -> str:
    http = requests.Session()
    token = CSRF.search(http.get(url + "/sign-in", timeout=60).text).group(1)
    answer = http.post(url + "/sign-in", data={"csrf_token": token, "username": "target.fox12",
                                               "password": "not the password"},
                       allow_redirects=False, timeout=60)
    return {200: "checked", 429: "locked"}.get(answer.status_code, str(answer.status_code))


def lockout(url: str, config: Config) -> None:
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: _wrong_password(url), range(24)))
    checked = _checked(config, "target.fox12")
    right = Browser(url)
    token = right.token("/sign-in")
    after = right.http.post(url + "/sign-in", data={"csrf_token": token,
                                                     "username": "target.fox12",
                                                     "password": PASSWORD},
                            allow_redirects=False, timeout=60).status_code
    print(f"lockout: 24 wrong passwords at once over 4 workers: {checked} checked "
          f"(must be 5); answers: {answers.count('checked')} 'not right', "
          f"{answers.count('locked')} 'locked'; "
          f"the right password afterwards: {after} (429 = still locked)")


def _help_latency(url: str, n: int = 20) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        requests.get(url + "/help", timeout=60)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def password_checks(url: str) -> None:
    quiet = _help_latency(url)
    person = Browser(url)
    person.sign_in("changer.cat12", PASSWORD)
    token = person.token("/settings/password")
    statuses: list[int] = []
    stop = time.monotonic() + 8

    def hammer(_):
        while time.monotonic() < stop:
            statuses.append(person.http.post(url + "/settings/password", data={
                "csrf_token": token, "current_password": "wrong", "password": "x" * 12,
                "confirm": "x" * 12}, timeout=60).status_code)

    with ThreadPoolExecutor(7) as pool:
        futures = [pool.submit(hammer, n) for n in range(6)]
        busy = pool.submit(_help_latency, url).result()
        for future in futures:
            future.result()
    print(f"/settings/password: {len(statuses)} wrong tries from 6 threads in 8 s, "
          f"{statuses.count(200)} checked, {statuses.count(429)} refused; /help median "
          f"{quiet * 1000:.0f} ms quiet, {busy * 1000:.0f} ms meanwhile")


def _start_time(url: str, username: str) -> float:
    http = requests.Session()
    token = CSRF.search(http.get(url + "/start", timeout=60).text).group(1)
    started = time.perf_counter()
    http.post(url + "/start", data={"csrf_token": token, "username": username,
                                    "code": "ABCD-EFGH-JKMN"}, timeout=60)
    return time.perf_counter() - started


def start_timing(url: str) -> None:
    unknown, known = [], []
    for n, username in enumerate(KNOWN):  # taken in turns, so load affects both alike
        unknown.append(_start_time(url, f"nobody{n}.here"))
        known.append(_start_time(url, username))
    print(f"/start ({len(KNOWN)} of each, in turns): unknown username median "
          f"{statistics.median(unknown) * 1000:.0f} ms, known username with a live code "
          f"(wrong code typed) median {statistics.median(known) * 1000:.0f} ms")


def main() -> None:
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    with tempfile.TemporaryDirectory() as folder:
        config = _prepare(Path(folder))
        with gunicorn(config, workers=4, threads=4,
                      env={"PORTAL_REDIS_URL": REDIS,
                           "PORTAL_SIGN_IN_TRIES_PER_ADDRESS": "100000 per minute"}) as (url, _):
            lockout(url, config)
            password_checks(url)
            start_timing(url)


if __name__ == "__main__":
    main()
