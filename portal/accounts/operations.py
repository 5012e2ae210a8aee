"""Every write about people: accounts, children, links, codes, passwords, settings.

Views, the CLI, demo data and tests all call these. Each function that changes state
leaves the commit to its caller unless its name says it commits, so one request is
one transaction.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, update

from portal import audit, db
from portal.accounts import codes, passwords, sessions
from portal.accounts.models import Account, Child, Link, LinkKind, Role, SetupCode
from portal.db import utcnow

SETUP_CODE_DAYS = 14
SIGN_IN_MIN_AGE = 4


class NotAllowed(Exception):
    """An operation refused for a reason the person can be told."""


def find_account(username: str) -> Account | None:
    return db.session().scalar(
        select(Account).where(func.lower(Account.username) == username.strip().lower())
    )


def create_account(
    role: Role, username: str, display_name: str, *, email: str | None = None,
    phone: str | None = None, language: str | None = None, by: Account | None = None,
) -> Account:
    if find_account(username) is not None:
        raise NotAllowed(f"the username {username!r} is taken")
    account = Account(
        role=Role(role).value, username=username.strip().lower(), display_name=display_name,
        email=email, phone=phone, language=language, settings={},
    )
    db.session().add(account)
    db.session().flush()
    audit.record("account.created", actor_id=by.id if by else None, subject=f"account:{account.id}",
                 role=account.role)
    return account


def unique_child_username() -> str:
    while True:
        username = codes.new_username()
        if find_account(username) is None:
            return username


def create_child(
    preferred_name: str, date_of_birth: date, looked_after_since: date, *,
    isro: Account | None = None, language: str = "en", needs: list[str] | None = None,
    interpreter_language: str | None = None, reference: str | None = None,
    asylum_seeking: bool = False,
) -> Child:
    child = Child(
        preferred_name=preferred_name, date_of_birth=date_of_birth,
        looked_after_since=looked_after_since, isro_id=isro.id if isro else None,
        language=language, needs=list(needs or []), interpreter_language=interpreter_language,
        reference=reference, asylum_seeking=asylum_seeking,
    )
    db.session().add(child)
    db.session().flush()
    return child


def create_child_sign_in(child: Child, *, by: Account | None = None,
                         username: str | None = None) -> Account:
    """Give a child of 4 or over their own account (under-4s never sign in)."""
    if child.account_id is not None:
        raise NotAllowed("this child already has a sign-in")
    if child.age_on(date.today()) < SIGN_IN_MIN_AGE:
        raise NotAllowed("children under 4 do not have a sign-in")
    account = create_account(Role.CHILD, username or unique_child_username(), child.preferred_name,
                             language=child.language, by=by)
    child.account_id = account.id
    account.child = child
    db.session().flush()
    return account


def link(account: Account, child: Child, kind: LinkKind, starts_on: date,
         ends_on: date | None = None) -> Link:
    if account.role != LinkKind(kind).value:
        raise NotAllowed(f"a {account.role} cannot be linked as {kind}")
    row = Link(account_id=account.id, child_id=child.id, kind=LinkKind(kind).value,
               starts_on=starts_on, ends_on=ends_on)
    db.session().add(row)
    db.session().flush()
    return row


def end_link(row: Link, on: date) -> None:
    row.ends_on = on


def issue_setup_code(account: Account, *, by: Account | None = None) -> str:
    """A new one-time setup code for a sign-in card; earlier unused codes stop working."""
    now = utcnow()
    db.session().execute(
        update(SetupCode)
        .where(SetupCode.account_id == account.id, SetupCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = codes.new_setup_code()
    db.session().add(SetupCode(
        account_id=account.id, code_hash=passwords.hash_password(code),
        created_by_id=by.id if by else None, expires_at=now + timedelta(days=SETUP_CODE_DAYS),
    ))
    audit.record("account.setup_code_issued", actor_id=by.id if by else None,
                 subject=f"account:{account.id}")
    return code


def check_setup_code(username: str, typed_code: str) -> Account | None:
    """The account whose live setup code this is, or None. Does not use the code up."""
    account = find_account(username)
    code = codes.normalise_setup_code(typed_code)
    if account is None or not account.active:
        passwords.check_password(None, code)  # same time either way
        return None
    rows = db.session().scalars(
        select(SetupCode).where(SetupCode.account_id == account.id, SetupCode.used_at.is_(None),
                                SetupCode.expires_at > utcnow())
    ).all()
    if any(passwords.check_password(row.code_hash, code) for row in rows):
        return account
    return None


def set_password(account: Account, new_password: str) -> None:
    """Set a password, use up any setup code, and end every session of the account."""
    problem = passwords.password_problem(new_password, username=account.username)
    if problem:
        raise NotAllowed(str(problem))
    account.password_hash = passwords.hash_password(new_password)
    now = utcnow()
    db.session().execute(
        update(SetupCode)
        .where(SetupCode.account_id == account.id, SetupCode.used_at.is_(None))
        .values(used_at=now)
    )
    sessions.end_all(account.id)
    audit.record("account.password_set", actor_id=account.id, subject=f"account:{account.id}")


def check_sign_in(username: str, password: str) -> Account | None:
    """The account these credentials open, or None (same answer for every failure)."""
    account = find_account(username)
    if account is None or not passwords.check_password(account.password_hash, password):
        if account is None:
            passwords.check_password(None, password)
        return None
    if not account.active:
        return None
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    return account


def start_totp_setup(account: Account) -> str:
    """The secret to show while setting up; kept across reloads until it is confirmed."""
    if not account.totp_secret:
        account.totp_secret = codes.new_totp_secret()
        account.totp_confirmed = False
    return account.totp_secret


def reset_second_factor(account: Account, *, by: Account | None = None) -> None:
    """A lost phone: the next sign-in sets up a new authenticator."""
    account.totp_secret, account.totp_confirmed, account.totp_last_step = None, False, None
    sessions.end_all(account.id)
    audit.record("account.second_factor_reset", actor_id=by.id if by else None,
                 subject=f"account:{account.id}")


def check_second_factor(account: Account, code: str) -> bool:
    if not account.totp_secret:
        return False
    step = codes.verify_totp(account.totp_secret, code, account.totp_last_step)
    if step is None:
        return False
    account.totp_last_step = step
    account.totp_confirmed = True
    return True


def sign_in(account: Account) -> str:
    token = sessions.start(account)
    audit.record("sign_in", actor_id=account.id, subject=f"account:{account.id}")
    return token


def sign_out(account: Account) -> None:
    sessions.end_all(account.id)
    audit.record("sign_out", actor_id=account.id, subject=f"account:{account.id}")


def suspend(account: Account, *, by: Account | None = None) -> None:
    account.active = False
    sessions.end_all(account.id)
    audit.record("account.suspended", actor_id=by.id if by else None,
                 subject=f"account:{account.id}")


def reenable(account: Account, *, by: Account | None = None) -> None:
    account.active = True
    audit.record("account.reenabled", actor_id=by.id if by else None,
                 subject=f"account:{account.id}")


def save_settings(account: Account, settings: dict, language: str | None) -> None:
    account.settings = dict(settings)
    if language:
        account.language = language
        if account.child is not None:
            account.child.language = language
