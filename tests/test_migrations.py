"""The Alembic migrations build exactly the tables the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.models import Base


def test_models_and_migrations_agree(app):
    engine = app.extensions["portal.engine"]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrations_run_from_nothing_and_back(tmp_path):
    from alembic import command

    from portal.migrate import alembic_config

    cfg = alembic_config(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "base")
    command.upgrade(cfg, "head")
