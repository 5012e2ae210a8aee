"""The audit trail as a manager reads it: events chosen by filters, newest first, and a
week's unusual patterns. Each costs a fixed number of queries whatever the number of
events (people and children are loaded in one query each)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, distinct, func, not_, or_, select

from portal import db
from portal.accounts.models import Account, Child
from portal.audit import AuditEvent
from portal.clock import LONDON
from portal.office_hours import OfficeHours

PAGE_SIZE = 100
CSV_BATCH = 1000
# Pattern (b): one person looking at more than this many different children in one day
# (a London day) is listed.
MANY_CHILDREN_A_DAY = 20
# Actions that show staff a child's content, or take it out of the portal.
CONTENT_ACTIONS = ("staff.viewed", "staff.exported")
# Pages that list many children at once write one event for each child listed: opening
# them is ordinary use, not looking at each child, so pattern (b) does not count them.
LIST_PAGES = ("staff.viewed_new", "staff.viewed_flags")
CARD_PRINTED = "account.setup_code_issued"
SEARCH_LENGTH = 80


@dataclass(frozen=True)
class Filters:
    person: str = ""  # part of a username or name
    child: str = ""  # part of a council reference or preferred name
    action: str = ""
    start: date | None = None  # London days, both included
    end: date | None = None


@dataclass
class Row:
    event: AuditEvent
    actor: Account | None
    child: Child | None
    actor_name: str | None  # a child's account is named by the child's preferred name


@dataclass
class TrailPage:
    rows: list[Row]
    total: int
    page: int
    pages: int


def start_of(day: date) -> datetime:
    """The first moment of a day in England."""
    return datetime.combine(day, time(), tzinfo=LONDON)


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(column, text: str):
    return func.lower(column).like(_like(text), escape="\\")


def _chosen(filters: Filters):
    """The conditions the filters make."""
    conditions = []
    if filters.person.strip():
        people = select(Account.id).where(or_(_contains(Account.username, filters.person),
                                              _contains(Account.display_name, filters.person)))
        conditions.append(AuditEvent.actor_id.in_(people))
    if filters.child.strip():
        matching = or_(_contains(Child.reference, filters.child),
                       _contains(Child.preferred_name, filters.child))
        # What was done about the child, and what the child did themself (signing in).
        conditions.append(or_(
            AuditEvent.child_id.in_(select(Child.id).where(matching)),
            AuditEvent.actor_id.in_(select(Child.account_id).where(
                matching, Child.account_id.is_not(None)))))
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.start:
        conditions.append(AuditEvent.at >= start_of(filters.start))
    if filters.end:
        conditions.append(AuditEvent.at < start_of(filters.end + timedelta(days=1)))
    return conditions


def actions() -> list[str]:
    """Every action the trail holds, for the filter's list."""
    return list(db.session().scalars(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def _newest_first(query):
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def events(filters: Filters, *, page: int = 1, page_size: int = PAGE_SIZE) -> TrailPage:
    """One page of the events the filters choose, newest first: four queries."""
    session = db.session()
    conditions = _chosen(filters)
    total = session.scalar(select(func.count(AuditEvent.id)).where(*conditions))
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    found = session.scalars(_newest_first(select(AuditEvent).where(*conditions))
                            .limit(page_size).offset((page - 1) * page_size)).all()
    return TrailPage(rows=_rows(found), total=total, page=page, pages=pages)


def every_event(filters: Filters, *, up_to: int | None = None,
                batch: int = CSV_BATCH) -> Iterator[Row]:
    """Every event the filters choose, newest first (for the CSV), read ``batch`` at a
    time so a long trail never sits in memory at once; only events up to id ``up_to``."""
    session = db.session()
    conditions = _chosen(filters)
    if up_to is not None:
        conditions.append(AuditEvent.id <= up_to)
    after: tuple[datetime, int] | None = None
    while True:
        query = select(AuditEvent).where(*conditions)
        if after is not None:
            at, event_id = after
            query = query.where(or_(AuditEvent.at < at,
                                    and_(AuditEvent.at == at, AuditEvent.id < event_id)))
        found = session.scalars(_newest_first(query).limit(batch)).all()
        yield from _rows(found)
        if len(found) < batch:
            return
        # Rows written out are let go: the session holds its objects weakly.
        after = (found[-1].at, found[-1].id)


def newest_id() -> int | None:
    return db.session().scalar(select(func.max(AuditEvent.id)))


def _rows(found: list[AuditEvent]) -> list[Row]:
    """The events with who did each and which child it was about: two queries."""
    session = db.session()
    actor_ids = {e.actor_id for e in found if e.actor_id is not None}
    child_ids = {e.child_id for e in found if e.child_id is not None}
    actors = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(actor_ids)))}
    children = session.scalars(select(Child).where(or_(
        Child.id.in_(child_ids), Child.account_id.in_(actor_ids)))).all()
    by_id = {c.id: c for c in children}
    by_account = {c.account_id: c for c in children if c.account_id is not None}
    rows = []
    for event in found:
        actor = actors.get(event.actor_id)
        as_child = by_account.get(event.actor_id)
        rows.append(Row(event=event, actor=actor, child=by_id.get(event.child_id),
                        actor_name=as_child.preferred_name if as_child
                        else actor.display_name if actor else None))
    return rows


# The week's unusual patterns.


