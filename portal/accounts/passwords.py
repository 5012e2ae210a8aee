"""Password hashing (argon2id) and the password rules from NIST SP 800-63B.

At least 8 characters, long passphrases welcome, no composition rules, common
passwords refused. The common list is Django's (BSD licence), from breach corpora.
"""
from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 1000
_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory profile
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")
# Spent on a failed look-up so a wrong username takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


@cache
def _common() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as f:
        return frozenset(line.strip().lower() for line in f if line.strip())


def password_problem(password: str, *, username: str = "") -> str | None:
    """A message for the person, or None when the password is fine."""
    if len(password) < MIN_LENGTH:
        return _l("Your password must be at least 8 characters long")
    if len(password) > MAX_LENGTH:
        return _l("Your password must be 1000 characters or fewer")
    if password.lower() in _common() or (username and password.lower() == username.lower()):
        return _l("That password is too easy to guess. Try three random words together")
    return None
