"""Writes about reviews (the Reviews issue builds scheduling and recording on these)."""
from __future__ import annotations

from datetime import date, datetime

from portal import db
from portal.accounts.models import Child
from portal.reviews.models import Review

PARTICIPATION_CODES = tuple(f"PN{n}" for n in range(8))


def add_review(child: Child, due_on: date, *, scheduled_for: datetime | None = None,
               held_on: date | None = None, place: str | None = None,
               participation_code: str | None = None) -> Review:
    if participation_code is not None and participation_code not in PARTICIPATION_CODES:
        raise ValueError(f"unknown participation code {participation_code!r}")
    review = Review(child_id=child.id, due_on=due_on, scheduled_for=scheduled_for,
                    held_on=held_on, place=place, participation_code=participation_code)
    db.session().add(review)
    db.session().flush()
    return review
