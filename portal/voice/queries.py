"""Reading feedback and advocacy requests, and counting them for the annual report."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import db
from portal.clock import LONDON
from portal.reviews.models import Review
from portal.voice.models import FACE_VALUES, AdvocacyOutcome, AdvocacyRequest, ReviewFeedback

# A child is asked about a review held within this many days, and only the latest one.
ASK_WITHIN_DAYS = 90
# question id (a ReviewFeedback column) -> the question, as the child reads it.
QUESTIONS = {
    "listened": _l("Was I listened to?"),
    "understood": _l("Did I understand what was decided?"),
    "right_people": _l("Were the right people there?"),
}


def feedback_due(child_id: int, today: date) -> Review | None:
    """The review to ask "How was my review?" about: the child's latest held review, if it
    was held lately and they have neither answered nor skipped the question for it."""
    latest = db.session().scalar(
        select(Review).where(Review.child_id == child_id, Review.held_on.is_not(None),
                             Review.held_on <= today)
        .order_by(Review.held_on.desc(), Review.id.desc()).limit(1))
    if latest is None or latest.held_on < today - timedelta(days=ASK_WITHIN_DAYS):
        return None
    answered = db.session().scalar(
        select(ReviewFeedback.id).where(ReviewFeedback.review_id == latest.id))
    return None if answered is not None else latest


def feedback_of(child_id: int) -> list[ReviewFeedback]:
    """What the child said about their reviews (not the ones they skipped), newest first."""
    return list(db.session().scalars(
        select(ReviewFeedback).join(Review, Review.id == ReviewFeedback.review_id)
        .where(ReviewFeedback.child_id == child_id, ReviewFeedback.skipped.is_(False))
        .order_by(Review.held_on.desc())))


def requests_of(child_id: int) -> list[AdvocacyRequest]:
    return list(db.session().scalars(
        select(AdvocacyRequest).where(AdvocacyRequest.child_id == child_id)
        .order_by(AdvocacyRequest.asked_at.desc(), AdvocacyRequest.id.desc())))


def open_request(child_id: int) -> AdvocacyRequest | None:
    return db.session().scalar(
        select(AdvocacyRequest).where(AdvocacyRequest.child_id == child_id,
                                      AdvocacyRequest.outcome.is_(None))
        .order_by(AdvocacyRequest.asked_at.desc()).limit(1))


def advocacy_request(request_id: int) -> AdvocacyRequest | None:
    return db.session().get(AdvocacyRequest, request_id)


def is_childs_request(child_id: int, request_id: int) -> bool:
    found = advocacy_request(request_id)
    return found is not None and found.child_id == child_id


def feedback_counts(start: date, end: date) -> dict[str, dict[str, int]]:
    """For reviews held from ``start`` to ``end`` (both included): per question, per face,
    how many children chose it. Each child counts once per question, with their answer
    about the latest of those reviews for which they answered that question."""
    rows = db.session().execute(
        select(ReviewFeedback.child_id, ReviewFeedback.listened, ReviewFeedback.understood,
               ReviewFeedback.right_people)
        .join(Review, Review.id == ReviewFeedback.review_id)
        .where(Review.held_on >= start, Review.held_on <= end,
               ReviewFeedback.skipped.is_(False))
        .order_by(Review.held_on, Review.id)).all()
    latest: dict[str, dict[int, str]] = {question: {} for question in QUESTIONS}
    for row in rows:  # oldest first, so a later answer replaces an earlier one
        for question in QUESTIONS:
            face = getattr(row, question)
            if face is not None:
                latest[question][row.child_id] = face
    counts = {question: dict.fromkeys(FACE_VALUES, 0) for question in QUESTIONS}
    for question, faces in latest.items():
        for face in faces.values():
            counts[question][face] += 1
    return counts


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC instants that begin ``start`` and end ``end`` in England."""
    begins = datetime.combine(start, time.min, LONDON).astimezone(UTC)
    ends = datetime.combine(end + timedelta(days=1), time.min, LONDON).astimezone(UTC)
    return begins, ends


def advocacy_counts(start: date, end: date) -> dict:
    """Requests for an advocate made from ``start`` to ``end`` (both included, England's
    days): {"requests": n, "children": children who asked, "outcomes": {outcome value or
    "open": n requests}} (every outcome is listed, 0 when none)."""
    begins, ends = _day_bounds(start, end)
    in_period = (AdvocacyRequest.asked_at >= begins, AdvocacyRequest.asked_at < ends)
    session = db.session()
    requests, children = session.execute(
        select(func.count(AdvocacyRequest.id), func.count(AdvocacyRequest.child_id.distinct()))
        .where(*in_period)).one()
    outcomes = {o.value: 0 for o in AdvocacyOutcome} | {"open": 0}
    for outcome, number in session.execute(
            select(AdvocacyRequest.outcome, func.count(AdvocacyRequest.id))
            .where(*in_period).group_by(AdvocacyRequest.outcome)):
        outcomes[outcome.value if outcome is not None else "open"] = number
    return {"requests": requests, "children": children, "outcomes": outcomes}
