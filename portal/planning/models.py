"""I plan my review: what a child chose about their next review meeting, one row per
child per upcoming review (review_id is empty until a review is on the calendar)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, utcnow

PLACES = ("in_school", "not_in_school", "at_home", "somewhere_else")
TIMES = ("after_school", "school_time", "weekend")
CHAIRS = ("no", "co_chair", "chair")


def _one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=column)


class ReviewPlan(Base):
    __tablename__ = "review_plans"
    __table_args__ = (
        UniqueConstraint("child_id", "review_id"),
        _one_of("place", PLACES),
        _one_of("timing", TIMES),
        _one_of("chair", CHAIRS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    place: Mapped[str | None] = mapped_column(String(16))
    place_note: Mapped[str | None] = mapped_column(String(200))
    timing: Mapped[str | None] = mapped_column(String(16))
    timing_note: Mapped[str | None] = mapped_column(String(200))
    who_comes: Mapped[str | None] = mapped_column(Text)
    who_not: Mapped[str | None] = mapped_column(Text)
    talk_about: Mapped[str | None] = mapped_column(Text)
    not_in_front: Mapped[str | None] = mapped_column(Text)
    chair: Mapped[str | None] = mapped_column(String(8))
    advocate: Mapped[bool | None] = mapped_column(Boolean)
    # A language code from portal.i18n.LANGUAGE_NAMES, or empty for no interpreter.
    interpreter: Mapped[str | None] = mapped_column(String(16))
    red_card: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, name) in (None, "") for name in FIELDS)


FIELDS = ("place", "place_note", "timing", "timing_note", "who_comes", "who_not",
          "talk_about", "not_in_front", "chair", "advocate", "interpreter", "red_card")
