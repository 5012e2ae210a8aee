"""You said, we did: the child's own words an ISRO can link a decision to, in the letter.

The pick-list holds what the child wrote themselves since their previous review (or, with
none, in the six months before this one): each written answer on their forms, their poems
and Quick says, and their messages to the ISRO. Never a carer's, an advocate's or another
child's words. A link keeps a copy of the words as the child typed them, so a published
letter still says them if the thing is later deleted.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask_babel import format_date
from flask_babel import gettext as _

from portal.consultations import queries as views_sent
from portal.consultations.models import Kind
from portal.consultations.questionnaires import QUESTIONNAIRES, TEXT
from portal.messages import queries as conversations
from portal.messages.models import Side
from portal.reviews import queries
from portal.reviews.models import Letter
from portal.text import BIDI_CONTROLS

LABEL_WORDS = 70  # characters of the child's words in a pick-list option
DECISION_LIMIT = 500
MOST_LINKS = 20
QUICK_SAY = "quick_say"  # planning.operations.QUICK_SAY: a Quick say is a poem-like thing


class NotTheChildsWords(ValueError):
    """A link to something that is not in this child's own words for this letter."""


@dataclass(frozen=True)
class Said:
    key: str  # "submission:<id>:<question id>", "submission:<id>" or "message:<id>"
    kind: str  # "answer", "poem", "quick_say" or "message"
    words: str  # exactly as typed
    at: datetime
    question: str | None = None


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    return date(year, month + 1, 28)


def since(letter: Letter) -> datetime:
    """The start of the window: the day of the child's previous review, else six months
    before this one."""
    day = letter.review.day
    earlier = [r.held_on for r in queries.reviews_of(letter.child_id)
               if r.held_on and r.held_on < day and r.id != letter.review_id]
    start = max(earlier) if earlier else _months_before(day, 6)
    return datetime.combine(start, time.min, UTC)


def childs_words(letter: Letter) -> list[Said]:
    """What the child wrote themselves in the window, newest first."""
    child, start = letter.child, since(letter)
    found: list[Said] = []
    for item in views_sent.sent_by_child(child.id):
        if item.sent_at is None or item.sent_at < start:
            continue
        # The child's own, or entered with a carer sitting beside them: still their words.
        if item.entered_by_id != child.account_id and item.helped_by_id is None:
            continue
        if item.kind == Kind.POEM.value and (item.body or "").strip():
            kind = QUICK_SAY if item.questionnaire == QUICK_SAY else "poem"
            found.append(Said(f"submission:{item.id}", kind, item.body, item.sent_at,
                              item.title or None))
        elif item.kind == Kind.FORM.value and item.questionnaire in QUESTIONNAIRES:
            for question in QUESTIONNAIRES[item.questionnaire].questions:
                answer = (item.answers or {}).get(question.id) or {}
                value = answer.get("value")
                if (question.kind == TEXT and answer.get("status") == "answered"
                        and isinstance(value, str) and value.strip()):
                    found.append(Said(f"submission:{item.id}:{question.id}", "answer", value,
                                      item.sent_at, str(question.text)))
    if child.account_id is not None:
        for message in conversations.sent_about(child.id, start, None):
            if (message.author_id == child.account_id
                    and message.conversation.side == Side.CHILD and message.body.strip()):
                found.append(Said(f"message:{message.id}", "message", message.body,
                                  message.created_at))
    return sorted(found, key=lambda said: said.at, reverse=True)


def _plain(text: str, limit: int) -> str:
    """One line for an option: spaces collapsed, reordering controls shown, not obeyed."""
    for char, name in BIDI_CONTROLS.items():
        text = text.replace(char, f"[{name}]")
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def label(said: Said) -> str:
    when = format_date(said.at, "d MMM")
    words = _plain(said.words, LABEL_WORDS)
    if said.kind == "answer":
        return _("Form, %(date)s – %(question)s: “%(words)s”", date=when,
                 question=_plain(said.question or "", 60), words=words)
    if said.kind == QUICK_SAY:
        return _("Quick say, %(date)s: “%(words)s”", date=when, words=words)
    if said.kind == "poem":
        return _("Poem, %(date)s: “%(words)s”", date=when, words=words)
    return _("Message, %(date)s: “%(words)s”", date=when, words=words)


def choices(letter: Letter, words: list[Said]) -> list[tuple[str, str]]:
    """The pick-list: the child's words, and any already linked that are no longer there
    (deleted, or from before the window), so saving again keeps them."""
    found = [(said.key, label(said)) for said in words]
    offered = {key for key, _label in found}
    for link in letter.you_said or []:
        if link.get("source") not in offered:
            found.append((link["source"], _("Linked before: “%(words)s”",
                                            words=_plain(link.get("said", ""), LABEL_WORDS))))
    return found


def resolve(letter: Letter, links: list[tuple[str, str]]) -> list[dict]:
    """The links to store, each with the child's words copied as typed. ``links`` are
    (source key, decision) pairs; a key that is neither in the child's words now nor
    already linked in this letter raises NotTheChildsWords."""
    available = {said.key: said for said in childs_words(letter)}
    linked = {link.get("source"): link for link in letter.you_said or []}
    stored = []
    for source, decision in links:
        decision = (decision or "").strip()[:DECISION_LIMIT]
        if source in available:
            said = available[source]
            stored.append({"source": source, "kind": said.kind, "said": said.words,
                           "so": decision})
        elif source in linked:
            stored.append({**linked[source], "so": decision})
        else:
            raise NotTheChildsWords(source)
    return stored[:MOST_LINKS]


def rows_for(letter: Letter) -> int:
    """Rows in the editor: three, or as many as are linked and three more."""
    return min(MOST_LINKS, len(letter.you_said or []) + 3)
