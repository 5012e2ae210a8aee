"""The annual report's action plan and the narrative a manager writes, kept per report
year (the financial year starting 1 April of ``year``).

The action plan is rows of what needs to happen, who, by when, what we will see and a
RAG rating. "Carry into next year" copies the rows not yet done into the next year's
plan, each remembering the rating it had, so next year's report shows the old rating
beside the new one.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    exists,
    select,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column

from portal import audit, db
from portal.accounts.models import Account
from portal.db import Base, UTCDateTime, enum_of, utcnow
from portal.reports.tables import Table


class Rag(enum.StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


RAG_LABELS = {Rag.RED: "Red", Rag.AMBER: "Amber", Rag.GREEN: "Green"}
# The parts of the report a manager writes a text for, in the report's order.
NARRATIVE_SECTIONS = ("introduction", "caseloads", "timeliness", "activity", "profile",
                      "participation", "voice", "challenges", "plan")
NARRATIVE_LIMIT = 20_000


class ActionRow(Base):
    __tablename__ = "annual_actions"
    __table_args__ = (
        CheckConstraint("rag IN ('red', 'amber', 'green')", name="rag"),
        CheckConstraint("previous_rag IN ('red', 'amber', 'green')", name="previous_rag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    need: Mapped[str] = mapped_column(Text)  # what needs to happen
    who: Mapped[str] = mapped_column(String(200))
    by_when: Mapped[date] = mapped_column(Date)
    will_see: Mapped[str] = mapped_column(Text)  # what we will see
    rag: Mapped[Rag] = mapped_column(enum_of(Rag, 8))
    done: Mapped[bool] = mapped_column(default=False)
    # Carried from last year's row: which one, and the rating it had then.
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("annual_actions.id", ondelete="SET NULL"), index=True)
    previous_rag: Mapped[Rag | None] = mapped_column(enum_of(Rag, 8))
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Narrative(Base):
    """A manager's text for one section of one year's report."""

    __tablename__ = "annual_narratives"
    __table_args__ = (UniqueConstraint("year", "section", name="uq_annual_narratives_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def report_year(day: date) -> int:
    """The report year a day falls in: 2025 for 1 April 2025 to 31 March 2026."""
    return day.year if day.month >= 4 else day.year - 1


# --- reading ------------------------------------------------------------------------

def rows(year: int) -> list[ActionRow]:
    return list(db.session().scalars(select(ActionRow).where(ActionRow.year == year)
                                     .order_by(ActionRow.by_when, ActionRow.id)))


def row(year: int, row_id: int | None) -> ActionRow | None:
    found = db.session().get(ActionRow, row_id) if row_id else None
    return found if found is not None and found.year == year else None


def narratives(year: int) -> dict[str, str]:
    return dict(db.session().execute(select(Narrative.section, Narrative.text)
                                     .where(Narrative.year == year)).all())


def plan_table(year: int) -> Table:
    """The action plan as a table of the report (and a CSV)."""
    found = [[r.need, r.who, r.by_when.isoformat(), r.will_see, RAG_LABELS[r.rag],
              RAG_LABELS[r.previous_rag] if r.previous_rag else "",
              "Done" if r.done else "Open"] for r in rows(year)]
    return Table("action-plan", "Action plan",
                 ["What needs to happen", "Who", "By when", "What we will see", "RAG rating",
                  "Last year's rating", "Status"], found)


# --- writing (each leaves the commit to its caller) ----------------------------------

def save_row(year: int, by: Account, existing: ActionRow | None, *, need: str, who: str,
             by_when: date, will_see: str, rag: Rag | str, done: bool) -> ActionRow:
    item = existing or ActionRow(year=year)
    item.need, item.who, item.by_when, item.will_see = need, who, by_when, will_see
    item.rag, item.done, item.updated_by_id = Rag(rag), done, by.id
    if existing is None:
        db.session().add(item)
    db.session().flush()
    audit.record("manager.saved_action", actor_id=by.id, child_id=None,
                 subject=f"action:{item.id}:{year}")
    return item


def remove_row(item: ActionRow, by: Account) -> None:
    audit.record("manager.removed_action", actor_id=by.id, child_id=None,
                 subject=f"action:{item.id}:{item.year}")
    db.session().delete(item)
    db.session().flush()


def carry_forward(year: int, by: Account) -> int:
    """Copy the year's rows not yet done into the next year, each keeping its rating as
    "last year's rating". A row already carried is not carried again. Returns how many
    were copied."""
    session = db.session()
    later = aliased(ActionRow)
    open_rows = session.scalars(select(ActionRow).where(
        ActionRow.year == year, ActionRow.done.is_(False),
        ~exists().where(later.carried_from_id == ActionRow.id, later.year == year + 1))
        .order_by(ActionRow.by_when, ActionRow.id)).all()
    for old in open_rows:
        session.add(ActionRow(year=year + 1, need=old.need, who=old.who, by_when=old.by_when,
                              will_see=old.will_see, rag=old.rag, previous_rag=old.rag,
                              carried_from_id=old.id, updated_by_id=by.id))
    session.flush()
    audit.record("manager.carried_actions", actor_id=by.id, child_id=None,
                 subject=f"actions:{year}:{len(open_rows)}")
    return len(open_rows)


def save_narratives(year: int, by: Account, texts: dict[str, str]) -> None:
    """Keep each section's text; an empty one removes it."""
    session = db.session()
    kept = {n.section: n for n in session.scalars(select(Narrative).where(
        Narrative.year == year))}
    for section in NARRATIVE_SECTIONS:
        text = (texts.get(section) or "").strip()
        found = kept.get(section)
        if not text:
            if found is not None:
                session.delete(found)
        elif found is None:
            session.add(Narrative(year=year, section=section, text=text, updated_by_id=by.id))
        elif found.text != text:
            found.text, found.updated_by_id = text, by.id
    session.flush()
    audit.record("manager.saved_narrative", actor_id=by.id, child_id=None,
                 subject=f"narrative:{year}")
