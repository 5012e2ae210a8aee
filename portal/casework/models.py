"""The ISRO's own footprint on a child's record: contacts, visits, challenges, read marks."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Account
from portal.db import Base, UTCDateTime, enum_of, utcnow


class ContactHow(enum.StrEnum):
    VISIT = "visit"
    PHONE = "phone"
    VIDEO = "video"
    MESSAGE = "message"
    OTHER = "other"


class Contact(Base):
    """An ISRO's contact with or visit to a child between reviews."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    on: Mapped[date] = mapped_column(Date)
    how: Mapped[ContactHow] = mapped_column(enum_of(ContactHow, 16))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    by: Mapped[Account | None] = relationship()


THEMES = ("drift_delay", "placement", "contact", "staff_change", "education", "health",
          "care_plan", "other")
STAGES = ("informal", "formal", "escalated")
OUTCOMES = ("open", "resolved", "partly_resolved", "not_resolved")


class Challenge(Base):
    """The dispute-resolution log: a concern raised about a child's care plan."""

    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint(f"stage IN {STAGES}", name="stage"),
        CheckConstraint(f"outcome IN {OUTCOMES}", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                                ondelete="SET NULL"))
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    theme: Mapped[str] = mapped_column(String(24))
    concern: Mapped[str] = mapped_column(Text)
    raised_to: Mapped[str | None] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(16), default="informal")
    escalated_to: Mapped[str | None] = mapped_column(String(200))
    response_due: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16), default="open")
    outcome_note: Mapped[str | None] = mapped_column(Text)
    impact: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    raised_by: Mapped[Account | None] = relationship()


class ReadMark(Base):
    """A staff member has read something a child sent (for "what is new")."""

    __tablename__ = "read_marks"
    __table_args__ = (UniqueConstraint("account_id", "submission_id", name="account_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
