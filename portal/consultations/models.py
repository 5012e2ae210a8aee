"""What a child sends: forms, drawings and pictures, poems, voice notes."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Account, Child
from portal.db import Base, UTCDateTime, enum_of, utcnow
from portal.media.models import StoredFile


class Kind(enum.StrEnum):
    FORM = "form"
    PICTURE = "picture"
    POEM = "poem"
    VOICE = "voice"
    # Views an advocate gathered from the child and gives on their behalf.
    ADVOCACY = "advocacy"


class Status(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"


class Visibility(enum.StrEnum):
    """Who may see a thing besides the child. Private to the ISRO is the default."""

    ISRO = "isro"
    ISRO_AND_CARER = "isro_and_carer"


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint("kind IN ('form', 'picture', 'poem', 'voice', 'advocacy')", name="kind"),
        CheckConstraint("status IN ('draft', 'sent')", name="status"),
        CheckConstraint("visibility IN ('isro', 'isro_and_carer')", name="visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(
        ForeignKey("children.id", ondelete="CASCADE"), index=True
    )
    # The review it is for: the child's next review when it was started.
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("reviews.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[Kind] = mapped_column(enum_of(Kind, 16))
    status: Mapped[Status] = mapped_column(enum_of(Status, 8), default=Status.DRAFT)
    visibility: Mapped[Visibility] = mapped_column(enum_of(Visibility, 16),
                                                   default=Visibility.ISRO)
    questionnaire: Mapped[str | None] = mapped_column(String(16))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    title: Mapped[str | None] = mapped_column(String(120))
    body: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    # The language the person was using when they wrote it.
    language: Mapped[str] = mapped_column(String(16), default="en")
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    # "carer" or "someone_else" when the child said someone helped.
    helped_by: Mapped[str | None] = mapped_column(String(16))
    # The carer who sat with the child and entered it with them.
    helped_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"))
    # Advocates: how and when the views were gathered, and what the child agreed to share.
    gathered_how: Mapped[list | None] = mapped_column(JSON)
    gathered_on: Mapped[date | None] = mapped_column(Date)
    consent: Mapped[str | None] = mapped_column(String(8))
    consent_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When staff confirmed it is in the council's case record (retention may then delete it).
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child: Mapped[Child] = relationship()
    file: Mapped[StoredFile | None] = relationship()
    entered_by: Mapped[Account | None] = relationship(foreign_keys=[entered_by_id])
    helper: Mapped[Account | None] = relationship(foreign_keys=[helped_by_id])

    @property
    def is_sent(self) -> bool:
        return self.status is Status.SENT
