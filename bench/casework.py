"""Caseload and report timings at council scale, on PostgreSQL.

Seeds 10,000 children with 50 submissions each (500,000 rows) and two reviews, then
times the caseload page, "new across my caseload" and the next 8 weeks' reviews of a
70-child ISRO, and a manager's caseload and year report: median and 95th percentile of 20
requests (after one to warm up), the statements per request (counted with
``before_cursor_execute``), the time spent waiting on them and the Python CPU time.

Run: .venv/bin/python bench/casework.py [--reuse] [--isro-only] [--tables]
                                        [--profile [--explain]]
Uses, and first empties, the PostgreSQL database "bench" (made if missing;
PORTAL_BENCH_DATABASE_URL for another; not "test", where the suite may be running);
--reuse keeps the data of the last run; --tables times only each table family of the year
report (reports.tables, profile and service) called directly; --profile prints each page's
slowest statements (--explain: with their plans) and a cProfile of one request (--tottime
to sort by it).

Measured 2026-12-02, 2 cores (AMD EPYC VM), PostgreSQL 15, other test runs on the same
machine (load average 3 to 9, so the wall times are pessimistic; the CPU time is not):
                       before (queries)                 after (queries)
  /caseload            median 687 ms, 14 (265 analysed)  median 37-50 ms, p95 49-58, 8
  /new (210 items)     median 192 ms,  6 (219 analysed)  median 42-65 ms, p95 63-105, 5
  /reviews/next-8-wks  median 157 ms,  4                 median 24-35 ms, p95 35-53, 4
  manager's caseload   median 341 ms, not counted        median 171-184 ms, 11
"Before" was timed on a database without planner statistics (this server runs without
autovacuum; the seed now ends with ANALYZE) and, in brackets, again after ANALYZE.

Year report tables (--tables: each family called directly, median of 5, financial year,
load average 1.5 to 4), 2026-12-02:
  review tables (reports.tables)   before 2.4-2.9 s (submissions alone 0.9-2.9 s)
                                   after 0.25 s (submissions 0.23 s: one pass, the age
                                   band from the days each child turned 4, 8, 13, 16, 18)
  service tables (reports.service) 0.06 s;  child profile (reports.profile) 0.10 s
  every table family               0.42 s
Again with the voice of the children and "How was my review?" (2026-12-02, later, quiet
machine): voice of the children 0.32 s (the slowest family: every sent submission of the
year, grouped per child and way), feedback and advocacy 4 ms, every family 0.67 s; the
annual report document as a page (/reports/annual, every section, 25 queries): median
637 ms, p95 672 ms (334 ms waiting on SQL, 318 ms of Python CPU); the manager's year
report page: median 314 ms.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, text, update

from portal import create_app, migrate
from portal.config import Config

CHILDREN, PER_CHILD, CASELOAD = 10_000, 50, 70
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # benchmark accounts only
DATA_KEY = "x7v6sGSwX5m0GxV6W9ycT0rEcX7t4p0L3kqXyq2n9XU="  # so --reuse can read the secrets
URL = os.environ.get("PORTAL_BENCH_DATABASE_URL",
                     "postgresql+psycopg://postgres@127.0.0.1:5432/bench")


def ensure_database(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    wanted = make_url(url)
    server = create_engine(wanted.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                           {"name": wanted.database}):
            conn.execute(text(f'CREATE DATABASE "{wanted.database}"'))
    server.dispose()


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
        # The first ISRO has read everything but the last fortnight's, as on a working day.
        session.execute(text(
            "INSERT INTO read_marks (account_id, submission_id, read_at) "
            "SELECT :isro, s.id, now() FROM submissions s JOIN children c ON c.id = s.child_id "
            "WHERE c.isro_id = :isro AND s.sent_at < now() - interval '14 days'"),
            {"isro": isros[0].id})
        session.commit()
        # The planner's statistics, as autovacuum would gather them on a live server (it is
        # off on this one): without them PostgreSQL guesses a few hundred submissions and
        # scans all 500,000 for a caseload's.
        session.execute(text("ANALYZE"))
        session.commit()


def seed_service(app) -> None:
    """What the annual report's service tables count: ISROs' FTE, late reviews' reasons,
    published letters (minutes), three ISRO contacts a child, a challenge for one child
    in twenty, an advocate for one in ten. Added to a --reuse database that lacks them."""
    from portal import db
    from portal.accounts.models import Account, Link, LinkKind, Role
    from portal.casework.models import Challenge, Contact
    from portal.reviews.models import Letter, Review

    with app.app_context():
        session = db.session()
        if session.scalar(text("SELECT count(*) FROM contacts")):
            return
        now, today = datetime.now(UTC), date.today()
        session.execute(text("UPDATE accounts SET fte = CASE WHEN id % 3 = 0 THEN 0.6 "
                             "ELSE 1.0 END WHERE role = 'isro'"))
        reasons = ("social_worker", "placement", "booking_error", "isro", "other", None)
        held = session.execute(text(
            "SELECT id, child_id, held_on, due_on FROM reviews WHERE held_on IS NOT NULL"
        )).all()
        late = [{"id": rid, "late_reason": reasons[rid % 6]}
                for rid, _child, on, due in held if on > due]
        if late:
            session.execute(update(Review), late)
        session.execute(insert(Letter), [
            {"review_id": rid, "child_id": cid, "sections": {}, "actions": [],
             "shared_with_carer": False, "deadline_on": on + timedelta(days=28),
             "first_published_at": None if rid % 7 == 0 else datetime.combine(
                 on + timedelta(days=10 + rid % 30), datetime.min.time(), UTC),
             "updated_at": now, "lock_version": 1} for rid, cid, on, _due in held])
        children = [cid for cid, in session.execute(text("SELECT id FROM children"))]
        session.execute(insert(Contact), [
            {"child_id": cid, "on": today - timedelta(days=30 + 60 * k + cid % 50),
             "how": ("visit", "phone", "video", "message", "other")[(cid + k) % 5],
             "created_at": now} for cid in children for k in range(3)])
        themes = ("drift_delay", "placement", "contact", "staff_change", "education")
        session.execute(insert(Challenge), [
            {"child_id": cid, "raised_on": today - timedelta(days=cid % 300),
             "theme": themes[cid % 5], "concern": "Bench", "stage": ("informal", "formal",
                                                                     "escalated")[cid % 3],
             "outcome": ("open", "resolved", "partly_resolved", "not_resolved")[cid % 4],
             "updated_at": now} for cid in children[::20]])
        advocate = Account(username="bench.advocate", role=Role.ADVOCATE,
                           display_name="Advocate")
        session.add(advocate)
        session.flush()
        session.execute(insert(Link), [
            {"kind": LinkKind.ADVOCATE, "account_id": advocate.id, "child_id": cid,
             "starts_on": today - timedelta(days=200)} for cid in children[::10]])
        session.commit()
        session.execute(text("ANALYZE"))
        session.commit()


def time_report_tables(app, runs: int = 5) -> None:
    """Each table family of the year report, called directly: median of ``runs`` (after
    one to warm up), and the whole set."""
    from portal.reports import profile, service, tables, voice

    families = (("reviews by month", tables.reviews_by_month),
                ("participation codes", tables.participation),
                ("letters on time", tables.letters_on_time),
                ("submissions (kind, who, age, language)", tables.submissions),
                ("child profile (903)", profile.profile_tables),
                ("caseload per ISRO", service.caseloads),
                ("late reviews by reason", service.late_reviews),
                ("advocates", service.advocates),
                ("challenges by theme, stage, outcome", service.challenges),
                ("minutes within 20 working days", service.minutes_on_time),
                ("visits and contacts", service.contacts),
                ("voice of the children", voice.voice_tables),
                ("how was my review, advocacy requests", voice.feedback_tables))
    start, end = tables.financial_year(date.today())
    whole = []
    with app.app_context():
        spent = {}
        for _run in range(runs + 1):
            started_all = time.perf_counter()
            for label, family in families:
                started = time.perf_counter()
                family(start, end)
                spent.setdefault(label, []).append(time.perf_counter() - started)
            whole.append(time.perf_counter() - started_all)
    for label, _family in families:
        print(f"  {label:<40} median {statistics.median(spent[label][1:]) * 1000:5.0f} ms")
    print(f"  {'every table family':<40} median {statistics.median(whole[1:]) * 1000:5.0f} ms")


class Counter:
    """Statements and the time spent in the database, per request (``before_cursor_execute``
    and ``after_cursor_execute`` on the app's engine)."""

    def __init__(self, engine):
        self.statements: list[tuple[str, float]] = []
        self.parameters: list = []
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, *args):
        self.parameters.append(parameters)
        self._started = time.perf_counter()

    def _after(self, conn, cursor, statement, *args):
        self.statements.append((statement, time.perf_counter() - self._started))


