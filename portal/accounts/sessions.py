"""Server-side sessions: created at sign-in, ended everywhere at sign-out.

The cookie holds only a random token; the database holds its hash, when it was made
and when it was last used. Ending a session is a database write, so it takes effect
in every process at once.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, g
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from portal import db
from portal.accounts.models import Account, AccountSession, SessionStage
from portal.db import utcnow

# Write last_seen at most this often, so reading pages does not write on every request.
TOUCH_EVERY = timedelta(seconds=60)
# How long a half-way state (password right, code next; card code right, password next) lasts.
PENDING_FOR = timedelta(minutes=10)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def left_care(account: Account) -> bool:
    """A child's sign-in closes the day they cease to be looked after."""
    from portal import clock

    child = account.child
    return child is not None and not child.looked_after_on(clock.today())


def start(account: Account) -> str:
    """A new session for ``account`` (the caller commits). Never reuses an old token."""
    token = secrets.token_urlsafe(32)
    db.session().add(AccountSession(account_id=account.id, token_hash=_hash(token)))
    account.session_token = token
    return token


def start_pending(account: Account, stage: SessionStage, *,
                  setup_code_id: int | None = None) -> str:
    """A half-way session (the caller commits); the token goes in the cookie, its hash and
    what was checked stay here."""
    token = secrets.token_urlsafe(32)
    db.session().add(AccountSession(account_id=account.id, token_hash=_hash(token),
                                    stage=stage, setup_code_id=setup_code_id))
    return token


def pending(token: str | None, stage: SessionStage) -> AccountSession | None:
    """The live half-way session for this token, or None (ended, too old, another stage)."""
    if not token:
        return None
    row = db.session().scalar(select(AccountSession).where(
        AccountSession.token_hash == _hash(token), AccountSession.stage == stage))
    if (row is None or row.ended_at is not None or not row.account.active
            or utcnow() - row.created_at > PENDING_FOR):
        return None
    return row


def end(row: AccountSession) -> None:
    row.ended_at = utcnow()


def end_all(account_id: int) -> None:
    """End every session of this account, on every device (the caller commits)."""
    db.session().execute(
        update(AccountSession)
        .where(AccountSession.account_id == account_id, AccountSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def load(token: str) -> Account | None:
    """The account for a live session token, or None when it ended or timed out."""
    config = current_app.config["PORTAL"]
    s = db.session()
    try:
        # The account and a child's record come in the same query: every page needs them.
        row = s.scalar(select(AccountSession)
                       .options(joinedload(AccountSession.account).joinedload(Account.child))
                       .where(AccountSession.token_hash == _hash(token)))
    except OperationalError:
        # The database is unreachable: treat the person as signed out for this page, and
        # let the access check answer with the friendly "try again soon" page.
        s.rollback()
        g.database_down = True
        return None
    if (row is None or row.ended_at is not None or row.stage is not SessionStage.SIGNED_IN
            or not row.account.active or left_care(row.account)):
        return None
    now = utcnow()
    idle_for = now - row.last_seen_at
    if idle_for > timedelta(minutes=config.idle_minutes) or now - row.created_at > timedelta(
        hours=config.absolute_hours
    ):
        row.ended_at = now
        s.commit()
        return None
    if idle_for > TOUCH_EVERY:
        row.last_seen_at = now
        s.commit()
    account = row.account
    account.session_token = token
    g.idle_deadline = row.last_seen_at + timedelta(minutes=config.idle_minutes)
    return account


def keep_alive(token: str) -> datetime:
    s = db.session()
    row = s.scalar(select(AccountSession).where(AccountSession.token_hash == _hash(token)))
    row.last_seen_at = utcnow()
    s.commit()
    return row.last_seen_at
