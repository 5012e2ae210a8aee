"""Read receipts a child can trust: who read what they sent, and when.

A receipt is never assumed from sending. It comes from the audit trail, which already
records every time a member of staff opens a child's content: the first time an ISRO or a
manager opened a thing the child sent (or the conversation after a message arrived) is
when "Priya read this on Tuesday 3 December" becomes true. Carers' and advocates' views
do not count: the child is told about their reviewing officer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from portal import db
from portal.accounts.models import Account, Role
from portal.audit import AuditEvent

STAFF = (Role.ISRO, Role.MANAGER)
# The audited views that show a child's thing itself (not just that it exists).
OPENED_THING = ("staff.viewed_submission", "staff.viewed_file")
OPENED_MESSAGES = ("staff.viewed_messages",)


@dataclass(frozen=True)
class Receipt:
    reader: str  # the staff member's name as children see it
    at: datetime


def _staff_reads(child_id: int, actions: tuple[str, ...], subjects: list[str]):
    """(subject, name, at) of staff opening these subjects, oldest first."""
    if not subjects:
        return []
    return db.session().execute(
        select(AuditEvent.subject, Account, AuditEvent.at)
        .join(Account, Account.id == AuditEvent.actor_id)
        .where(AuditEvent.child_id == child_id, AuditEvent.action.in_(actions),
               AuditEvent.subject.in_(subjects), Account.role.in_(STAFF))
        .order_by(AuditEvent.at, AuditEvent.id)).all()


def for_things(child_id: int, submission_ids: list[int]) -> dict[int, Receipt]:
    """{submission id: the first time a member of staff opened it}."""
    found: dict[int, Receipt] = {}
    subjects = [f"submission:{i}" for i in submission_ids]
    for subject, account, at in _staff_reads(child_id, OPENED_THING, subjects):
        found.setdefault(int(subject.partition(":")[2]), Receipt(account.display_name, at))
    return found


def for_messages(child_id: int, conversation_id: int, messages) -> dict[int, Receipt]:
    """{message id: the first time a member of staff opened the conversation after it was
    sent}, for the given messages (the child's own)."""
    reads = _staff_reads(child_id, OPENED_MESSAGES, [f"conversation:{conversation_id}"])
    found: dict[int, Receipt] = {}
    for message in messages:
        for _subject, account, at in reads:
            if at >= message.created_at:
                found[message.id] = Receipt(account.display_name, at)
                break
    return found
