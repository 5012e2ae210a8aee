"""Every write in the ISRO workspace: read marks, contacts, challenges, allocation."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal import audit, db
from portal.accounts.models import Account, Child, Role
from portal.casework.models import (
    OUTCOMES,
    STAGES,
    THEMES,
    Challenge,
    Contact,
    ContactHow,
    ReadMark,
)


def mark_read(account: Account, submission_ids: list[int]) -> None:
    already = set(db.session().scalars(select(ReadMark.submission_id).where(
        ReadMark.account_id == account.id, ReadMark.submission_id.in_(submission_ids))))
    for submission_id in set(submission_ids) - already:
        db.session().add(ReadMark(account_id=account.id, submission_id=submission_id))


def record_contact(child: Child, by: Account, *, on: date, how: str, note: str) -> Contact:
    contact = Contact(child_id=child.id, by_id=by.id, on=on, how=ContactHow(how).value,
                      note=note or None)
    db.session().add(contact)
    audit.record("contact.recorded", actor_id=by.id, child_id=child.id, how=how)
    return contact


def save_challenge(challenge: Challenge | None, child: Child, by: Account, **fields) -> Challenge:
    if fields.get("theme") not in THEMES or fields.get("stage") not in STAGES or \
            fields.get("outcome", "open") not in OUTCOMES:
        raise ValueError("unknown theme, stage or outcome")
    if challenge is None:
        challenge = Challenge(child_id=child.id, raised_by_id=by.id)
        db.session().add(challenge)
    for name, value in fields.items():
        setattr(challenge, name, value or None if isinstance(value, str) else value)
    challenge.outcome = fields.get("outcome") or "open"
    db.session().flush()
    audit.record("challenge.saved", actor_id=by.id, child_id=child.id,
                 subject=f"challenge:{challenge.id}")
    return challenge


def allocate(child: Child, isro: Account, by: Account | None) -> None:
    """Move a child to another ISRO; their conversations and history go with the child.
    ``by`` is None for a command run on the server (``import-children``)."""
    if isro.role is not Role.ISRO:
        raise ValueError("children are allocated to ISROs")
    child.isro_id = isro.id
    audit.record("child.allocated", actor_id=by.id if by else None, child_id=child.id,
                 isro=isro.id)
