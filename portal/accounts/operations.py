"""Every write about people: accounts, children, links, codes, passwords, settings.

Views, the CLI, demo data and tests all call these. Each function that changes state
leaves the commit to its caller unless its name says it commits, so one request is
one transaction.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_, select, update

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


# What a manager or ISRO may set on a child's record (and an import may change).
CHILD_FIELDS = ("preferred_name", "date_of_birth", "looked_after_since", "reference",
                "language", "interpreter_language", "asylum_seeking", "needs",
                "sex", "ethnicity", "upn")


def add_child(by: Account | None, *, isro: Account | None, **fields) -> Child:
    """A child newly looked after (or newly known to the portal), with their first
    review's statutory due date. The caller commits."""
    from portal.reviews import operations as reviews

    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise ValueError(f"not a child's field: {sorted(unknown)}")
    child = create_child(fields.pop("preferred_name"), fields.pop("date_of_birth"),
                         fields.pop("looked_after_since"), isro=isro, **fields)
    kind, due = reviews.next_due(child)
    reviews.add_review(child, due, kind=kind)
    audit.record("child.added", actor_id=by.id if by else None, child_id=child.id,
                 isro=isro.id if isro else None)
    return child


def change_child(child: Child, by: Account | None, **fields) -> list[str]:
    """Change a child's record; returns the names of the fields that changed (which the
    audit trail keeps, never the values). The caller commits."""
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise ValueError(f"not a child's field: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(child, name) != value]
    for name in changed:
        setattr(child, name, fields[name])
    if changed:
        audit.record("child.changed", actor_id=by.id if by else None, child_id=child.id,
                     fields=changed)
    return changed


def cease(child: Child, on: date, reason: str, by: Account | None) -> None:
    """The child ceased to be looked after on ``on``: their sign-in closes, carers' and
    advocates' links end that day, reviews stop being due. The record itself is kept
    until retention removes it."""
    from portal.accounts.leaving import REASONS
    from portal.reviews.models import Review

    if reason not in REASONS:
        raise ValueError(f"not a reason episode ceased code: {reason!r}")
    child.ceased_on, child.ceased_reason = on, reason
    if child.account_id:
        sessions.end_all(child.account_id)
    for row in db.session().scalars(select(Link).where(
            Link.child_id == child.id, or_(Link.ends_on.is_(None), Link.ends_on > on))):
        end_link(row, on, by=by)
    for review in db.session().scalars(select(Review).where(
            Review.child_id == child.id, Review.held_on.is_(None))):
        db.session().delete(review)  # a review that will never be held is not "due"
    audit.record("child.ceased", actor_id=by.id if by else None, child_id=child.id,
                 reason=reason)


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
         ends_on: date | None = None, *, by: Account | None = None) -> Link:
    """A carer or advocate linked to a child from ``starts_on`` (until ``ends_on``)."""
    if account.role != LinkKind(kind).value:
        raise NotAllowed(f"a {account.role} cannot be linked as {kind}")
    if ends_on is not None and ends_on < starts_on:
        raise NotAllowed("a link cannot end before it starts")
    row = Link(account_id=account.id, child_id=child.id, kind=LinkKind(kind),
               starts_on=starts_on, ends_on=ends_on)
    db.session().add(row)
    db.session().flush()
    audit.record("link.added", actor_id=by.id if by else None, child_id=child.id,
                 subject=f"link:{row.id}", account=account.id, kind=row.kind.value)
    return row


def end_link(row: Link, on: date, *, by: Account | None = None) -> None:
    """The person stops seeing the child on ``on`` (a link ending today ends access now)."""
    row.ends_on = max(on, row.starts_on)
    audit.record("link.ended", actor_id=by.id if by else None, child_id=row.child_id,
                 subject=f"link:{row.id}", account=row.account_id)


def issue_setup_code(account: Account, *, by: Account | None = None,
                     reason: str | None = None, child_id: int | None = None) -> str:
    """A new one-time setup code for a sign-in card; earlier unused codes stop working.
    ``child_id`` names the child the card is for; ``reason`` is why a new card was printed
    for someone who already had a password (both go into the audit trail)."""
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
    detail = {"had_password": True} if account.password_hash else {}
    if reason:
        detail["reason"] = reason
    audit.record("account.setup_code_issued", actor_id=by.id if by else None,
                 child_id=child_id, subject=f"account:{account.id}", **detail)
    return code


def check_setup_code(username: str, typed_code: str) -> SetupCode | None:
    """The live setup code these are, or None. Does not use the code up.

    Exactly one hash is checked whatever happens (no such person, no live code, a wrong
    code), so the time taken says nothing about whether the username exists.
    """
    account = find_account(username)
    code = codes.normalise_setup_code(typed_code)
    row = None
    if account is not None and account.active:
        # Issuing a code uses up the earlier ones, so there is at most one live code.
        row = db.session().scalar(
            select(SetupCode).where(SetupCode.account_id == account.id,
                                    SetupCode.used_at.is_(None), SetupCode.expires_at > utcnow())
            .order_by(SetupCode.created_at.desc()).limit(1))
    if passwords.check_password(row.code_hash if row else None, code) and row is not None:
        return row
    return None


def live_setup_code(setup_code_id: int | None) -> SetupCode | None:
    """A setup code checked earlier, if it is still unused and in date."""
    row = db.session().get(SetupCode, setup_code_id) if setup_code_id else None
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


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


def reset_second_factor(account: Account, *, by: Account | None = None,
                        reason: str = "") -> None:
    """A lost phone: every session ends, and the next sign-in sets up a new authenticator
    (staff must; a carer or advocate may choose to again)."""
    account.totp_secret, account.totp_confirmed, account.totp_last_step = None, False, None
    sessions.end_all(account.id)
    audit.record("account.second_factor_reset", actor_id=by.id if by else None,
                 subject=f"account:{account.id}", reason=reason.strip())


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


def set_express(account: Account, on: bool, by: Account) -> None:
    """Express mode for a child, set by their ISRO (the child's settings can change it)."""
    account.settings = {**(account.settings or {}), "express": on}
    audit.record("child.express_set", actor_id=by.id,
                 child_id=account.child.id if account.child else None,
                 subject=f"account:{account.id}", on=on)


def save_settings(account: Account, settings: dict, language: str | None) -> None:
    account.settings = dict(settings)
    if language:
        account.language = language
        if account.child is not None:
            account.child.language = language
