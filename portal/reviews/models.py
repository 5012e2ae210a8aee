"""Statutory reviews of a child's care plan."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Child
from portal.db import Base, UTCDateTime, utcnow


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    participation_code: Mapped[str | None] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    child: Mapped[Child] = relationship()

    @property
    def is_upcoming(self) -> bool:
        return self.held_on is None
