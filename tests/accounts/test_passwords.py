import importlib.util
import re

import pytest
from argon2 import Type, extract_parameters

from portal.accounts import passwords


@pytest.fixture(scope="module")
def portal_hashing():
    """A fresh copy of portal.accounts.passwords, as production imports it.

    tests/conftest.py swaps a cheap hasher into the imported module for speed, so the
    module's own settings are read from a second, untouched copy of it."""
    spec = importlib.util.spec_from_file_location("portal_passwords_as_configured",
                                                  passwords.__file__)
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    assert fresh._hasher is not passwords._hasher  # not the suite's cheap one
    return fresh


def test_passwords_are_hashed_with_argon2id():
    assert passwords.hash_password("purple tiger river").startswith("$argon2id$")


def test_the_portals_own_hasher_is_argon2id_with_rfc_9106_low_memory_costs(portal_hashing):
    hasher = portal_hashing._hasher
    # Expected: argon2id, 3 passes over 64 MiB with 4 lanes (RFC 9106's second
    # recommended option), which is above OWASP's floor of 2 passes over 19 MiB.
    assert hasher.type is Type.ID
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 64 * 1024, 4)
    assert (hasher.hash_len, hasher.salt_len) == (32, 16)
    assert hasher.time_cost >= 2 and hasher.memory_cost >= 19 * 1024


def test_what_the_portal_stores_says_argon2id_and_those_costs(portal_hashing):
    stored = portal_hashing.hash_password("purple tiger river")

    # Expected: the stored string itself records argon2id, version 19, m=65536, t=3, p=4.
    assert re.fullmatch(r"\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}\$"
                        r"[A-Za-z0-9+/]{43}", stored), stored
    parameters = extract_parameters(stored)
    assert (parameters.type, parameters.time_cost, parameters.memory_cost) == (Type.ID, 3, 65536)
    assert portal_hashing.check_password(stored, "purple tiger river")
    assert not portal_hashing.needs_rehash(stored)


def test_a_cheaper_hash_is_upgraded_at_the_next_sign_in(portal_hashing):
    cheap = passwords.hash_password("purple tiger river")  # the suite's cheap hasher
    # Expected: the portal's hasher says a hash made with lower costs must be re-made.
    assert extract_parameters(cheap).memory_cost < 65536
    assert portal_hashing.needs_rehash(cheap)


def test_a_wrong_username_costs_as_much_as_a_wrong_password(portal_hashing):
    # Expected: the dummy hash spent on an unknown username has the real costs.
    assert extract_parameters(portal_hashing._DUMMY_HASH) == extract_parameters(
        portal_hashing.hash_password("anything at all"))


def test_eight_characters_are_enough_and_long_passphrases_are_welcome():
    assert passwords.password_problem("zebra-moon") is None
    assert passwords.password_problem("a very long passphrase " * 4) is None
    assert passwords.password_problem("x" * 64 + "y") is None


def test_short_and_common_passwords_are_refused():
    assert "at least 8" in str(passwords.password_problem("short"))
    assert "too easy" in str(passwords.password_problem("password"))
    assert "too easy" in str(passwords.password_problem("Qwerty123"))


def test_no_composition_rules():
    assert passwords.password_problem("alllowercaseletters") is None


def test_wrong_password_and_missing_hash_are_both_false():
    stored = passwords.hash_password("purple tiger river")
    assert passwords.check_password(stored, "purple tiger river")
    assert not passwords.check_password(stored, "purple tiger rive")
    assert not passwords.check_password(None, "anything")
