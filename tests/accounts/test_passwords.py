from argon2 import PasswordHasher

from portal.accounts import passwords


def test_passwords_are_hashed_with_argon2id():
    assert passwords.hash_password("purple tiger river").startswith("$argon2id$")


def test_production_hasher_uses_the_library_recommended_settings():
    default = PasswordHasher()
    assert default.time_cost >= 2 and default.memory_cost >= 19 * 1024


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
