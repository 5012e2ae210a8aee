"""Statutory reviews, the plans agreed on the day, and the letter to the child."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Account, Child
from portal.db import Base, UTCDateTime, utcnow


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    # "first", "second" or "later" (reg. 33); due_on is the statutory due date.
    kind: Mapped[str | None] = mapped_column(String(8))
    due_on: Mapped[date] = mapped_column(Date)
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    invited: Mapped[str | None] = mapped_column(Text)
    interpreter_needed: Mapped[bool] = mapped_column(default=False, server_default=false())
    attended: Mapped[str | None] = mapped_column(Text)
    child_attended: Mapped[bool | None] = mapped_column()
    participation_code: Mapped[str | None] = mapped_column(String(3))
    plans_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Held after its due date: why (reviews.forms.LATE_REASONS), and a note for "other".
    late_reason: Mapped[str | None] = mapped_column(String(24))
    late_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    child: Mapped[Child] = relationship()
    plans: Mapped[list[AgreedPlan]] = relationship(order_by="AgreedPlan.position",
                                                   cascade="all, delete-orphan")

    @property
    def day(self) -> date:
        """The day of the meeting: held, else booked, else due."""
        if self.held_on:
            return self.held_on
        return self.scheduled_for.date() if self.scheduled_for else self.due_on


class AgreedPlan(Base):
    """One thing agreed at the meeting, published on the day for the child to keep."""

    __tablename__ = "agreed_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class Letter(Base):
    """The minutes of a review, written to the child. Drafts are edited here; each
    publication is a LetterVersion the child can read."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"),
                                           unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"who": ..., "what": ..., "by": "yyyy-mm-dd"}]
    actions: Mapped[list] = mapped_column(JSON, default=list)
    # "You said, we did": [{"source": "submission:3:worries", "question": ..., "said": the
    # child's words as typed, copied when linked, "so": the decision}] (reviews.you_said).
    you_said: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    shared_with_carer: Mapped[bool] = mapped_column(default=False)
    deadline_on: Mapped[date] = mapped_column(Date)
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                                 ondelete="SET NULL"))
    # Optimistic locking: an edit made on an old copy is refused, not written over.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    review: Mapped[Review] = relationship()
    child: Mapped[Child] = relationship()
    updated_by: Mapped[Account | None] = relationship()
    versions: Mapped[list[LetterVersion]] = relationship(order_by="LetterVersion.number",
                                                         back_populates="letter")

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def latest(self) -> LetterVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def met_deadline(self) -> bool | None:
        if self.first_published_at is None:
            return None
        return self.first_published_at.date() <= self.deadline_on


class LetterVersion(Base):
    __tablename__ = "letter_versions"
    __table_args__ = (UniqueConstraint("letter_id", "number", name="letter_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"),
                                           index=True)
    number: Mapped[int] = mapped_column(Integer)
    sections: Mapped[dict] = mapped_column(JSON)
    actions: Mapped[list] = mapped_column(JSON)
    you_said: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    language: Mapped[str] = mapped_column(String(16), default="en")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                                   ondelete="SET NULL"))
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    understood_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    letter: Mapped[Letter] = relationship(back_populates="versions")
    published_by: Mapped[Account | None] = relationship()


PLAN_STATUSES = ("todo", "done", "late", "changed")


class PlanAction(Base):
    """One action of a published letter on the child's My plan, with its status, which the
    ISRO keeps up to date between reviews. An action taken out of the letter when it is
    published again is retired (position None), not deleted, so what the child said
    about it is kept."""

    __tablename__ = "plan_actions"
    __table_args__ = (CheckConstraint("status IN ('todo', 'done', 'late', 'changed')",
                                      name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"),
                                           index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int | None] = mapped_column(Integer)
    # The action's words when published: how a republished letter's actions are matched.
    what: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="todo")
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                                 ondelete="SET NULL"))

    reports: Mapped[list[PlanReport]] = relationship(order_by="PlanReport.said_at",
                                                     back_populates="action")

    @property
    def open_reports(self) -> list[PlanReport]:
        """What the child said since the ISRO last changed this action's status."""
        return [r for r in self.reports if self.updated_at is None or r.said_at > self.updated_at]


class PlanReport(Base):
    """The child pressed "This hasn't happened" on an action (with a few words, or none)."""

    __tablename__ = "plan_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_actions.id", ondelete="CASCADE"),
                                           index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    words: Mapped[str | None] = mapped_column(Text)
    said_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[PlanAction] = relationship(back_populates="reports")
