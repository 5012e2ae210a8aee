"""Reading conversations and flags, and who may see each."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import selectinload

from portal import access, db
from portal.accounts.models import Account, Child, Role
from portal.messages.models import Conversation, Flag, FlagNotice, IsroProfile, Message


def conversation(conversation_id: int) -> Conversation | None:
    return db.session().get(Conversation, conversation_id)


def find_conversation(child_id: int, participant_id: int) -> Conversation | None:
    return db.session().scalar(select(Conversation).where(
        Conversation.child_id == child_id, Conversation.participant_id == participant_id))


def messages_in(conversation_id: int) -> list[Message]:
    return list(db.session().scalars(
        select(Message).where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)))


def may_see(account: Account, item: Conversation) -> bool:
    """A conversation is private to its participant and the child's ISRO (and managers):
    a carer never sees the child's own conversation."""
    role = account.role
    if role is Role.MANAGER:
        return True
    if role is Role.ISRO:
        return item.child.isro_id == account.id
    return item.participant_id == account.id and access.can_see_child(account, item.child_id)


def may_see_id(account: Account, conversation_id: int) -> bool:
    item = conversation(conversation_id)
    return item is not None and may_see(account, item)


def unread_count(account: Account) -> int:
    """Replies the person has not read yet (for the home page)."""
    return db.session().scalar(
        select(func.count(Message.id)).join(Conversation)
        .where(Conversation.participant_id == account.id, Message.author_id != account.id)
        .where(or_(Conversation.participant_read_at.is_(None),
                   Message.created_at > Conversation.participant_read_at))) or 0


@dataclass
class InboxRow:
    conversation: Conversation
    unread: int
    open_flags: int


def inbox(account: Account) -> list[InboxRow]:
    """Staff inbox: conversations with open flags first, then unread, then newest.

    A fixed number of queries whatever the caseload size.
    """
    query = (select(Conversation).join(Child, Child.id == Conversation.child_id)
             .where(Conversation.last_message_at.is_not(None)))
    if account.role is Role.ISRO:
        query = query.where(Child.isro_id == account.id)
    conversations = list(db.session().scalars(query))
    ids = [c.id for c in conversations]
    unread = dict(db.session().execute(
        select(Message.conversation_id, func.count(Message.id)).join(Conversation)
        .where(Message.conversation_id.in_(ids), Message.author_id == Conversation.participant_id)
        .where(or_(Conversation.staff_read_at.is_(None),
                   Message.created_at > Conversation.staff_read_at))
        .group_by(Message.conversation_id)).all())
    flags = dict(db.session().execute(
        select(Message.conversation_id, func.count(Flag.id))
        .join(Flag, Flag.message_id == Message.id)
        .where(Message.conversation_id.in_(ids), Flag.cleared_at.is_(None))
        .group_by(Message.conversation_id)).all())
    rows = [InboxRow(c, unread.get(c.id, 0), flags.get(c.id, 0)) for c in conversations]
    rows.sort(key=lambda r: (r.open_flags == 0, r.unread == 0,
                             -r.conversation.last_message_at.timestamp()))
    return rows


def open_flags(child_id: int) -> list[Flag]:
    return list(db.session().scalars(select(Flag).where(
        and_(Flag.child_id == child_id, Flag.cleared_at.is_(None))).order_by(Flag.raised_at)))


def flags_of(child_id: int) -> list[Flag]:
    return list(db.session().scalars(
        select(Flag).where(Flag.child_id == child_id)
        .options(selectinload(Flag.message),
                 selectinload(Flag.notices).selectinload(FlagNotice.account),
                 selectinload(Flag.acknowledged_by))
        .order_by(Flag.raised_at.desc())))


def _flags_visible_to(account: Account):
    query = select(Flag).join(Child, Child.id == Flag.child_id)
    if account.role is Role.ISRO:
        query = query.where(Child.isro_id == account.id)
    elif account.role is not Role.MANAGER:
        query = query.where(false())
    return query


def open_flags_for(account: Account) -> list[Flag]:
    """Every open flag on the person's caseload (all, for managers): not yet acknowledged
    first, oldest first, so the one waiting longest is at the top."""
    query = (_flags_visible_to(account).where(Flag.cleared_at.is_(None))
             .options(selectinload(Flag.child), selectinload(Flag.message),
                      selectinload(Flag.notices).selectinload(FlagNotice.account),
                      selectinload(Flag.acknowledged_by))
             .order_by(Flag.acknowledged_at.is_not(None), Flag.raised_at, Flag.id))
    return list(db.session().scalars(query))


def open_flag_count(account: Account) -> int:
    query = _flags_visible_to(account).where(Flag.cleared_at.is_(None))
    return db.session().scalar(select(func.count()).select_from(query.subquery())) or 0


def cleared_flags_for(account: Account, since: datetime) -> list[Flag]:
    query = (_flags_visible_to(account).where(Flag.cleared_at >= since)
             .options(selectinload(Flag.child), selectinload(Flag.cleared_by))
             .order_by(Flag.cleared_at.desc()))
    return list(db.session().scalars(query))


def flagged_message_ids(conversation_id: int) -> set[int]:
    return set(db.session().scalars(
        select(Flag.message_id).join(Message, Message.id == Flag.message_id)
        .where(Message.conversation_id == conversation_id, Flag.cleared_at.is_(None))))


def flag(flag_id: int) -> Flag | None:
    return db.session().get(Flag, flag_id)


def may_see_flag(account: Account, flag_id: int) -> bool:
    item = flag(flag_id)
    return (item is not None and account.is_staff
            and access.can_see_child(account, item.child_id))


def profile(account_id: int) -> IsroProfile | None:
    return db.session().get(IsroProfile, account_id)


def submission_flagged(submission_id: int) -> bool:
    return db.session().scalar(select(func.count(Flag.id)).where(
        Flag.submission_id == submission_id, Flag.cleared_at.is_(None))) > 0


def sent_about(child_id: int, since: datetime | None, until: datetime | None) -> list[Message]:
    """What the child, their carer or advocate wrote to the ISRO about the child in a
    period (for the case-record bundle)."""
    query = (select(Message).join(Conversation)
             .where(Conversation.child_id == child_id,
                    Message.author_id == Conversation.participant_id)
             .options(selectinload(Message.author), selectinload(Message.conversation))
             .order_by(Message.created_at, Message.id))
    if since is not None:
        query = query.where(Message.created_at >= since)
    if until is not None:
        query = query.where(Message.created_at < until)
    return list(db.session().scalars(query))


def questions_about(letter_ids: list[int]) -> dict[int, list[Message]]:
    """Messages sent with "I have a question" about each letter, oldest first."""
    found: dict[int, list[Message]] = {}
    if letter_ids:
        for message in db.session().scalars(
                select(Message).where(Message.letter_id.in_(letter_ids))
                .order_by(Message.created_at, Message.id)):
            found.setdefault(message.letter_id, []).append(message)
    return found
