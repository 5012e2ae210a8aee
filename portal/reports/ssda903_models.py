"""What the council's SSDA903 return says about each child's time in care, kept as
history: every episode (a period under one legal status in one placement), and whether
the child was an unaccompanied asylum-seeking child (the UASC table).

The Episodes table also gives HOME_POST and PL_POST, the postcodes of the child's home
and of their placement. Where a child lives is the most sensitive thing the portal
could hold about them, and no table needs it: PL_DISTANCE (miles between the two) is
what the "placed 20 miles or more from home" table uses, so the import checks the
postcodes' shape and then drops them. They are never stored.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class Episode(Base):
    """One line of the 903 Episodes table (without the postcodes)."""

    __tablename__ = "episodes"
    __table_args__ = (UniqueConstraint("child_id", "decom", name="uq_episodes_child_decom"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    decom: Mapped[date] = mapped_column(Date)  # the day the episode started
    rne: Mapped[str] = mapped_column(String(1))  # why it started: S, a new period of care
    ls: Mapped[str] = mapped_column(String(2))  # legal status
    cin: Mapped[str] = mapped_column(String(2))  # category of need
    place: Mapped[str] = mapped_column(String(2))
    place_provider: Mapped[str | None] = mapped_column(String(3))
    dec: Mapped[date | None] = mapped_column(Date)  # the day it ceased
    rec: Mapped[str | None] = mapped_column(String(3))  # why: X1 or a leaving.REASONS code
    reason_place_change: Mapped[str | None] = mapped_column(String(5))
    urn: Mapped[str | None] = mapped_column(String(10))  # the provider's Ofsted number
    pl_distance: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))  # miles from home


class UascRecord(Base):
    """The child was an unaccompanied asylum-seeking child until ``duc`` (the 903's
    "date UASC ceased", usually their 18th birthday)."""

    __tablename__ = "uasc"

    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          primary_key=True)
    duc: Mapped[date] = mapped_column(Date)
