"""The voice of the children: how many children sent their views in a period and how,
and what they said on the form's face scales. Counted per child, never per answer.

What counts as a child's views: their forms, pictures, poems and voice notes, views an
advocate gathered from them (kind "advocacy"), forms a carer helped them with
(``helped_by`` "carer"), and their own messages to their ISRO. A carer's observations of
an under-4 and an ISRO's visit notes are adults' words, not the child's, and are left
out. A child who sent views in several ways counts once in each way, and once in the
total.

No free text reaches the report, except quotes a manager picked, and only those the
child agreed to be shared.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import ForeignKey, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from portal import audit, db
from portal.accounts.models import Account, Child
from portal.consultations.models import Kind, Status, Submission
from portal.consultations.questionnaires import FACE_OPTIONS, FACES, QUESTIONNAIRES
from portal.db import Base, UTCDateTime, utcnow
from portal.messages.models import Conversation, Message, Side
from portal.reports.tables import Table, _bounds, _pct
from portal.voice import queries as feedback

# The ways a child sends views, in the report's order: (key, row label).
WAYS = (("form", "A form"), ("picture", "A picture"), ("poem", "A poem"),
        ("voice", "A voice note"), ("message", "A message to their ISRO"),
        ("advocate", "Through an advocate"), ("carer", "With their carer's help"))
# The topics with a face question, and the report's name for each.
TOPICS = (("home", "Home"), ("school", "School"), ("health", "Health"),
          ("family", "Family time"), ("friends", "Friends"))
FACE_LABELS = {"great": "Great", "ok": "OK", "not_good": "Not good",
               "no_say": "Did not want to say"}
QUOTE_LIMIT = 1000


class Quote(Base):
    """Words from what a child sent, picked by a manager for the report. Shown only when
    ``child_agreed``: the child said yes to it being shared."""

    __tablename__ = "annual_quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    words: Mapped[str] = mapped_column(Text)
    child_agreed: Mapped[bool] = mapped_column(default=False)
    chosen_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def face_questions() -> dict[str, set[str]]:
    """topic -> the ids of the face questions about it, in every child's form."""
    found: dict[str, set[str]] = {topic: set() for topic, _label in TOPICS}
    for questionnaire in QUESTIONNAIRES.values():
        for question in questionnaire.questions:
            if question.kind == FACES and question.section in found:
                found[question.section].add(question.id)
    return found


def _sent_in(start: date, end: date) -> tuple:
    low, high = _bounds(start, end)
    return (Submission.status == Status.SENT, Submission.sent_at >= low,
            Submission.sent_at < high)


def ways_by_child(start: date, end: date) -> dict[int, set[str]]:
    """child id -> the ways they sent views in the period. Two queries: submissions
    (grouped, so a child's hundred poems are one row) and the child's own messages."""
    session = db.session()
    children_forms = tuple(QUESTIONNAIRES)
    found: dict[int, set[str]] = {}
    for child_id, kind, questionnaire, helped_by in session.execute(
            select(Submission.child_id, Submission.kind, Submission.questionnaire,
                   Submission.helped_by).where(*_sent_in(start, end))
            .group_by(Submission.child_id, Submission.kind, Submission.questionnaire,
                      Submission.helped_by)):
        kind = Kind(kind)
        if kind is Kind.FORM and questionnaire not in children_forms:
            continue  # an observation or visit notes: an adult's words
        ways = found.setdefault(child_id, set())
        ways.add("advocate" if kind is Kind.ADVOCACY else kind.value)
        if helped_by == "carer":
            ways.add("carer")
    low, high = _bounds(start, end)
    for (child_id,) in session.execute(
            select(Conversation.child_id).join(Message, Message.conversation_id == Conversation.id)
            .join(Child, Child.id == Conversation.child_id)
            .where(Conversation.side == Side.CHILD, Message.author_id == Child.account_id,
                   Message.created_at >= low, Message.created_at < high)
            .group_by(Conversation.child_id)):
        found.setdefault(child_id, set()).add("message")
    return found


def faces_by_topic(start: date, end: date) -> dict[str, dict[str, int]]:
    """topic -> face -> children whose latest answer in the period was that face."""
    questions = face_questions()
    topic_of = {qid: topic for topic, ids in questions.items() for qid in ids}
    faces = {option.value for option in FACE_OPTIONS}
    latest: dict[tuple[int, str], tuple[datetime, int, str]] = {}
    for child_id, sent_at, item_id, answers in db.session().execute(
            select(Submission.child_id, Submission.sent_at, Submission.id, Submission.answers)
            .where(*_sent_in(start, end), Submission.kind == Kind.FORM,
                   Submission.questionnaire.in_(tuple(QUESTIONNAIRES)))):
        for qid, answer in (answers or {}).items():
            topic = topic_of.get(qid)
            if topic is None or not isinstance(answer, dict):
                continue
            value = answer.get("value")
            if answer.get("status") != "answered" or value not in faces:
                continue
            key, stamp = (child_id, topic), (sent_at, item_id, value)
            if key not in latest or stamp[:2] > latest[key][:2]:
                latest[key] = stamp
    counts = {topic: dict.fromkeys(FACE_LABELS, 0) for topic, _label in TOPICS}
    for (_child, topic), (_at, _id, value) in latest.items():
        counts[topic][value] += 1
    return counts


