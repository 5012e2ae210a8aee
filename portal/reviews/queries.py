"""Reading reviews and letters, and whether reviews are on time."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import access, clock, db
from portal.accounts.models import Account, Role
from portal.reviews.models import Letter, LetterVersion, Review

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


def review(review_id: int) -> Review | None:
    return db.session().get(Review, review_id)


def status(review: Review | None, today: date | None = None) -> str:
    """'overdue', 'due-soon' or 'on-time' for a review not yet held; 'none' without one;
    for a held review, 'held-on-time' or 'held-late'."""
    if review is None:
        return "none"
    today = today or clock.today()
    if review.held_on:
        return "held-on-time" if review.held_on <= review.due_on else "held-late"
    return due_status(review.due_on, today)


def due_status(due: date | None, today: date) -> str:
    """'overdue', 'due-soon' or 'on-time' for a review due on ``due``; 'none' without one."""
    if due is None:
        return "none"
    if due < today:
        return "overdue"
    return "due-soon" if (due - today).days <= DUE_SOON_DAYS else "on-time"


def letter_for(review_id: int) -> Letter | None:
    return db.session().scalar(select(Letter).where(Letter.review_id == review_id))


def letter(letter_id: int) -> Letter | None:
    return db.session().get(Letter, letter_id)


def letters_for(child_ids: Iterable[int]) -> list[Letter]:
    """Published letters of these children, newest meeting first."""
    ids = list(child_ids)
    return list(db.session().scalars(
        select(Letter).join(Review).where(Letter.child_id.in_(ids),
                                          Letter.first_published_at.is_not(None))
        .order_by(Review.held_on.desc()))) if ids else []


def unseen_letters(child_id: int) -> int:
    return len(db.session().scalars(
        select(LetterVersion.id).join(Letter).where(Letter.child_id == child_id,
                                                    LetterVersion.seen_at.is_(None))).all())


def reviews_with_plans(child_id: int) -> list[Review]:
    return list(db.session().scalars(
        select(Review).where(Review.child_id == child_id, Review.plans_published_at.is_not(None))
        .order_by(Review.held_on.desc())))


def may_see_review(account: Account, review_id: int) -> bool:
    found = review(review_id)
    return (found is not None and account.is_staff
            and access.can_see_child(account, found.child_id))


def may_see_letter(account: Account, letter_id: int) -> bool:
    """Staff on the child's case; the child once published; a carer only when shared."""
    found = letter(letter_id)
    if found is None or not access.can_see_child(account, found.child_id):
        return False
    role = account.role
    if account.is_staff:
        return True
    if found.first_published_at is None:
        return False
    return role is Role.CHILD or (role is Role.CARER and found.shared_with_carer)


def is_childs_review(child_id: int, review_id: int) -> bool:
    found = review(review_id)
    return found is not None and found.child_id == child_id


def is_childs_letter(child_id: int, letter_id: int) -> bool:
    found = letter(letter_id)
    return found is not None and found.child_id == child_id


def letters_by_review(child_id: int) -> dict[int, Letter]:
    """The child's letters, by review id, with their published versions."""
    return {letter.review_id: letter for letter in db.session().scalars(
        select(Letter).where(Letter.child_id == child_id)
        .options(selectinload(Letter.versions)))}
