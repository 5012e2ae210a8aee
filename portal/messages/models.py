"""Conversations, messages, safety flags and the ISRO's "meet your ISRO" page."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Account, Child
from portal.db import Base, UTCDateTime, utcnow
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
    side: Mapped[str] = mapped_column(String(16))
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    author: Mapped[Account | None] = relationship()
    file: Mapped[StoredFile | None] = relationship()
    conversation: Mapped[Conversation] = relationship()


class Flag(Base):
    """A sign that a child may be unsafe: it stays at the top until a staff member clears
    it with a note of what they did."""

    __tablename__ = "flags"
    __table_args__ = (CheckConstraint("reason IN ('ticked', 'words')", name="reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(8))
    # The word-list entries that matched (never the child's whole message).
    matched: Mapped[str | None] = mapped_column(String(200))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                                 ondelete="SET NULL"))
    clear_note: Mapped[str | None] = mapped_column(Text)

    cleared_by: Mapped[Account | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


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
