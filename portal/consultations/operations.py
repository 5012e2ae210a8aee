"""Every write about what a child sends. Each function leaves the commit to its caller,
except the ones that store files, which commit so that file and row land together."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from portal import audit, clock, db
from portal.accounts.models import Account, Child, Role
from portal.consultations.models import Kind, Submission, Visibility
from portal.consultations.questionnaires import NOT_SURE, QUESTIONNAIRES, Question, for_age
from portal.db import utcnow
from portal.media import keeping
from portal.messages import flags
from portal.reviews import queries as reviews
from portal.transcripts.operations import transcribe_later

POEM_LIMIT = 10_000


class NothingToSend(Exception):
    """A form with no answers yet."""


def review_day(child: Child) -> date:
    review = reviews.next_reviews([child.id]).get(child.id)
    if review is None:
        return clock.today()
    return review.scheduled_for.date() if review.scheduled_for else review.due_on


def suggested_questionnaire(child: Child) -> str:
    """The form for the child's age on the day of their next review."""
    return for_age(child.age_on(review_day(child))).id


def _next_review_id(child: Child) -> int | None:
    review = reviews.next_reviews([child.id]).get(child.id)
    return review.id if review else None


def start_form(child: Child, by: Account, questionnaire: str | None = None,
               language: str = "en") -> Submission:
    form = Submission(child_id=child.id, kind=Kind.FORM.value, status="draft",
                      questionnaire=questionnaire or suggested_questionnaire(child),
                      review_id=_next_review_id(child), answers={}, entered_by_id=by.id,
                      language=language)
    db.session().add(form)
    db.session().flush()
    return form


def switch_questionnaire(form: Submission, questionnaire: str) -> None:
    """Answers to questions the two forms share are kept."""
    if questionnaire not in QUESTIONNAIRES:
        raise ValueError(questionnaire)
    form.questionnaire = questionnaire


def save_answer(form: Submission, question: Question, value, status: str) -> None:
    """Record one answer ("answered", "not_sure" or "skipped") and keep the draft."""
    answers = dict(form.answers or {})
    answers[question.id] = {"value": value, "status": status}
    form.answers = answers
    if question.id == "helped" and status == "answered":
        form.helped_by = None if value == "no" else value
    form.updated_at = utcnow()


def toggle_choice(form: Submission, question: Question, value: str) -> None:
    """Express mode's big tiles for "choose as many as you like": one press adds the
    option, the next takes it away. Nothing chosen is no answer (not an empty one)."""
    if value not in {o.value for o in question.options}:
        raise ValueError(value)
    answer = (form.answers or {}).get(question.id) or {}
    chosen = list(answer.get("value") or []) if answer.get("status") == "answered" else []
    chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    if chosen:
        save_answer(form, question, [o.value for o in question.options if o.value in chosen],
                    "answered")
    else:
        form.answers = {qid: a for qid, a in (form.answers or {}).items() if qid != question.id}
        form.updated_at = utcnow()


def add_voice_answer(form: Submission, question: Question, by: Account, data: bytes,
                     language: str) -> Submission:
    """An answer said out loud instead of typed (Express mode): kept as the child's voice
    note, sent to their ISRO at once like any voice note, and linked from the form's answer.
    One transaction. Raises one of keeping.PROBLEMS for a recording we cannot keep."""
    def link(voice: Submission) -> None:
        save_answer(form, question, "", "answered")
        form.answers = {**form.answers, question.id: {**form.answers[question.id],
                                                      "voice": voice.id}}

    return add_file(form.child, by, Kind.VOICE, data, title=str(question.text)[:120],
                    visibility=Visibility.ISRO, language=language, before_commit=link)


def answered_count(form: Submission) -> int:
    return sum(1 for a in (form.answers or {}).values()
               if a.get("status") == "answered"
               and (a.get("voice") or a.get("value") not in (None, "", [], NOT_SURE)))


def send(item: Submission) -> None:
    if item.kind == Kind.FORM.value and answered_count(item) == 0:
        raise NothingToSend
    item.status = "sent"
    item.sent_at = utcnow()
    typed = [str(a.get("value")) for a in (item.answers or {}).values()
             if a.get("status") == "answered" and isinstance(a.get("value"), str)]
    db.session().flush()
    flags.check(item.child, item.title, item.body, *typed, submission_id=item.id,
                by=db.session().get(Account, item.entered_by_id) if item.entered_by_id else None)
    audit.record("child.sent", actor_id=item.entered_by_id, child_id=item.child_id,
                 subject=f"submission:{item.id}", kind=item.kind)


def add_poem(child: Child, by: Account, title: str, text: str, visibility: Visibility,
             language: str) -> Submission:
    poem = Submission(child_id=child.id, kind=Kind.POEM.value, title=title or None,
                      body=text, visibility=Visibility(visibility).value,
                      review_id=_next_review_id(child), entered_by_id=by.id, language=language)
    db.session().add(poem)
    db.session().flush()
    send(poem)
    return poem


def add_file(child: Child, by: Account, kind: Kind, data: bytes, *, title: str = "",
             words: str = "", visibility: Visibility = Visibility.ISRO,
             language: str = "en",
             before_commit: Callable[[Submission], None] | None = None) -> Submission:
    """Check, re-encode and store a picture or voice note, then commit the row.

    Raises one of keeping.PROBLEMS for anything we cannot keep. If the database write
    fails, the stored files are removed: no orphans.
    """
    session = db.session()
    with keeping.kept(data, kind=keeping.IMAGE if kind is Kind.PICTURE else keeping.AUDIO,
                      child_id=child.id, by_id=by.id) as upload:
        try:
            session.add(upload.stored)
            session.flush()
            item = Submission(child_id=child.id, kind=kind, title=title or None,
                              body=words or None, file_id=upload.stored.id,
                              visibility=visibility, review_id=_next_review_id(child),
                              entered_by_id=by.id, language=language)
            session.add(item)
            session.flush()
            send(item)
            if before_commit is not None:
                before_commit(item)
            if kind is Kind.VOICE:
                transcribe_later(upload.stored.id)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return item


def start_adult_form(child: Child, by: Account, questionnaire: str, *,
                     language: str = "en") -> Submission:
    """A form an adult fills about or with a child: an observation, visit notes, a form a
    carer helps with, or an advocate's record of the child's views."""
    helped = by.role is Role.CARER and questionnaire in QUESTIONNAIRES
    kind = Kind.ADVOCACY if questionnaire == "advocacy" else Kind.FORM
    item = Submission(child_id=child.id, kind=kind.value, status="draft",
                      questionnaire=questionnaire, review_id=_next_review_id(child), answers={},
                      entered_by_id=by.id, language=language,
                      helped_by="carer" if helped else None,
                      helped_by_id=by.id if helped else None)
    db.session().add(item)
    db.session().flush()
    return item


def save_adult_answers(item: Submission, answers: dict) -> None:
    """Answers from a one-page form: {question id: value}; empty ones are skipped."""
    item.answers = {qid: ({"value": value, "status": "answered"} if value not in (None, "", [])
                          else {"value": None, "status": "skipped"})
                    for qid, value in answers.items()}
    item.updated_at = utcnow()


def record_gathering(item: Submission, *, how: list[str], on: date, consent: str,
                     consent_note: str) -> None:
    item.gathered_how, item.gathered_on = list(how), on
    item.consent, item.consent_note = consent, consent_note or None