@dataclass
class OutOfHours:
    """(a) Someone looked at children's content outside office hours on a day."""

    actor: Account | None
    day: date
    first: datetime
    last: datetime
    views: int
    children: int


@dataclass
class ManyChildren:
    """(b) Someone looked at more than MANY_CHILDREN_A_DAY children in a day."""

    actor: Account | None
    day: date
    children: int
    views: int


@dataclass
class CardForChildWithPassword:
    """(c) A sign-in card printed for a child who already had a password."""

    event: AuditEvent
    actor: Account | None
    child: Child | None
    reason: str


@dataclass
class Patterns:
    start: date
    end: date
    out_of_hours: list[OutOfHours] = field(default_factory=list)
    many_children: list[ManyChildren] = field(default_factory=list)
    cards: list[CardForChildWithPassword] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.out_of_hours or self.many_children or self.cards)


def week(weeks_ago: int, today: date) -> tuple[date, date]:
    """The 7 days ending today (``weeks_ago`` 0), or the 7 before those (1), and so on."""
    end = today - timedelta(days=7 * weeks_ago)
    return end - timedelta(days=6), end


def _content():
    return and_(AuditEvent.actor_id.is_not(None),
                or_(*(AuditEvent.action.startswith(p, autoescape=True)
                      for p in CONTENT_ACTIONS)))


def _open_windows(hours: OfficeHours, days: list[date]) -> list[tuple[datetime, datetime]]:
    """When the office was open on each of these days (one stretch a day at most, as
    OfficeHours keeps them)."""
    windows = []
    for day in days:
        opens = hours.next_open(start_of(day))
        if opens.astimezone(LONDON).date() != day:
            continue  # closed all day (a weekend or a bank holiday)
        minutes = hours.office_minutes_between(opens, start_of(day + timedelta(days=1)))
        windows.append((opens, opens + timedelta(minutes=minutes)))
    return windows


def patterns(hours: OfficeHours, start: date, end: date) -> Patterns:
    """The unusual patterns from ``start`` to ``end`` (London days, both included): four
    queries, and two more for the people and children they name."""
    session = db.session()
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    since, until = start_of(start), start_of(end + timedelta(days=1))
    in_week = and_(AuditEvent.at >= since, AuditEvent.at < until)

    # (a) Views outside office hours: the database leaves out the office's open hours,
    # and each event left is checked against the office hours themselves.
    open_hours = [and_(AuditEvent.at >= opens, AuditEvent.at < closes)
                  for opens, closes in _open_windows(hours, days)]
    late = session.execute(
        select(AuditEvent.at, AuditEvent.actor_id, AuditEvent.child_id)
        .where(in_week, _content(), *([not_(or_(*open_hours))] if open_hours else []))
        .order_by(AuditEvent.at)).all()
    grouped: dict[tuple[int, date], list] = defaultdict(list)
    for at, actor_id, child_id in late:
        if not hours.is_open(at):
            grouped[(actor_id, at.astimezone(LONDON).date())].append((at, child_id))

    # (b) Many children in one London day: each event's day worked out by the database.
    day_of = case(*((AuditEvent.at < start_of(day + timedelta(days=1)), n)
                    for n, day in enumerate(days)))
    viewed = (select(AuditEvent.actor_id, AuditEvent.child_id, day_of.label("day"))
              .where(in_week, _content(), AuditEvent.child_id.is_not(None),
                     AuditEvent.action.not_in(LIST_PAGES))
              .subquery())
    many = session.execute(
        select(viewed.c.actor_id, viewed.c.day, func.count(distinct(viewed.c.child_id)),
               func.count())
        .group_by(viewed.c.actor_id, viewed.c.day)
        .having(func.count(distinct(viewed.c.child_id)) > MANY_CHILDREN_A_DAY)).all()

    # (c) Sign-in cards printed for a child who already had a password.
    cards = [e for e in session.scalars(
        select(AuditEvent).where(in_week, AuditEvent.action == CARD_PRINTED,
                                 AuditEvent.child_id.is_not(None))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
        if (e.detail or {}).get("had_password") or (e.detail or {}).get("reason")]

    actor_ids = ({actor_id for actor_id, _day in grouped} | {row[0] for row in many}
                 | {e.actor_id for e in cards})
    actors = {a.id: a for a in session.scalars(select(Account).where(
        Account.id.in_(actor_ids - {None})))}
    children = {c.id: c for c in session.scalars(select(Child).where(
        Child.id.in_({e.child_id for e in cards})))}

    found = Patterns(start=start, end=end)
    for (actor_id, day), seen in sorted(grouped.items(), key=lambda kv: (kv[0][1],
                                                                         kv[1][0][0])):
        found.out_of_hours.append(OutOfHours(
            actor=actors.get(actor_id), day=day, first=seen[0][0], last=seen[-1][0],
            views=len(seen), children=len({c for _at, c in seen if c is not None})))
    for actor_id, day, how_many, views in sorted(many, key=lambda r: (r[1], -r[2])):
        found.many_children.append(ManyChildren(actor=actors.get(actor_id), day=days[day],
                                                children=how_many, views=views))
    for event in cards:
        found.cards.append(CardForChildWithPassword(
            event=event, actor=actors.get(event.actor_id), child=children.get(event.child_id),
            reason=str((event.detail or {}).get("reason") or "")))
    return found
