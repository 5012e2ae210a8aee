"""What a child said about a review once it was held, and a child's request for an
advocate with what the ISRO did about it."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Account
from portal.db import Base, UTCDateTime, enum_of, utcnow
from portal.reviews.models import Review

# The consultation form's face scale (consultations.questionnaires.FACE_OPTIONS).
FACE_VALUES = ("great", "ok", "not_good", "no_say")
_FACES_SQL = ", ".join(f"'{value}'" for value in FACE_VALUES)


class ReviewFeedback(Base):
    """One per review: the child's three faces and words, or that they skipped it."""

    __tablename__ = "review_feedback"
    __table_args__ = tuple(
        CheckConstraint(f"{column} IN ({_FACES_SQL})", name=column)
        for column in ("listened", "understood", "right_people"))

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"),
                                           unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    # A face value, or None when the child left that question out.
    listened: Mapped[str | None] = mapped_column(String(16))
    understood: Mapped[str | None] = mapped_column(String(16))
    right_people: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    skipped: Mapped[bool] = mapped_column(default=False, server_default=false())
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    review: Mapped[Review] = relationship()


class AdvocacyOutcome(enum.StrEnum):
    REFERRED = "referred"
    LINKED = "linked"  # an advocate is now working with the child
    CHANGED_MIND = "changed_mind"
    OTHER = "other"


OUTCOME_VALUES = ", ".join(f"'{o.value}'" for o in AdvocacyOutcome)


class AdvocacyRequest(Base):
    """A child asked for an advocate; the ISRO records what happened, and when."""

    __tablename__ = "advocacy_requests"
    __table_args__ = (CheckConstraint(f"outcome IN ({OUTCOME_VALUES})", name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    help_with: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[AdvocacyOutcome | None] = mapped_column(enum_of(AdvocacyOutcome, 16))
    outcome_on: Mapped[date | None] = mapped_column(Date)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                                  ondelete="SET NULL"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recorded_by: Mapped[Account | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.outcome is None
