"""My plan: the actions agreed at the child's latest review, each with a status the ISRO
keeps up to date, and "This hasn't happened" from the child. Writes here add to the
session and the audit trail; the caller commits.

Who sees it: the child and the staff on their case. Not carers, even when the letter is
shared with them: they read the shared letter's actions, but the notes ("Ms Patel is
chasing it") and what the child says has not happened are between the child and their
ISRO (it may be the carer's own action the child says has not happened).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import audit, db
from portal.accounts.models import Account, Child
from portal.db import utcnow
from portal.messages import flags
from portal.reviews import queries
from portal.reviews.models import PLAN_STATUSES, Letter, LetterVersion, PlanAction, PlanReport

NOTE_LIMIT = 500
WORDS_LIMIT = 500
# What the child reads beside each status's own icon (static/pictures/plan-<status>.svg).
CHILD_WORDS = {"todo": _l("Not done yet"), "done": _l("Done"), "late": _l("Late"),
               "changed": _l("Changed")}
STAFF_WORDS = {"todo": _l("To do"), "done": _l("Done"), "late": _l("Late"),
               "changed": _l("Changed")}
NEEDS_NOTE = ("late", "changed")


@dataclass
class PlanRow:
    item: PlanAction
    who: str
    what: str
    by: date | None


@dataclass
class Plan:
    letter: Letter
    version: LetterVersion
    rows: list[PlanRow]


def _text(action: dict) -> str:
    return (action.get("what") or "").strip() or (action.get("who") or "").strip()


def _same(one: str, other: str) -> bool:
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def _actions_of(letter_id: int) -> list[PlanAction]:
    return list(db.session().scalars(
        select(PlanAction).where(PlanAction.letter_id == letter_id)
        .options(selectinload(PlanAction.reports)).order_by(PlanAction.id)))


def follow_letter(letter: Letter, version: LetterVersion) -> None:
    """Make My plan follow a newly published version of the letter.

    Matching, when a letter is published again: an action keeps its status (and what the
    child said about it) when its words ("what") read the same, spaces and capitals
    aside, as an action already on the plan: the one in the same place first, otherwise
    the first unmatched one elsewhere (an action moved up or down the list). Who and by
    when may change without losing the status. Any other action is new ("To do"); an
    action no longer in the letter is retired, kept with what the child said, not shown.
    """
    current = [a for a in _actions_of(letter.id) if a.position is not None]
    at = {a.position: a for a in current}
    unused = {a.id for a in current}
    for position, action in enumerate(version.actions or []):
        text = _text(action)
        match = at.get(position)
        if match is None or match.id not in unused or not _same(match.what, text):
            match = next((a for a in current if a.id in unused and _same(a.what, text)), None)
        if match is None:
            match = PlanAction(letter_id=letter.id, child_id=letter.child_id, status="todo")
            db.session().add(match)
        else:
            unused.discard(match.id)
        match.position, match.what = position, text
    for action in current:
        if action.id in unused:
            action.position = None
    db.session().flush()


def plan_for(child_id: int) -> Plan | None:
    """The actions of the child's latest published letter (newest meeting first)."""
    letters = queries.letters_for([child_id])
    if not letters or letters[0].latest is None:
        return None
    letter = letters[0]
    version = letter.latest
    shown = {a.position: a for a in _actions_of(letter.id) if a.position is not None}
    rows = []
    for position, action in enumerate(version.actions or []):
        item = shown.get(position)
        if item is None:  # published before My plan existed: follow it now
            follow_letter(letter, version)
            return plan_for(child_id)
        by = action.get("by")
        rows.append(PlanRow(item, action.get("who") or "", action.get("what") or "",
                            date.fromisoformat(by) if by else None))
    return Plan(letter, version, rows)


def action(action_id: int) -> PlanAction | None:
    return db.session().get(PlanAction, action_id)


def is_childs_action(child_id: int, action_id: int) -> bool:
    found = action(action_id)
    return found is not None and found.child_id == child_id and found.position is not None


def open_reports(child_id: int) -> list[PlanReport]:
    """What the child said has not happened, since the ISRO last changed that action."""
    plan = plan_for(child_id)
    return [r for row in plan.rows for r in row.item.open_reports] if plan else []


def reports_by(child_id: int) -> list[PlanReport]:
    """Every "This hasn't happened" the child said, oldest first (for their own file)."""
    return list(db.session().scalars(select(PlanReport).where(
        PlanReport.child_id == child_id).order_by(PlanReport.said_at, PlanReport.id)))


def set_status(item: PlanAction, by: Account, status: str, note: str | None) -> bool:
    """Change an action's status and note; False when nothing changed."""
    if status not in PLAN_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    note = (note or "").strip()[:NOTE_LIMIT] or None
    if status in NEEDS_NOTE and note is None:
        raise ValueError("a late or changed action needs a note")
    if item.status == status and item.note == note:
        return False
    item.status, item.note = status, note
    item.updated_at, item.updated_by_id = utcnow(), by.id
    audit.record("plan.status_changed", actor_id=by.id, child_id=item.child_id,
                 subject=f"plan_action:{item.id}", status=status)
    return True


def not_happened(item: PlanAction, child: Child, by: Account, words: str | None) -> PlanReport:
    """The child says an action has not happened (their words checked for safety, as
    everything a child sends is)."""
    words = (words or "").strip()[:WORDS_LIMIT] or None
    report = PlanReport(action_id=item.id, child_id=child.id, words=words, said_at=utcnow())
    db.session().add(report)
    db.session().flush()
    if words:
        flags.check(child, words, by=by)
    audit.record("child.said_not_happened", actor_id=by.id, child_id=child.id,
                 subject=f"plan_action:{item.id}")
    return report