def timed(client, counter: Counter, path: str, runs: int = 20) -> dict:
    """Median and 95th percentile of ``runs`` requests (after one to warm up), with the
    statements of each request (the same every time) and their total time."""
    assert client.get(path).status_code == 200, path
    times, queries, in_sql, cpu = [], set(), [], []
    for _ in range(runs):
        counter.statements.clear()
        counter.parameters.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (path, response.status_code)
        queries.add(len(counter.statements))
        in_sql.append(sum(spent for _, spent in counter.statements))
    times.sort()
    return {"median": statistics.median(times), "p95": times[max(0, -(-95 * runs // 100) - 1)],
            "queries": "/".join(map(str, sorted(queries))), "sql": statistics.median(in_sql),
            "cpu": statistics.median(cpu)}


def show(label: str, figures: dict) -> None:
    print(f"{label:<38} median {figures['median'] * 1000:5.0f} ms, p95 "
          f"{figures['p95'] * 1000:5.0f} ms, {figures['queries']:>3} queries "
          f"(median {figures['sql'] * 1000:.0f} ms waiting on SQL, "
          f"{figures['cpu'] * 1000:.0f} ms of Python CPU)")


def profile(client, counter: Counter, path: str) -> None:
    """--profile: the slowest statements of one request and where Python spends its time."""
    import cProfile
    import pstats

    assert client.get(path).status_code == 200, path
    counter.statements.clear()
    counter.parameters.clear()
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    print(f"\n== {path}: {len(counter.statements)} statements")
    for statement, spent in sorted(counter.statements, key=lambda s: -s[1])[:8]:
        print(f"  {spent * 1000:6.1f} ms  {' '.join(statement.split())[:160]}")
    if "--explain" in sys.argv[1:]:
        engine = client.application.extensions["portal.engine"]
        with engine.connect() as conn:
            for (statement, _), parameters in zip(counter.statements, counter.parameters,
                                                  strict=True):
                if statement.lstrip().startswith("SELECT"):
                    plan = conn.exec_driver_sql("EXPLAIN ANALYZE " + statement, parameters)
                    print(" ".join(statement.split())[:300])
                    print("\n".join(f"    {line}" for line, in plan))
    order = "tottime" if "--tottime" in sys.argv else "cumulative"
    pstats.Stats(profiler).sort_stats(order).print_stats(
        int(os.environ.get("BENCH_PROFILE_LINES", "25")))


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    config = Config(env="testing", secret_key="bench-" + "x" * 40, database_url=URL,
                    instance_dir=tmp, upload_dir=tmp / "uploads", data_key=DATA_KEY)
    from sqlalchemy import create_engine

    ensure_database(URL)
    reuse = "--reuse" in sys.argv[1:]  # keep a database seeded by an earlier run
    if not reuse:
        engine = create_engine(URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrate.upgrade(URL)
    app = create_app(config)
    if not reuse:
        started = time.perf_counter()
        seed(app)
        print(f"seeded {CHILDREN:,} children and {CHILDREN * PER_CHILD:,} submissions "
              f"in {time.perf_counter() - started:.0f} s")
    seed_service(app)
    if "--tables" in sys.argv[1:]:
        print("year report tables, called directly (financial year):")
        time_report_tables(app)
        return
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

    counter = Counter(app.extensions["portal.engine"])
    isro = signed_in("isro0")
    if "--profile" in sys.argv[1:]:
        for path in ("/caseload", "/new"):
            profile(isro, counter, path)
        return
    show("caseload page, 70-child ISRO", timed(isro, counter, "/caseload"))
    show("new across the caseload (210 items)", timed(isro, counter, "/new"))
    show("reviews in the next 8 weeks", timed(isro, counter, "/reviews/next-8-weeks"))
    if "--isro-only" in sys.argv[1:]:
        return
    time.sleep(31)  # a TOTP code works once: wait for the next one
    manager = signed_in("manager")
    show("caseload page, manager (10,000)", timed(manager, counter, "/caseload", runs=5))
    show("manager's year report (all tables)", timed(manager, counter, "/reports/", runs=3))
    show("the annual report document (HTML)", timed(manager, counter, "/reports/annual", runs=3))
    print("year report tables, called directly (financial year):")
    time_report_tables(app)

if __name__ == "__main__":
    main()
