"""Across a whole caseload at once, in a fixed number of queries: what has arrived that
the ISRO has not read yet, and the reviews of the coming weeks."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from portal import access, db
from portal.accounts.models import Account, Child
from portal.casework.models import ReadMark
from portal.consultations.models import Status, Submission
from portal.messages.models import Conversation, Message
from portal.reviews.models import PlanAction, PlanReport, Review

PREVIEW = 140  # characters of what was written, shown before opening it


@dataclass
class NewFor:
    """What is new about one child."""

    child: Child
    submissions: list[Submission] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    # "This hasn't happened" on My plan, until the ISRO changes that action's status.
    plan_reports: list[PlanReport] = field(default_factory=list)

    @property
    def latest(self) -> datetime:
        times = [s.sent_at for s in self.submissions] + [m.created_at for m in self.messages]
        return max(times + [r.said_at for r in self.plan_reports])


def preview(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= PREVIEW else text[:PREVIEW].rstrip() + "…"


def submission_preview(item: Submission) -> str:
    """The first words of a poem, a caption or a form's first written answer."""
    if item.body:
        return preview(item.body)
    for answer in (item.answers or {}).values():
        if isinstance(answer.get("value"), str) and answer.get("status") == "answered":
            if len(answer["value"]) > 3:
                return preview(answer["value"])
    return preview(item.title)


def _children(account: Account, today: date):
    return (access.visible_children(account)
            .where(or_(Child.ceased_on.is_(None), Child.ceased_on > today))
            .with_only_columns(Child.id))


def new_across(account: Account, today: date) -> list[NewFor]:
    """Everything sent to this person's caseload that they have not read yet, newest
    first: two queries whatever the caseload's size (each joined to the children it is
    about, so the children come with the rows, as do who entered a thing and who wrote a
    message)."""
    session = db.session()
    visible = _children(account, today).whereclause
    read = select(ReadMark.submission_id).where(ReadMark.account_id == account.id)
    found: dict[int, NewFor] = {}
    for item in session.scalars(
            select(Submission).join(Child, Child.id == Submission.child_id)
            .where(visible, Submission.status == Status.SENT, Submission.id.not_in(read))
            .options(contains_eager(Submission.child), joinedload(Submission.entered_by))
            .order_by(Submission.sent_at.desc())):
        found.setdefault(item.child_id, NewFor(item.child)).submissions.append(item)
    for message in session.scalars(
            select(Message).join(Conversation, Conversation.id == Message.conversation_id)
            .join(Child, Child.id == Conversation.child_id)
            .where(visible, Message.author_id == Conversation.participant_id,
                   or_(Conversation.staff_read_at.is_(None),
                       Message.created_at > Conversation.staff_read_at))
            .options(contains_eager(Message.conversation).contains_eager(Conversation.child),
                     joinedload(Message.author))
            .order_by(Message.created_at.desc())):
        child = message.conversation.child
        found.setdefault(child.id, NewFor(child)).messages.append(message)
    for report, child in session.execute(
            select(PlanReport, Child).join(PlanAction, PlanAction.id == PlanReport.action_id)
            .join(Child, Child.id == PlanReport.child_id)
            .where(visible, PlanAction.position.is_not(None),
                   or_(PlanAction.updated_at.is_(None), PlanReport.said_at > PlanAction.updated_at))
            .options(contains_eager(PlanReport.action))
            .order_by(PlanReport.said_at.desc())):
        found.setdefault(child.id, NewFor(child)).plan_reports.append(report)
    return sorted(found.values(), key=lambda entry: entry.latest, reverse=True)


@dataclass
class Upcoming:
    review: Review
    day: date
    booked: bool
    invited: bool
    views_sent: int


def next_weeks(account: Account, today: date, weeks: int = 8) -> list[Upcoming]:
    """Reviews not held yet, booked or due from today to ``weeks`` weeks on (and any that
    are already late), soonest first: two queries."""
    session = db.session()
    end = today + timedelta(weeks=weeks)
    end_at = datetime.combine(end, time.max, UTC)
    reviews = list(session.scalars(
        select(Review).where(Review.child_id.in_(_children(account, today)),
                             Review.held_on.is_(None))
        .where(or_(Review.due_on <= end, Review.scheduled_for <= end_at))
        .options(selectinload(Review.child))))
    sent = dict(session.execute(
        select(Submission.review_id, func.count(Submission.id))
        .where(Submission.review_id.in_([r.id for r in reviews]),
               Submission.status == Status.SENT)
        .group_by(Submission.review_id)).all())
    rows = [Upcoming(review=r, day=r.day, booked=r.scheduled_for is not None,
                     invited=bool(r.invited), views_sent=sent.get(r.id, 0)) for r in reviews]
    return sorted(rows, key=lambda row: (row.day, row.review.child.preferred_name))
