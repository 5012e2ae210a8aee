"""Reading reviews: the next one for each child, and whether it is on time."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from portal import db
from portal.reviews.models import Review

DUE_SOON_DAYS = 28


def next_reviews(child_ids: Iterable[int]) -> dict[int, Review]:
    """The earliest review not yet held, per child, in one query."""
    ids = list(child_ids)
    if not ids:
        return {}
    rows = db.session().scalars(
        select(Review).where(Review.child_id.in_(ids), Review.held_on.is_(None))
        .order_by(Review.child_id, Review.due_on)
    )
    found: dict[int, Review] = {}
    for review in rows:
        found.setdefault(review.child_id, review)
    return found


def reviews_of(child_id: int) -> list[Review]:
    return list(db.session().scalars(
        select(Review).where(Review.child_id == child_id).order_by(Review.due_on.desc())
    ))


def status(review: Review | None, today: date | None = None) -> str:
    """'overdue', 'due-soon' or 'on-time' for a review not yet held; 'none' without one."""
    if review is None:
        return "none"
    today = today or date.today()
    if review.due_on < today:
        return "overdue"
    if (review.due_on - today).days <= DUE_SOON_DAYS:
        return "due-soon"
    return "on-time"
