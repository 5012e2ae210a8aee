from pathlib import Path

import pytest

from portal.config import Config, ConfigError


def test_development_generates_a_secret_once_and_keeps_it(tmp_path):
    first = Config.from_env({"PORTAL_INSTANCE_DIR": str(tmp_path)})
    second = Config.from_env({"PORTAL_INSTANCE_DIR": str(tmp_path)})
    assert len(first.secret_key) >= 32 and first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    config = Config.from_env({"PORTAL_INSTANCE_DIR": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path / 'portal.sqlite3'}"


def test_every_portal_variable_is_read(tmp_path):
    config = Config.from_env({
        "PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "k" * 40,
        "PORTAL_DATABASE_URL": "postgresql+psycopg://u@h/db", "PORTAL_UPLOAD_DIR": "/srv/up",
        "PORTAL_REDIS_URL": "redis://127.0.0.1:6379/0", "PORTAL_INSTANCE_DIR": str(tmp_path),
    })
    assert config.is_production and config.secret_key == "k" * 40
    assert config.database_url == "postgresql+psycopg://u@h/db"
    assert config.upload_dir == Path("/srv/up") and config.redis_url.startswith("redis://")


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError):
        Config.from_env({"PORTAL_ENV": "staging"})


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    from sqlalchemy import text

    from portal.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
