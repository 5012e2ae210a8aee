"""Conversations, messages, safety flags and the ISRO's "meet your ISRO" page."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Account, Child
from portal.db import Base, UTCDateTime, enum_of, utcnow
from portal.media.models import StoredFile


class Side(enum.StrEnum):
    """Who the ISRO is talking with about the child."""

    CHILD = "child"
    CARER = "carer"
    ADVOCATE = "advocate"


class Conversation(Base):
    """One thread about one child with one person. The ISRO side is whoever is the
    child's ISRO now, so a new ISRO carries on with the history."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("child_id", "participant_id", name="child_participant"),
        CheckConstraint("side IN ('child', 'carer', 'advocate')", name="side"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    side: Mapped[Side] = mapped_column(enum_of(Side, 16))
    participant_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                                index=True)
    participant_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    staff_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    child: Mapped[Child] = relationship()
    participant: Mapped[Account] = relationship()


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    # Exactly as typed: a child's words are never changed or blocked.
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="en")
    feels_unsafe: Mapped[bool] = mapped_column(default=False)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    # "I have a question" about a review letter: the letter it is about.
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id", ondelete="SET NULL"),
                                                  index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # When staff confirmed it is in the council's case record (retention may then delete it).
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[Account | None] = relationship()
    file: Mapped[StoredFile | None] = relationship()
    conversation: Mapped[Conversation] = relationship()

    # Set when the message is sent: the safety flags it raised (not a column).
    raised_flags = ()


class FlagReason(enum.StrEnum):
    TICKED = "ticked"  # the child said "I don't feel safe"
    WORDS = "words"  # the word lists matched


class Flag(Base):
    """A sign that a child may be unsafe. It stays at the top of every staff list until a
    staff member acknowledges it ("I have seen this and I am acting") and then clears it
    with a note of what they did. Unacknowledged past ``ack_due_at`` (office time), it is
    escalated to every manager."""

    __tablename__ = "flags"
    __table_args__ = (CheckConstraint("reason IN ('ticked', 'words')", name="reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"))
    reason: Mapped[FlagReason] = mapped_column(enum_of(FlagReason, 8))
    # The word-list entries that matched (never the child's whole message).
    matched: Mapped[str | None] = mapped_column(String(500))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When it must be acknowledged by: PORTAL_FLAG_ACK_MINUTES of office time after raising.
    ack_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                                 ondelete="SET NULL"))
    clear_note: Mapped[str | None] = mapped_column(Text)

    child: Mapped[Child] = relationship()
    message: Mapped[Message | None] = relationship()
    cleared_by: Mapped[Account | None] = relationship(foreign_keys=[cleared_by_id])
    acknowledged_by: Mapped[Account | None] = relationship(foreign_keys=[acknowledged_by_id])
    notices: Mapped[list[FlagNotice]] = relationship(
        back_populates="flag", order_by="FlagNotice.id", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None

    def is_overdue(self, now: datetime) -> bool:
        """Not acknowledged in time: shown red, escalated to managers."""
        return (self.acknowledged_at is None and self.cleared_at is None
                and self.ack_due_at is not None and now >= self.ack_due_at)


class NoticeStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class NoticeKind(enum.StrEnum):
    RAISED = "raised"
    ESCALATED = "escalated"


class FlagNotice(Base):
    """An email about a flag: to the ISRO, the duty address, or (escalated) a manager.
    Kept so the Safety page can say who a flag has reached, and failed ones are retried."""

    __tablename__ = "flag_notices"
    __table_args__ = (
        CheckConstraint("kind IN ('raised', 'escalated')", name="kind"),
        CheckConstraint("status IN ('queued', 'sent', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_of(NoticeKind, 16))
    # A staff member, or (account None) the duty address.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(254))
    status: Mapped[NoticeStatus] = mapped_column(enum_of(NoticeStatus, 8),
                                                 default=NoticeStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    flag: Mapped[Flag] = relationship(back_populates="notices")
    account: Mapped[Account | None] = relationship()


class IsroProfile(Base):
    """'Meet your ISRO': written by the ISRO, read by their children."""

    __tablename__ = "isro_profiles"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            primary_key=True)
    about: Mapped[str | None] = mapped_column(Text)
    working_hours: Mapped[str | None] = mapped_column(String(200))
    # A FileStore name; the photo went through the same image pipeline as a child's.
    photo_name: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
