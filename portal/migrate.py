"""Run the Alembic migrations in migrations/ against the app's database."""
from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig

from portal.config import PROJECT_ROOT

MIGRATIONS = PROJECT_ROOT / "migrations"


def alembic_config(database_url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # '%' must be doubled for configparser (it appears in escaped passwords).
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head", *, data_keys=None) -> None:
    """Upgrade; ``data_keys`` (a MultiFernet) lets a migration encrypt stored secrets."""
    cfg = alembic_config(database_url)
    cfg.attributes["data_keys"] = data_keys
    command.upgrade(cfg, revision)
