"""What an outside security test found at the edges of signing in: lockouts shared by
every process, every password check throttled, the same time for a missing username,
safe redirects, secrets encrypted, nothing half-way kept in the cookie."""
import re
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from portal import create_app, db
from portal.accounts import passwords
from portal.accounts.models import Role
from tests.helpers import PASSWORD, TOTP_SECRET, codes, post_form, sign_in


def _try(client, username, password):
    return post_form(client, "/sign-in", {"username": username, "password": password})


def test_the_lockout_is_counted_across_processes_not_in_one(app, make):
    """Two apps on one database, as two gunicorn workers: 5 wrong passwords in all lock the
    account in both, and the right password then fails in both."""
    make.child(12, username="brave.otter12")
    other_worker = create_app(app.config["PORTAL"])
    clients = [app.test_client(), other_worker.test_client()]
    for n in range(5):
        assert _try(clients[n % 2], "brave.otter12", "wrong password!").status_code in (200, 429)
    for client in clients:
        assert _try(client, "brave.otter12", PASSWORD).status_code == 429
    other_worker.extensions["portal.engine"].dispose()


def test_changing_a_password_is_throttled_like_signing_in(app, make, signed_in):
    child = make.child(12, username="brave.otter12")
    client = signed_in(child.account)
    checked = []
    real = passwords.check_password

    def counting(stored, typed):
        checked.append(typed)
        return real(stored, typed)

    passwords.check_password = counting
    try:
        answers = [post_form(client, "/settings/password", {
            "current_password": f"wrong {n}", "password": "a new long passphrase",
            "confirm": "a new long passphrase"}) for n in range(8)]
    finally:
        passwords.check_password = real
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
    assert len(checked) == 5  # the 6th and later were never hashed
    assert "You have tried too many times" in answers[-1].get_data(as_text=True)


@pytest.mark.parametrize("who", ["nobody.here", "brave.otter12", "coded.fox11"])
def test_start_runs_exactly_one_hash_whoever_is_typed(app, make, who, monkeypatch):
    make.child(12, username="brave.otter12")  # has a password, no live code
    fox = make.child(11, username="coded.fox11")
    with app.app_context():
        from portal.accounts import operations

        operations.issue_setup_code(db.session().merge(fox.account))
        db.session().commit()
    hashes = []
    real = passwords.check_password
    monkeypatch.setattr(passwords, "check_password",
                        lambda stored, typed: hashes.append(1) or real(stored, typed))
    client = app.test_client()
    response = post_form(client, "/start", {"username": who, "code": "ABCD-EFGH-JKMN"})
    assert response.status_code == 200 and len(hashes) == 1


@pytest.mark.parametrize("target", [
    "/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/",
    "/ok\r\nSet-Cookie: x=1", " //evil.example", "/\x00/evil.example", "javascript:alert(1)",
])
def test_redirects_after_a_form_only_go_to_a_path_here(app, make, signed_in, target):
    client = signed_in(make.child(12, username="brave.otter12").account)
    response = post_form(client, "/session/keep-alive", {"next": target}, page="/")
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    # Home, or (for a NUL, shown as the visible ␀) a harmless path on this site.
    assert not parts.scheme and not parts.netloc and location.startswith("/")
    assert not location.startswith("//") and "\r" not in location and "\n" not in location


def test_a_path_here_is_kept(app, make, signed_in):
    client = signed_in(make.child(12, username="brave.otter12").account)
    response = post_form(client, "/session/keep-alive", {"next": "/my-things?x=1"}, page="/")
    assert response.headers["Location"] == "/my-things?x=1"


def test_a_failed_query_never_logs_what_was_in_it(app, caplog):
    with app.app_context(), pytest.raises(DBAPIError) as failed:
        db.session().execute(text("SELECT * FROM no_such_table WHERE name = :name"),
                             {"name": "Mia Secret-Surname"})
    assert "Mia Secret-Surname" not in str(failed.value)
    assert "parameters hidden" in str(failed.value)


def test_a_forced_database_error_in_a_request_logs_no_bound_value(app, make, signed_in, caplog,
                                                                   monkeypatch):
    child = make.child(12, username="brave.otter12", name="Zebedee")
    client = signed_in(child.account)

    def broken(*args, **kwargs):
        db.session().execute(text("INSERT INTO no_such_table (x) VALUES (:words)"),
                             {"words": "my uncle Zebedee-Secret hits me"})

    from portal.messages import operations

    monkeypatch.setattr(operations, "_write", broken)
    try:  # SQLite's error is answered with the 503 page; PostgreSQL's reaches the test
        response = post_form(client, f"/messages/about/{child.id}",
                             {"body": "my uncle Zebedee-Secret hits me"},
                             content_type="multipart/form-data")
        raised = ""
        assert response.status_code in (500, 503)
    except DBAPIError as error:
        raised = str(error)
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "Zebedee-Secret" not in logged + raised


