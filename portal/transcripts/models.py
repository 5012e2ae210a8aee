"""What a voice note says, as a Whisper model heard it: one row per stored recording."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, utcnow
from portal.media.models import StoredFile


class Transcript(Base):
    """Made by a computer and possibly wrong: staff are told to listen to the recording.

    Deleted with the recording (the foreign key cascades; retention deletes StoredFile rows).
    """

    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    stored_file_id: Mapped[int] = mapped_column(
        ForeignKey("stored_files.id", ondelete="CASCADE"), unique=True)
    # Whisper's code for the language it transcribed in ("en", "fa"): the child's or detected.
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    # Whisper's English translation, for speech in any other language; None for English.
    english_text: Mapped[str | None] = mapped_column(Text)
    model: Mapped[str] = mapped_column(String(120))
    seconds_taken: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stored_file: Mapped[StoredFile] = relationship()
