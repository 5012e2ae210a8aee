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


def test_the_upgrade_encrypts_second_factor_secrets_already_stored(tmp_path):
    import pytest
    from alembic import command
    from cryptography.fernet import Fernet, MultiFernet
    from sqlalchemy import create_engine, text

    from portal import migrate

    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    migrate.upgrade(url, "0007_safeguarding")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO accounts (username, role, display_name, active, "
                          "totp_secret, totp_confirmed, settings, created_at) VALUES ('p', "
                          "'isro', 'P', 1, 'JBSWY3DPEHPK3PXP', 1, '{}', CURRENT_TIMESTAMP)"))
    with pytest.raises(RuntimeError, match="need encrypting"):
        migrate.upgrade(url)  # no key: refuse rather than leave the secret readable
    keys = MultiFernet([Fernet(Fernet.generate_key())])
    migrate.upgrade(url, data_keys=keys)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT totp_secret FROM accounts")).scalar()
    assert stored != "JBSWY3DPEHPK3PXP" and keys.decrypt(stored.encode()) == b"JBSWY3DPEHPK3PXP"
    cfg = migrate.alembic_config(url)
    cfg.attributes["data_keys"] = keys
    command.downgrade(cfg, "0007_safeguarding")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT totp_secret FROM accounts")).scalar() == \
            "JBSWY3DPEHPK3PXP"
    engine.dispose()
