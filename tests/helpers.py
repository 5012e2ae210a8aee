"""Factories and helpers for tests: make people and children, sign in through the forms."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import db
from portal.accounts import codes, operations
from portal.accounts.models import Account, Child, LinkKind, Role

PASSWORD = "correct horse battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    assert found, "page has no CSRF token"
    return found.group(1)


def post_form(client: FlaskClient, url: str, data: dict, *, page: str | None = None, **kw):
    """Submit a form as a browser would: read the page first, send its CSRF token."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(html), **data}, **kw)


def png_bytes(size=(64, 48), color=(200, 80, 40)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def born_years_ago(years: int, days: int = 30) -> date:
    today = date.today()
    try:
        return today.replace(year=today.year - years) - timedelta(days=days)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28) - timedelta(days=days)


@dataclass
class Factory:
    """Makes people for a test. Every account's password is PASSWORD.

    Each call runs in its own app context and returns detached rows (ids, names and
    usernames are loaded): a test's requests must not share one app context, or they
    would share ``g`` (and with it the CSRF token and database session).
    """

    app: Flask
    counter: int = 0

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def account(self, role: Role, username: str | None = None, **kw) -> Account:
        with self.app.app_context():
            return self._account(role, username, **kw)

    def _account(self, role: Role, username: str | None = None, **kw) -> Account:
        n = self._next()
        account = operations.create_account(Role(role), username or f"{Role(role).value}{n}",
                                            kw.pop("name", f"Person {n}"), **kw)
        operations.set_password(account, PASSWORD)
        if account.is_staff:
            account.totp_secret, account.totp_confirmed = TOTP_SECRET, True
        db.session().commit()
        return account

    def child(self, age: int = 12, *, isro: Account | None = None, sign_in: bool = True,
              username: str | None = None, name: str = "Sam", **kw) -> Child:
        with self.app.app_context():
            if isro is not None:
                isro = db.session().merge(isro)
            return self._child(age, isro, sign_in, username, name, **kw)

    def _child(self, age, isro, sign_in, username, name, **kw) -> Child:
        since = kw.pop("looked_after_since", date.today() - timedelta(days=200))
        child = operations.create_child(name, born_years_ago(age), since, isro=isro, **kw)
        if sign_in and age >= 4:
            account = operations.create_child_sign_in(child, username=username)
            operations.set_password(account, PASSWORD)
        db.session().commit()
        _ = child.account  # load it before the session closes
        return child

    def picture(self, child: Child, *, visibility: str = "isro", size=(64, 48)):
        """A picture the child sent (a small PNG through the real upload pipeline)."""
        from portal.consultations import operations as views_sent
        from portal.consultations.models import Kind

        with self.app.app_context():
            child = db.session().merge(child)
            return views_sent.add_file(child, child.account, Kind.PICTURE, png_bytes(size),
                                       title="My drawing", visibility=visibility)

    def message(self, child: Child, body: str, *, author: Account | None = None, **kw):
        """A message from the child (or ``author``) to the child's ISRO."""
        from portal.messages import operations as conversations

        with self.app.app_context():
            child = db.session().merge(child)
            author = db.session().merge(author) if author else child.account
            conversation = conversations.conversation_for(child, author)
            return conversations.send(conversation, author, body, **kw)

    def held_review(self, child: Child, *, days_ago: int = 7, code: str = "PN1",
                    letter: dict | None = None, publish: bool = True):
        """A review held ``days_ago``, recorded with ``code``; its letter written and
        (with ``publish``) published. Returns (review id, letter id)."""
        from portal.reviews import operations as reviews

        with self.app.app_context():
            child = db.session().merge(child)
            held = date.today() - timedelta(days=days_ago)
            review = reviews.add_review(child, held, scheduled_for=None)
            isro = child.isro or child.account
            written = reviews.record(review, isro, held_on=held, child_attended=True,
                                     attended="", code=code)
            db.session().flush()
            reviews.save_letter(written, isro, sections=letter or {"told_me": "You said hi."},
                                actions=[], shared_with_carer=False,
                                lock_version=written.lock_version)
            if publish:
                reviews.publish_letter(written, isro, child.language)
            db.session().commit()
            return review.id, written.id

    def challenge(self, child: Child) -> int:
        from portal.casework import operations as casework

        with self.app.app_context():
            child = db.session().merge(child)
            found = casework.save_challenge(None, child, child.isro, raised_on=date.today(),
                                            theme="drift_delay", concern="Plan not moving",
                                            stage="informal", outcome="open")
            db.session().commit()
            return found.id

    def open_flag_ids(self, child: Child) -> list[int]:
        from portal.messages import queries as conversations

        with self.app.app_context():
            return [flag.id for flag in conversations.open_flags(child.id)]

    def link(self, account: Account, child: Child, *, ended: bool = False):
        with self.app.app_context():
            account, child = db.session().merge(account), db.session().merge(child)
            row = operations.link(account, child, LinkKind(account.role),
                                  date.today() - timedelta(days=30),
                                  date.today() - timedelta(days=1) if ended else None)
            db.session().commit()
            return row


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)


def sign_in(client: FlaskClient, account: Account | str, password: str = PASSWORD,
            *, totp_secret: str = TOTP_SECRET):
    """Sign in through the real forms, with the second factor for staff."""
    username = account if isinstance(account, str) else account.username
    response = post_form(client, "/sign-in", {"username": username, "password": password})
    if response.status_code == 302 and response.headers["Location"].endswith("/sign-in/code"):
        with client.application.app_context():
            found = operations.find_account(username)
            found.totp_last_step = None  # tests sign one person in twice within 30 s
            db.session().commit()
        response = post_form(client, "/sign-in/code", {"code": codes.current_totp(totp_secret)})
    return response


@pytest.fixture
def signed_in(app, make):
    """signed_in(role or account) -> a test client signed in as that person."""

    def _signed_in(who: Role | Account, **kw):
        account = make.account(who, **kw) if isinstance(who, Role | str) else who
        return signed_in_client(app, account)

    return _signed_in


def signed_in_client(app, who: Account | str) -> FlaskClient:
    """A new test client signed in as ``who`` (an account or a username) through the forms."""
    client = app.test_client()
    response = sign_in(client, who)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


DEMO_USERNAMES = ("child.demo", "young.demo", "teen.ar.demo", "carer.demo", "advocate.demo",
                  "isro.demo", "manager.demo")


@pytest.fixture
def demo(app):
    """The demo data, loaded as `flask --app portal demo` loads it, with known secrets."""
    from portal import demo as demo_data

    with app.app_context():
        return demo_data.load(password=PASSWORD, totp_secret=TOTP_SECRET)
