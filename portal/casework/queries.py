"""The caseload and a child's timeline, in a fixed number of queries whatever the size."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, bindparam, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql.functions import FunctionElement

from portal import access, clock, db
from portal.accounts.models import Account, Child, Link, Role
from portal.casework.models import Challenge, Contact, ReadMark
from portal.consultations.models import Status, Submission
from portal.messages.models import Conversation, Flag, Message
from portal.reviews.models import Letter, Review
from portal.reviews.queries import DUE_SOON_DAYS, due_status

PAGE_SIZE = 70  # a whole caseload on one page (guidance: 50 to 70 children an ISRO)
STATUSES = ("overdue", "due-soon", "on-time", "none", "left-care")
SORTS = ("flags", "due", "name", "contact", "new")


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
    views_received: int = 0  # things sent for the next review
    last_contact: date | None = None

    @property
    def booked(self) -> datetime | None:
        return self.next_review.scheduled_for if self.next_review else None

    @property
    def unread(self) -> int:
        return self.new_items + self.unread_messages


@dataclass
class Caseload:
    rows: list[CaseloadRow]
    total: int
    page: int
    pages: int


class utc_day(FunctionElement):  # noqa: N801 (a SQL function, named like one)
    """The UTC calendar day of a UTCDateTime column, as a date on every database."""

    type = Date()
    inherit_cache = True


@compiles(utc_day)
def _utc_day(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AS DATE)"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


def _per_child(account: Account) -> dict:
    """What the caseload shows for each child, as correlated subqueries on ``children``:
    each is an index lookup by child id, run only for the rows a page shows (and for every
    row only when it is filtered or sorted on), so a page costs one query whatever its size.
    """
    review = aliased(Review)
    next_review = (select(review.id).where(review.child_id == Child.id,
                                           review.held_on.is_(None))
                   .order_by(review.due_on, review.id).limit(1)
                   .correlate(Child).scalar_subquery())
    held = aliased(Review)
    last_held = (select(func.max(held.held_on)).where(held.child_id == Child.id)
                 .correlate(Child).scalar_subquery())
    read = (select(ReadMark.id).where(ReadMark.account_id == account.id,
                                      ReadMark.submission_id == Submission.id)
            .correlate(Submission).exists())
    sent_for = aliased(Submission)
    return {
        "next_review_id": next_review,
        "next_due": (select(func.min(Review.due_on))
                     .where(Review.child_id == Child.id, Review.held_on.is_(None))
                     .correlate(Child).scalar_subquery()),
        "open_flags": (select(func.count(Flag.id))
                       .where(Flag.child_id == Child.id, Flag.cleared_at.is_(None))
                       .correlate(Child).scalar_subquery()),
        "last_contact": (select(func.max(Contact.on)).where(Contact.child_id == Child.id)
                         .correlate(Child).scalar_subquery()),
        "views_received": (select(func.count(sent_for.id))
                           .where(sent_for.review_id == next_review,
                                  sent_for.status == Status.SENT)
                           .correlate(Child).scalar_subquery()),
        # Sent since the last review was held (everything, before the first), not read yet.
        "new_items": (select(func.count(Submission.id))
                      .where(Submission.child_id == Child.id, Submission.status == Status.SENT,
                             ~read, or_(last_held.is_(None),
                                        utc_day(Submission.sent_at) >= last_held))
                      .correlate(Child).scalar_subquery()),
        "unread_messages": (select(func.count(Message.id))
                            .join(Conversation, Message.conversation_id == Conversation.id)
                            .where(Conversation.child_id == Child.id,
                                   Message.author_id == Conversation.participant_id,
                                   or_(Conversation.staff_read_at.is_(None),
                                       Message.created_at > Conversation.staff_read_at))
                            .correlate(Child).scalar_subquery()),
    }


def caseload(account: Account, *, status: str | None = None, flagged_only: bool = False,
             search: str = "", isro_id: int | None = None, sort: str = "flags", page: int = 1,
             today: date | None = None, page_size: int | None = PAGE_SIZE) -> Caseload:
    """The children this person may see, with what each needs; ``page_size=None`` for all
    (the CSV). Children who have left care are shown only when asked for.

    Three queries whatever the number of children (four for a manager, whose rows name
    the ISRO): the page's rows with every figure and the total, their next reviews, and
    the letters due."""
    today = today or clock.today()
    session = db.session()
    per_child = _per_child(account)
    next_due, flags = per_child["next_due"], per_child["open_flags"]
    query = access.visible_children(account)
    if status == "left-care":
        query = query.where(Child.ceased_on.is_not(None), Child.ceased_on <= today)
    else:
        query = query.where(or_(Child.ceased_on.is_(None), Child.ceased_on > today))
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(Child.preferred_name).like(pattern),
                                func.lower(Child.reference).like(pattern)))
    if isro_id:
        query = query.where(Child.isro_id == isro_id)
    if flagged_only:
        query = query.where(flags > 0)
    soon = today + timedelta(days=DUE_SOON_DAYS)
    if status == "overdue":
        query = query.where(next_due < today)
    elif status == "due-soon":
        query = query.where(next_due >= today, next_due <= soon)
    elif status == "on-time":
        query = query.where(next_due > soon)
    elif status == "none":
        query = query.where(next_due.is_(None))
    columns = {name: column.label(name) for name, column in per_child.items()}
    order = {"name": [Child.preferred_name, Child.id],
             "due": [columns["next_due"].asc().nulls_last(), Child.id],
             "contact": [columns["last_contact"].asc().nulls_first(), Child.id]}.get(
        sort, [columns["open_flags"].desc(), columns["next_due"].asc().nulls_last(), Child.id])
    query = query.add_columns(*columns.values(), func.count().over().label("total"))
    if account.role is not Role.ISRO:  # the rows name the child's ISRO
        query = query.options(selectinload(Child.isro))
    query = query.order_by(*order)
    page = max(1, page)
    found = session.execute(_page(query, page, page_size)).all()
    if found:
        total = found[0].total
    else:  # an empty caseload, or a page past the last: count, and show the last page
        total = session.scalar(select(func.count()).select_from(
            query.order_by(None).subquery()))
        if total and page > 1 and page_size:
            page = -(-total // page_size)
            found = session.execute(_page(query, page, page_size)).all()
    pages = max(1, -(-total // page_size)) if page_size else 1
    rows = [CaseloadRow(child=found_row[0], next_due=found_row.next_due,
                        status=due_status(found_row.next_due, today),
                        open_flags=found_row.open_flags, last_contact=found_row.last_contact,
                        new_items=found_row.new_items,
                        unread_messages=found_row.unread_messages,
                        views_received=found_row.views_received if found_row.next_review_id
                        else 0)
            for found_row in found]
    _fill(rows, [found_row.next_review_id for found_row in found])
    if sort == "new":  # most new things first (counted per row, so sorted here)
        rows.sort(key=lambda r: (-r.unread, r.child.preferred_name, r.child.id))
    return Caseload(rows=rows, total=total, page=page, pages=pages)


def _page(query, page: int, page_size: int | None):
    return query if page_size is None else query.limit(page_size).offset((page - 1) * page_size)


def _fill(rows: list[CaseloadRow], review_ids: list[int | None]) -> None:
    """The next review (for its booking) and the letters due, for the rows shown: two
    queries whatever the number of children (none for an empty page)."""
    if not rows:
        return
    session = db.session()
    by_id = {r.child.id: r for r in rows}
    wanted = bindparam("reviews", [i for i in review_ids if i], expanding=True)
    for review in session.scalars(select(Review).where(Review.id.in_(wanted))):
        by_id[review.child_id].next_review = review
    ids = bindparam("ids", list(by_id), expanding=True)
    for letter in session.scalars(select(Letter).where(Letter.child_id.in_(ids),
                                                       Letter.first_published_at.is_(None))
                                  .order_by(Letter.deadline_on, Letter.id)):
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
                 Submission.child_id == child_id, Submission.status == Status.SENT,
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


def child_by_reference(reference: str) -> Child | None:
    return db.session().scalar(select(Child).where(Child.reference == reference))


def adults() -> list[Account]:
    """Carers and advocates who can sign in, by name, to link to a child."""
    return list(db.session().scalars(select(Account).where(
        Account.role.in_([Role.CARER, Role.ADVOCATE]), Account.active.is_(True))
        .order_by(Account.display_name, Account.id)))


def links_of(child_id: int) -> list[Link]:
    """Every link the child has had: current and future first, then ended."""
    return list(db.session().scalars(
        select(Link).where(Link.child_id == child_id)
        .options(selectinload(Link.account))
        .order_by(Link.ends_on.is_not(None), Link.ends_on.desc(), Link.starts_on.desc())))
