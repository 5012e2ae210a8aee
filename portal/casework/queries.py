"""The caseload and a child's timeline, in a fixed number of queries whatever the size."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select

from portal import access, db
from portal.accounts.models import Account, Child, Role
from portal.casework.models import Challenge, Contact, ReadMark
from portal.consultations.models import Submission
from portal.messages.models import Conversation, Flag, Message
from portal.reviews.models import Letter, Review
from portal.reviews.queries import DUE_SOON_DAYS, due_status

PAGE_SIZE = 50
STATUSES = ("overdue", "due-soon", "on-time", "none")
SORTS = ("flags", "due", "name")


@dataclass
class CaseloadRow:
    child: Child
    next_due: date | None
    next_review: Review | None = None
    status: str = "none"
    new_items: int = 0
    unread_messages: int = 0
    open_flags: int = 0
    letters_due: list[Letter] = field(default_factory=list)


@dataclass
class Caseload:
    rows: list[CaseloadRow]
    total: int
    page: int
    pages: int


def caseload(account: Account, *, status: str | None = None, flagged_only: bool = False,
             search: str = "", isro_id: int | None = None, sort: str = "flags", page: int = 1,
             today: date | None = None) -> Caseload:
    today = today or date.today()
    session = db.session()
    next_due = (select(Review.child_id, func.min(Review.due_on).label("due"))
                .where(Review.held_on.is_(None)).group_by(Review.child_id).subquery())
    flags = (select(Flag.child_id, func.count(Flag.id).label("n"))
             .where(Flag.cleared_at.is_(None)).group_by(Flag.child_id).subquery())
    query = (access.visible_children(account)
             .outerjoin(next_due, next_due.c.child_id == Child.id)
             .outerjoin(flags, flags.c.child_id == Child.id)
             .add_columns(next_due.c.due, func.coalesce(flags.c.n, 0).label("flags")))
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(Child.preferred_name).like(pattern),
                                func.lower(Child.reference).like(pattern)))
    if isro_id:
        query = query.where(Child.isro_id == isro_id)
    if flagged_only:
        query = query.where(flags.c.n > 0)
    soon = today + timedelta(days=DUE_SOON_DAYS)
    if status == "overdue":
        query = query.where(next_due.c.due < today)
    elif status == "due-soon":
        query = query.where(next_due.c.due >= today, next_due.c.due <= soon)
    elif status == "on-time":
        query = query.where(next_due.c.due > soon)
    elif status == "none":
        query = query.where(next_due.c.due.is_(None))
    order = {"name": [Child.preferred_name, Child.id],
             "due": [next_due.c.due.is_(None), next_due.c.due, Child.id]}.get(
        sort, [func.coalesce(flags.c.n, 0).desc(), next_due.c.due.is_(None), next_due.c.due,
               Child.id])
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    found = session.execute(query.order_by(*order).limit(PAGE_SIZE)
                            .offset((page - 1) * PAGE_SIZE)).all()
    rows = [CaseloadRow(child=c, next_due=due, status=due_status(due, today), open_flags=n)
            for c, due, n in found]
    _fill(rows, account)
    return Caseload(rows=rows, total=total, page=page, pages=pages)


def _fill(rows: list[CaseloadRow], account: Account) -> None:
    """New items, unread messages and letters due for the rows shown: four queries."""
    ids = [r.child.id for r in rows]
    session = db.session()
    by_id = {r.child.id: r for r in rows}
    last_held = dict(session.execute(
        select(Review.child_id, func.max(Review.held_on)).where(Review.child_id.in_(ids))
        .group_by(Review.child_id)).all())
    read = select(ReadMark.submission_id).where(ReadMark.account_id == account.id)
    for child_id, sent_at in session.execute(
            select(Submission.child_id, Submission.sent_at)
            .where(Submission.child_id.in_(ids), Submission.status == "sent",
                   Submission.id.not_in(read))):
        since = last_held.get(child_id)
        if since is None or sent_at.date() >= since:
            by_id[child_id].new_items += 1
    for child_id, count in session.execute(
            select(Conversation.child_id, func.count(Message.id))
            .join(Message, Message.conversation_id == Conversation.id)
            .where(Conversation.child_id.in_(ids),
                   Message.author_id == Conversation.participant_id,
                   or_(Conversation.staff_read_at.is_(None),
                       Message.created_at > Conversation.staff_read_at))
            .group_by(Conversation.child_id)):
        by_id[child_id].unread_messages = count
    for letter in session.scalars(select(Letter).where(Letter.child_id.in_(ids),
                                                       Letter.first_published_at.is_(None))):
        by_id[letter.child_id].letters_due.append(letter)


@dataclass
class TimelineItem:
    when: datetime
    kind: str  # "submission", "message", "flag", "contact", "challenge", "review"
    item: object
    new: bool = False


def timeline(account: Account, child_id: int) -> list[TimelineItem]:
    """Everything about the child since (and including) their last review, newest first."""
    session = db.session()
    last_held = session.scalar(select(func.max(Review.held_on))
                               .where(Review.child_id == child_id))
    since = _at(last_held or date(1970, 1, 1))
    read = set(session.scalars(select(ReadMark.submission_id)
                               .where(ReadMark.account_id == account.id)))
    items = [TimelineItem(s.sent_at, "submission", s, new=s.id not in read)
             for s in session.scalars(select(Submission).where(
                 Submission.child_id == child_id, Submission.status == "sent",
                 Submission.sent_at >= since))]
    items += [TimelineItem(m.created_at, "message", m) for m in session.scalars(
        select(Message).join(Conversation).where(Conversation.child_id == child_id,
                                                 Message.created_at >= since))]
    items += [TimelineItem(_at(c.on), "contact", c) for c in session.scalars(
        select(Contact).where(Contact.child_id == child_id))]
    items += [TimelineItem(_at(c.raised_on), "challenge", c) for c in session.scalars(
        select(Challenge).where(Challenge.child_id == child_id))]
    return sorted(items, key=lambda i: i.when, reverse=True)


def _at(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def challenge(challenge_id: int) -> Challenge | None:
    return db.session().get(Challenge, challenge_id)


def may_see_challenge(account: Account, challenge_id: int) -> bool:
    found = challenge(challenge_id)
    return (found is not None and account.is_staff
            and access.can_see_child(account, found.child_id))


def isros() -> list[Account]:
    return list(db.session().scalars(select(Account).where(
        Account.role == Role.ISRO.value, Account.active.is_(True)).order_by(Account.display_name)))


def people(role: str | None = None, search: str = "") -> list[Account]:
    query = select(Account).order_by(Account.role, Account.display_name)
    if role:
        query = query.where(Account.role == role)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(Account.display_name).like(pattern),
                                func.lower(Account.username).like(pattern)))
    return list(db.session().scalars(query.limit(200)))
