from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from portal.config import Config, ConfigError


def test_development_generates_a_secret_once_and_keeps_it(tmp_path):
    first = Config.from_env({"PORTAL_INSTANCE_DIR": str(tmp_path)})
    second = Config.from_env({"PORTAL_INSTANCE_DIR": str(tmp_path)})
    assert len(first.secret_key) >= 32 and first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    config = Config.from_env({"PORTAL_INSTANCE_DIR": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path / 'portal.sqlite3'}"


DATA_KEY = Fernet.generate_key().decode()
PRODUCTION = {
    "PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "k" * 40, "PORTAL_DATA_KEY": DATA_KEY,
    "PORTAL_DATABASE_URL": "postgresql+psycopg://u@h/db", "PORTAL_UPLOAD_DIR": "/srv/up",
    "PORTAL_REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_every_portal_variable_is_read(tmp_path):
    config = Config.from_env({
        **PRODUCTION, "PORTAL_INSTANCE_DIR": str(tmp_path),
        "PORTAL_DUTY_EMAIL": "duty@council.example", "PORTAL_FLAG_ACK_MINUTES": "90",
        "PORTAL_OFFICE_HOURS": "Mon-Thu 08:30-17:00, Fri 08:30-16:30",
        "PORTAL_EDT_PHONE": "01234 000 999",
    })
    assert config.is_production and config.secret_key == "k" * 40
    assert config.database_url == "postgresql+psycopg://u@h/db"
    assert config.upload_dir == Path("/srv/up") and config.redis_url.startswith("redis://")
    assert config.data_key == DATA_KEY and config.duty_email == "duty@council.example"
    assert config.flag_ack_minutes == 90 and config.edt_phone == "01234 000 999"
    assert config.hours.days[4][1].strftime("%H:%M") == "16:30"


@pytest.mark.parametrize("without, says", [
    ("PORTAL_REDIS_URL", "PORTAL_REDIS_URL must be set in production"),
    ("PORTAL_DATA_KEY", "PORTAL_DATA_KEY must be set in production"),
    ("PORTAL_SECRET_KEY", "PORTAL_SECRET_KEY must be set"),
])
def test_production_refuses_to_start_without(without, says):
    settings = {k: v for k, v in PRODUCTION.items() if k != without}
    with pytest.raises(ConfigError, match=says):
        Config.from_env(settings)


def test_production_may_count_limits_in_memory_only_when_told_to():
    settings = {k: v for k, v in PRODUCTION.items() if k != "PORTAL_REDIS_URL"}
    config = Config.from_env({**settings, "PORTAL_RATE_LIMIT_STORAGE": "memory"})
    assert config.redis_url is None and config.rate_limit_storage == "memory"


@pytest.mark.parametrize("bad, says", [
    ({"PORTAL_DATA_KEY": "k" * 44}, "Fernet keys"),
    ({"PORTAL_DATA_KEY": "not a key"}, "Fernet keys"),
    ({"PORTAL_OFFICE_HOURS": "weekdays 9 to 5"}, "PORTAL_OFFICE_HOURS"),
    ({"PORTAL_OFFICE_HOURS": "Mon-Fri 17:00-09:00"}, "closes before it opens"),
    ({"PORTAL_RATE_LIMIT_STORAGE": "disk"}, "PORTAL_RATE_LIMIT_STORAGE"),
])
def test_settings_that_cannot_work_are_refused(bad, says):
    with pytest.raises(ConfigError, match=says):
        Config.from_env({**PRODUCTION, **bad})


def test_the_data_key_is_not_the_secret_key():
    with pytest.raises(ConfigError, match="must not be the same"):
        Config.from_env({**PRODUCTION, "PORTAL_SECRET_KEY": DATA_KEY})


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
