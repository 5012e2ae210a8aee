"""Secrets kept encrypted at rest (staff second-factor secrets), with a key that is not
``PORTAL_SECRET_KEY``: a leaked database, or a leaked session-signing key, alone gives
nobody a staff member's codes.

``PORTAL_DATA_KEY`` is one or more Fernet keys separated by commas; the first encrypts,
any of them decrypts, so a key can be rotated by putting the new one first.
Development and tests generate one into the instance folder.
"""
from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text, TypeDecorator

KEY_FILE = "data_key"


class DataKeyError(RuntimeError):
    pass


def parse_keys(value: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(part.strip()) for part in value.split(",") if part.strip()])
    except (ValueError, TypeError) as problem:
        raise DataKeyError("PORTAL_DATA_KEY must be Fernet keys (make one with: python3 -c "
                           "'from cryptography.fernet import Fernet; "
                           "print(Fernet.generate_key().decode())')") from problem


def development_key(instance_dir: Path) -> str:
    path = Path(instance_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return path.read_text().strip()


def keys_for(config) -> MultiFernet:
    if config.data_key:
        return parse_keys(config.data_key)
    if config.is_production:
        raise DataKeyError("PORTAL_DATA_KEY must be set in production")
    return parse_keys(development_key(config.instance_dir))


def _keys() -> MultiFernet:
    found = current_app.extensions.get("portal.data_keys")
    if found is None:
        found = current_app.extensions["portal.data_keys"] = keys_for(current_app.config["PORTAL"])
    return found


def is_encrypted(value: str) -> bool:
    return value.startswith("gAAAAA")  # every Fernet token starts so (version byte 0x80)


class Encrypted(TypeDecorator):
    """Text encrypted with the data key on the way in, decrypted on the way out."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect):
        return None if value is None else _keys().encrypt(value.encode()).decode()

    def process_result_value(self, value: str | None, dialect):
        if value is None:
            return None
        try:
            return _keys().decrypt(value.encode()).decode()
        except InvalidToken:
            raise DataKeyError("a stored secret cannot be decrypted: is PORTAL_DATA_KEY "
                               "the key it was encrypted with?") from None
