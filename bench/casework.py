"""Caseload and report timings at council scale, on PostgreSQL.

Seeds 10,000 children with 50 submissions each (500,000 rows) and two reviews, then
times the caseload page of a 70-child ISRO and a manager's year report.

Run: PORTAL_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
     .venv/bin/python bench/casework.py   (the database is emptied first)
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from portal import create_app, migrate
from portal.config import Config

CHILDREN, PER_CHILD, CASELOAD = 10_000, 50, 70
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # benchmark accounts only
URL = os.environ.get("PORTAL_BENCH_DATABASE_URL",
                     "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def seed(app) -> None:
    from portal import db
    from portal.accounts import operations
    from portal.accounts.models import Child, Role
    from portal.consultations.models import Submission
    from portal.reviews.models import Review

    with app.app_context():
        isros = [operations.create_account(Role.ISRO, f"isro{n}", f"ISRO {n}")
                 for n in range(CHILDREN // CASELOAD + 1)]
        manager = operations.create_account(Role.MANAGER, "manager", "Manager")
        operations.set_password(isros[0], "bench password 1")
        operations.set_password(manager, "bench password 1")
        for account in (isros[0], manager):
            account.totp_secret, account.totp_confirmed = TOTP_SECRET, True
        db.session().commit()
        today = date.today()
        session = db.session()
        children = [{"preferred_name": f"Child {n}", "date_of_birth": today - timedelta(
            days=365 * (2 + n % 15) + n % 300), "language": ("en", "ar", "ps", "ti")[n % 4],
            "needs": [], "looked_after_since": today - timedelta(days=400 + n % 500),
            "asylum_seeking": False, "isro_id": isros[n // CASELOAD].id,
            "created_at": datetime.now(UTC)} for n in range(CHILDREN)]
        ids = session.scalars(insert(Child).returning(Child.id), children).all()
        session.execute(insert(Review), [
            {"child_id": cid, "due_on": today - timedelta(days=100 + cid % 90),
             "held_on": today - timedelta(days=95 + cid % 90),
             "participation_code": f"PN{1 + cid % 7}", "kind": "later",
             "interpreter_needed": False, "created_at": datetime.now(UTC)} for cid in ids] + [
            {"child_id": cid, "due_on": today + timedelta(days=cid % 120 - 20),
             "interpreter_needed": False, "created_at": datetime.now(UTC)} for cid in ids])
        now = datetime.now(UTC)
        batch = []
        for cid in ids:
            for k in range(PER_CHILD):
                batch.append({"child_id": cid, "kind": ("form", "picture", "poem", "voice")[k % 4],
                              "status": "sent", "visibility": "isro", "answers": {},
                              "language": "en", "sent_at": now - timedelta(days=k * 7),
                              "created_at": now, "updated_at": now})
            if len(batch) >= 50_000:
                session.execute(insert(Submission), batch)
                batch.clear()
        if batch:
            session.execute(insert(Submission), batch)
        session.commit()


def timed(client, path: str, runs: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times), min(times)


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    config = Config(env="testing", secret_key="bench-" + "x" * 40, database_url=URL,
                    instance_dir=tmp, upload_dir=tmp / "uploads")
    from sqlalchemy import create_engine

    engine = create_engine(URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    migrate.upgrade(URL)
    app = create_app(config)
    started = time.perf_counter()
    seed(app)
    print(f"seeded {CHILDREN:,} children and {CHILDREN * PER_CHILD:,} submissions "
          f"in {time.perf_counter() - started:.0f} s")
    import re

    import pyotp

    def csrf_token(html: str) -> str:
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)

    def signed_in(username):
        client = app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        client.post("/sign-in", data={"csrf_token": csrf_token(page), "username": username,
                                      "password": "bench password 1"})
        page = client.get("/sign-in/code").get_data(as_text=True)
        client.post("/sign-in/code", data={"csrf_token": csrf_token(page),
                                           "code": pyotp.TOTP(TOTP_SECRET).now()})
        return client

    isro = signed_in("isro0")
    median, best = timed(isro, "/caseload")
    print(f"caseload page, 70-child ISRO:        median {median * 1000:6.0f} ms, best "
          f"{best * 1000:6.0f} ms")
    time.sleep(31)  # a TOTP code works once: wait for the next one
    manager = signed_in("manager")
    median, best = timed(manager, "/caseload")
    print(f"caseload page, manager (10,000):     median {median * 1000:6.0f} ms, best "
          f"{best * 1000:6.0f} ms")
    median, best = timed(manager, "/reports/", runs=3)
    print(f"manager's year report (all tables):  median {median * 1000:6.0f} ms, best "
          f"{best * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