def test_second_factor_secrets_are_encrypted_at_rest(app, make):
    isro = make.account(Role.ISRO)
    with app.app_context():
        stored = db.session().execute(text("SELECT totp_secret FROM accounts WHERE id = :id"),
                                      {"id": isro.id}).scalar()
        assert stored.startswith("gAAAAA") and TOTP_SECRET not in stored
        from portal.accounts.models import Account

        assert db.session().get(Account, isro.id).totp_secret == TOTP_SECRET


def test_with_the_wrong_data_key_secrets_cannot_be_read(app, make):
    from portal.crypto import DataKeyError

    isro = make.account(Role.ISRO)
    wrong = create_app(replace(app.config["PORTAL"], data_key=Fernet.generate_key().decode()))
    with wrong.app_context(), pytest.raises(DataKeyError, match="PORTAL_DATA_KEY"):
        from portal.accounts.models import Account

        db.session().get(Account, isro.id).totp_secret  # noqa: B018
    wrong.extensions["portal.engine"].dispose()


def _cookie(app, client) -> dict:
    value = client.get_cookie("mysay_session").value
    return app.session_interface.get_signing_serializer(app).loads(value)


def test_half_way_through_a_staff_sign_in_the_cookie_holds_only_a_random_token(app, make):
    isro = make.account(Role.ISRO, username="priya.isro")
    client = app.test_client()
    response = _try(client, "priya.isro", PASSWORD)
    assert response.headers["Location"].endswith("/sign-in/code")
    kept = _cookie(app, client)
    assert set(kept) <= {"pending", "csrf_token", "next", "_permanent"}
    assert str(isro.id) not in {str(v) for v in kept.values()}
    with app.app_context():
        from portal.accounts.operations import find_account

        find_account("priya.isro").totp_last_step = None
        db.session().commit()
    done = post_form(client, "/sign-in/code", {"code": codes.current_totp(TOTP_SECRET)})
    assert done.status_code == 302 and "pending" not in _cookie(app, client)


def test_the_setup_code_never_sits_in_the_cookie(app, make):
    child = make.child(12, username="new.fox12", sign_in=True)
    with app.app_context():
        from portal.accounts import operations

        code = operations.issue_setup_code(db.session().merge(child.account))
        db.session().commit()
    client = app.test_client()
    response = post_form(client, "/start", {"username": "new.fox12", "code": code})
    assert response.headers["Location"].endswith("/start/password")
    kept = _cookie(app, client)
    flat = re.sub(r"[^A-Z0-9]", "", str(kept).upper())
    assert re.sub(r"[^A-Z0-9]", "", code) not in flat
    assert set(kept) <= {"setup", "csrf_token", "_permanent"}
    chosen = post_form(client, "/start/password", {"password": "a long new passphrase",
                                                   "confirm": "a long new passphrase"})
    assert chosen.status_code == 302
    assert sign_in(app.test_client(), "new.fox12", "a long new passphrase").status_code == 302


@pytest.mark.parametrize("digits", ["arabic", "persian", "fullwidth"])
def test_a_second_factor_code_typed_on_any_keyboard_works(app, make, digits):
    make.account(Role.ISRO, username="priya.isro")
    client = app.test_client()
    _try(client, "priya.isro", PASSWORD)
    code = codes.current_totp(TOTP_SECRET)
    offset = {"arabic": 0x0660, "persian": 0x06F0, "fullwidth": 0xFF10}[digits]
    typed = "".join(chr(offset + int(d)) for d in code)
    response = post_form(client, "/sign-in/code", {"code": typed})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/caseload").status_code == 200  # signed in


def test_a_setup_code_typed_with_arabic_digits_works(app, make):
    child = make.child(12, username="new.fox12")
    with app.app_context():
        from portal.accounts import operations

        code = operations.issue_setup_code(db.session().merge(child.account))
        db.session().commit()
    typed = "".join(chr(0x0660 + int(c)) if c.isdigit() else c.lower() for c in code)
    response = post_form(app.test_client(), "/start", {"username": "new.fox12", "code": typed})
    assert response.headers["Location"].endswith("/start/password")
