"""A record of each file in the store: whose it is, what it is, and who sent it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Account, Child
from portal.db import Base, UTCDateTime, enum_of, utcnow


class FileKind(enum.StrEnum):
    IMAGE = "image"
    AUDIO = "audio"


class StoredFile(Base):
    """A picture or voice note a child sent, as re-made by portal.media.pipeline."""

    __tablename__ = "stored_files"
    __table_args__ = (CheckConstraint("kind IN ('image', 'audio')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FileKind] = mapped_column(enum_of(FileKind, 16))
    # The name FileStore made; the sender's own file name is never kept.
    name: Mapped[str] = mapped_column(String(64), unique=True)
    thumbnail_name: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    # What was uploaded, before re-making: e.g. "HEIF", "JPEG", "webm", "mp4".
    source_format: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the stored bytes, in hex.
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )

    child: Mapped[Child] = relationship()
    created_by: Mapped[Account | None] = relationship()

