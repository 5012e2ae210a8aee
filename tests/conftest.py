"""Shared fixtures: one app and database per test session, emptied after each test.

The suite runs on SQLite by default, and on PostgreSQL when PORTAL_TEST_DATABASE_URL
is set (CI sets postgresql+psycopg://postgres@127.0.0.1:5432/test).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from portal import create_app
from portal.accounts import passwords
from portal.config import Config
from portal.models import Base
from portal.security import limiter

pytest_plugins = ["tests.helpers", "tests.seaweed"]


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Real argon2id, cheaper settings: the production settings are tested on their own."""
    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    real, dummy = passwords._hasher, passwords._DUMMY_HASH
    passwords._hasher, passwords._DUMMY_HASH = fast, fast.hash("not a real password")
    yield
    passwords._hasher, passwords._DUMMY_HASH = real, dummy


def _database_url(tmp: Path) -> str:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp / 'test.sqlite3'}"


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def test_config(tmp_path_factory) -> Config:
    tmp = tmp_path_factory.mktemp("portal")
    return Config(
        env="testing", secret_key="test-secret-key-" + "x" * 32, database_url=_database_url(tmp),
        instance_dir=tmp / "instance", upload_dir=tmp / "uploads",
        base_url="http://localhost",
    )


@pytest.fixture(scope="session")
def app(test_config):
    from portal import migrate

    if test_config.database_url.startswith("postgresql"):
        _reset_postgres(test_config.database_url)
    migrate.upgrade(test_config.database_url)
    application = create_app(test_config)
    yield application
    application.extensions["portal.engine"].dispose()


@pytest.fixture(autouse=True)
def clean_store(request):
    """Empty every table and the rate limits after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    engine = application.extensions["portal.engine"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    with application.app_context():
        limiter.reset()
    # A test with Redis unreachable leaves Flask-Limiter counting in its in-memory fallback,
    # which reset() does not clear: later tests would start over a limit. Back to the real
    # storage, and the fallback emptied. (Flask-Limiter has no public call for this.)
    limiter._storage_dead = False
    fallback = getattr(limiter, "_fallback_storage", None)
    if fallback is not None:
        fallback.reset()
    upload_dir = application.config["PORTAL"].upload_dir
    if upload_dir.exists():
        shutil.rmtree(upload_dir)
    upload_dir.mkdir()
    shutil.rmtree(application.config["PORTAL"].instance_dir / "outbox", ignore_errors=True)


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped test is a failed test here: nothing skipped counts as passing."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped tests count as failures: {report.longrepr}"


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """A module skipped while it is collected (a module-level ``pytest.importorskip`` or
    ``pytest.skip(..., allow_module_level=True)``) is a failure too: such skips never
    reach pytest_runtest_makereport, and would otherwise pass a whole file unseen.

    The report is changed as it is made, before any pytest_collectreport hook (the
    session's, which counts failures, and the terminal's) sees it."""
    report = yield
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"{report.nodeid}: skipped at collection counts as a failure: {reason}"
    return report


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` (several hosts sharing one database) run on the
    PostgreSQL pass only: on SQLite they are deselected, said so, never skipped."""
    if os.environ.get("PORTAL_TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