def voice_tables(start: date, end: date) -> list[Table]:
    ways = ways_by_child(start, end)
    total = len(ways)
    rows = [[label, sum(key in found for found in ways.values()), None] for key, label in WAYS]
    for cells in rows:
        cells[2] = _pct(cells[1], total)
    rows.append(["Children who sent their views", total, "100%" if total else "–"])
    tables = [Table("voice-how", "Children who sent their views, and how",
                    ["How", "Children", "%"], rows, chart=[(r[0], r[1]) for r in rows[:-1]])]
    faces = faces_by_topic(start, end)  # one pass for the five topics
    for topic, label in TOPICS:
        counts = faces[topic]
        answered = sum(counts.values())
        face_rows = [[FACE_LABELS[face], n, _pct(n, answered)] for face, n in counts.items()]
        face_rows.append(["Children who answered", answered, "100%" if answered else "–"])
        tables.append(Table(f"voice-faces-{topic}", f"How children feel about: {label}",
                            ["Face chosen", "Children", "%"], face_rows,
                            chart=[(r[0], r[1]) for r in face_rows[:-1]]))
    return tables


ADVOCACY_OUTCOMES = {"referred": "Referred to the advocacy service",
                     "linked": "An advocate is working with the child",
                     "changed_mind": "The child changed their mind", "other": "Other",
                     "open": "Not decided yet"}


def feedback_tables(start: date, end: date) -> list[Table]:
    """What children said about their reviews ("Was I listened to?"), per child, and
    their requests for an advocate (voice.queries)."""
    counts = feedback.feedback_counts(start, end)
    rows = [[str(question), *(counts[key].get(face, 0) for face in FACE_LABELS),
             sum(counts[key].values())] for key, question in feedback.QUESTIONS.items()]
    asked = feedback.advocacy_counts(start, end)
    advocacy = [["Requests for an advocate", asked["requests"]],
                ["Children who asked for an advocate", asked["children"]],
                *([label, asked["outcomes"].get(key, 0)]
                  for key, label in ADVOCACY_OUTCOMES.items())]
    return [Table("voice-feedback", "What children said about their review",
                  ["Question", *FACE_LABELS.values(), "Children who answered"], rows),
            Table("voice-advocacy", "Children's requests for an advocate",
                  ["Requests", "Number"], advocacy,
                  chart=[(label, n) for label, n in advocacy[2:]])]


# --- quotes -------------------------------------------------------------------------

def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def child_text(item: Submission) -> str:
    """Everything the child wrote in a submission, as one text."""
    typed = [str(a.get("value")) for a in (item.answers or {}).values()
             if isinstance(a, dict) and isinstance(a.get("value"), str)]
    return " ".join(part for part in (item.title, item.body, *typed) if part)


class NotTheirWords(ValueError):
    """The quote is not taken from what the child sent."""


def pick_quote(item: Submission, by: Account, words: str, *, child_agreed: bool) -> Quote:
    """A quote must be the child's own words, copied from what they sent. The caller
    commits."""
    if item.status is not Status.SENT or not _plain(words) or \
            _plain(words) not in _plain(child_text(item)):
        raise NotTheirWords(words)
    quote = Quote(submission_id=item.id, words=words.strip(), child_agreed=child_agreed,
                  chosen_by_id=by.id)
    db.session().add(quote)
    db.session().flush()
    audit.record("manager.picked_quote", actor_id=by.id, child_id=item.child_id,
                 subject=f"submission:{item.id}", agreed=child_agreed)
    return quote


def set_agreed(quote: Quote, by: Account, agreed: bool) -> None:
    quote.child_agreed = agreed
    audit.record("manager.changed_quote", actor_id=by.id, child_id=None,
                 subject=f"quote:{quote.id}", agreed=agreed)


def remove_quote(quote: Quote, by: Account) -> None:
    audit.record("manager.removed_quote", actor_id=by.id, child_id=None,
                 subject=f"quote:{quote.id}")
    db.session().delete(quote)
    db.session().flush()


def quotes(start: date, end: date, *, agreed_only: bool = True) -> list[Quote]:
    """Quotes from what children sent in the period; by default only those the child
    agreed to be shared (the only ones the report may show)."""
    query = select(Quote).join(Submission, Submission.id == Quote.submission_id).where(
        *_sent_in(start, end)).order_by(Submission.sent_at, Quote.id)
    if agreed_only:
        query = query.where(Quote.child_agreed.is_(True))
    return list(db.session().scalars(query))
