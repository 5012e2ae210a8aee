from datetime import timedelta

from sqlalchemy import select, update

from portal import db
from portal.accounts import operations
from portal.accounts.models import AccountSession
from portal.db import utcnow
from tests.helpers import PASSWORD, post_form, sign_in


def _two_devices(app, username):
    phone, laptop = app.test_client(), app.test_client()
    assert sign_in(phone, username).status_code == 302
    assert sign_in(laptop, username).status_code == 302
    assert phone.get("/").status_code == 200 and laptop.get("/").status_code == 200
    return phone, laptop


def test_signing_out_ends_every_session_of_the_person(app, make):
    make.child(12, username="brave.otter12")
    phone, laptop = _two_devices(app, "brave.otter12")
    post_form(phone, "/sign-out", {}, page="/")
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302


def test_changing_the_password_ends_other_sessions(app, make):
    make.child(12, username="brave.otter12")
    phone, laptop = _two_devices(app, "brave.otter12")
    response = post_form(phone, "/settings/password",
                         {"current_password": PASSWORD, "password": "purple tiger river"})
    assert response.status_code == 302
    assert phone.get("/").status_code == 200  # the person who changed it stays in
    assert laptop.get("/").status_code == 302


def test_suspending_an_account_ends_its_sessions(app, make):
    make.child(12, username="brave.otter12")
    phone, _ = _two_devices(app, "brave.otter12")
    with app.app_context():
        operations.suspend(operations.find_account("brave.otter12"))
        db.session().commit()
    assert phone.get("/").status_code == 302
    assert post_form(phone, "/sign-in", {"username": "brave.otter12",
                                         "password": PASSWORD}).status_code == 200


def test_a_session_ends_after_the_idle_timeout(app, make):
    make.child(12, username="brave.otter12")
    client = app.test_client()
    sign_in(client, "brave.otter12")
    with app.app_context():
        db.session().execute(update(AccountSession).values(
            last_seen_at=utcnow() - timedelta(minutes=31)))
        db.session().commit()
    assert client.get("/").status_code == 302


def test_a_session_ends_after_the_absolute_timeout_even_when_busy(app, make):
    make.child(12, username="brave.otter12")
    client = app.test_client()
    sign_in(client, "brave.otter12")
    with app.app_context():
        db.session().execute(update(AccountSession).values(
            created_at=utcnow() - timedelta(hours=13)))
        db.session().commit()
    assert client.get("/").status_code == 302


def test_staying_signed_in_moves_the_idle_deadline(app, make):
    make.child(12, username="brave.otter12")
    client = app.test_client()
    sign_in(client, "brave.otter12")
    with app.app_context():
        db.session().execute(update(AccountSession).values(
            last_seen_at=utcnow() - timedelta(minutes=29)))
        db.session().commit()
    response = post_form(client, "/session/keep-alive", {}, page="/",
                         headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["deadline"] > 0
    with app.app_context():
        seen = db.session().scalar(select(AccountSession.last_seen_at))
    assert utcnow() - seen < timedelta(minutes=1)


def test_every_sign_in_gets_a_new_session(app, make):
    make.child(12, username="brave.otter12")
    client = app.test_client()
    client.get("/sign-in")
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
    sign_in(client, "brave.otter12")
    with client.session_transaction() as after:
        assert "planted" not in after
        first = after["_user_id"]
    post_form(client, "/sign-out", {}, page="/")
    sign_in(client, "brave.otter12")
    with client.session_transaction() as again:
        assert again["_user_id"] != first


def test_session_cookie_is_httponly_and_samesite(client, make):
    make.child(12, username="brave.otter12")
    response = sign_in(client, "brave.otter12")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_database_keeps_only_a_hash_of_the_session_token(app, make):
    make.child(12, username="brave.otter12")
    client = app.test_client()
    sign_in(client, "brave.otter12")
    with client.session_transaction() as session:
        token = session["_user_id"]
    with app.app_context():
        stored = db.session().scalars(select(AccountSession.token_hash)).all()
    assert token not in stored and len(stored) == 1
