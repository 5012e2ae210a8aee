"""Every write about reviews: scheduling, recording, plans on the day, and letters."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm.exc import StaleDataError

from portal import audit, clock, db
from portal.accounts.models import Account, Child, Role
from portal.db import utcnow
from portal.reviews import my_plan, participation, queries, timescales
from portal.reviews import you_said as linking
from portal.reviews.letters import SECTION_LIMIT, SECTIONS
from portal.reviews.models import AgreedPlan, Letter, LetterVersion, Review

PARTICIPATION_CODES = tuple(participation.CODES)


class StaleLetter(Exception):
    """Someone else saved the letter since this copy was opened."""


class InvalidCode(ValueError):
    """A participation code the government return would refuse."""


class NotHeldYet(ValueError):
    """A review recorded as held on a day still to come."""


def add_review(child: Child, due_on: date, *, scheduled_for: datetime | None = None,
               held_on: date | None = None, place: str | None = None,
               participation_code: str | None = None, kind: str | None = None) -> Review:
    if participation_code is not None and participation_code not in PARTICIPATION_CODES:
        raise ValueError(f"unknown participation code {participation_code!r}")
    review = Review(child_id=child.id, due_on=due_on, scheduled_for=scheduled_for,
                    held_on=held_on, place=place, participation_code=participation_code,
                    kind=kind)
    db.session().add(review)
    db.session().flush()
    return review


def next_due(child: Child) -> tuple[str, date]:
    """The kind and statutory due date of the child's next review."""
    held = [r.held_on for r in queries.reviews_of(child.id) if r.held_on]
    return timescales.review_kind(len(held)), timescales.review_due(child.looked_after_since,
                                                                     held)


def schedule(child: Child, by: Account, *, scheduled_for: datetime, place: str, invited: str,
             interpreter_needed: bool) -> Review:
    """Book the next review: fills in the upcoming one, or creates it with its due date."""
    review = queries.next_reviews([child.id]).get(child.id)
    if review is None:
        kind, due = next_due(child)
        review = add_review(child, due, kind=kind)
    review.scheduled_for, review.place = scheduled_for, place or None
    review.invited, review.interpreter_needed = invited or None, interpreter_needed
    audit.record("review.scheduled", actor_id=by.id, child_id=child.id,
                 subject=f"review:{review.id}")
    return review


def suggested_code(review: Review, child_attended: bool | None) -> str:
    from portal.consultations import queries as views_sent

    sent = views_sent.for_review(review.child_id, review.id)
    return participation.suggest(
        review.child.date_of_birth, review.day, attended=child_attended,
        advocate_views=any(s.entered_by and s.entered_by.role == Role.ADVOCATE.value
                           for s in sent),
        own_views=any(s.entered_by and s.entered_by.role == Role.CHILD.value for s in sent))


def record(review: Review, by: Account, *, held_on: date, child_attended: bool,
           attended: str, code: str) -> Letter:
    """Record the meeting and its code; open the letter and book the next review's due date."""
    if held_on > clock.today():
        raise NotHeldYet(held_on)
    problem = participation.code_problem(code, review.child.date_of_birth, held_on)
    if problem:
        raise InvalidCode(problem)
    first_time = review.held_on is None
    review.held_on, review.child_attended = held_on, child_attended
    review.attended, review.participation_code = attended or None, code
    letter = queries.letter_for(review.id) or Letter(
        review_id=review.id, child_id=review.child_id, sections={}, actions=[],
        deadline_on=timescales.minutes_due(held_on))
    letter.deadline_on = timescales.minutes_due(held_on)
    db.session().add(letter)
    db.session().flush()
    if first_time:
        # The next review's statutory date runs from the day this one was held.
        kind, due = next_due(review.child)
        upcoming = queries.next_reviews([review.child_id]).get(review.child_id)
        if upcoming is None:
            add_review(review.child, due, kind=kind)
        else:
            upcoming.kind, upcoming.due_on = kind, due
    audit.record("review.recorded", actor_id=by.id, child_id=review.child_id,
                 subject=f"review:{review.id}", code=code)
    return letter


def publish_plans(review: Review, lines: list[str], by: Account) -> None:
    review.plans.clear()
    db.session().flush()
    for position, text in enumerate(t.strip() for t in lines):
        if text:
            review.plans.append(AgreedPlan(position=position, text=text[:500]))
    review.plans_published_at = utcnow()
    audit.record("review.plans_published", actor_id=by.id, child_id=review.child_id,
                 subject=f"review:{review.id}")


def save_letter(letter: Letter, by: Account, *, sections: dict, actions: list,
                shared_with_carer: bool, lock_version: int,
                you_said: list[tuple[str, str]] | None = None) -> None:
    """Save the draft; refuse (StaleLetter) if it changed since ``lock_version`` was read.
    ``you_said``: (source, decision) pairs linking decisions to the child's own words
    (reviews.you_said; NotTheChildsWords for anything else); None leaves them as they are."""
    if lock_version != letter.lock_version:
        raise StaleLetter
    if you_said is not None:
        letter.you_said = linking.resolve(letter, you_said)
    letter.sections = {key: (sections.get(key) or "")[:SECTION_LIMIT] for key, _ in SECTIONS}
    letter.actions = [a for a in actions if any(a.values())]
    letter.shared_with_carer = shared_with_carer
    letter.updated_at, letter.updated_by_id = utcnow(), by.id
    try:
        db.session().flush()
    except StaleDataError as exc:  # another save landed between our read and our write
        db.session().rollback()
        raise StaleLetter from exc


def publish_letter(letter: Letter, by: Account, language: str) -> LetterVersion:
    """Publish the draft as a new version; a correction is a new version the child sees."""
    number = (letter.latest.number if letter.latest else 0) + 1
    version = LetterVersion(letter_id=letter.id, number=number, sections=dict(letter.sections),
                            actions=list(letter.actions), you_said=list(letter.you_said or []),
                            language=language, published_by_id=by.id)
    db.session().add(version)
    letter.versions.append(version)
    my_plan.follow_letter(letter, version)
    if letter.first_published_at is None:
        letter.first_published_at = utcnow()
    audit.record("letter.published", actor_id=by.id, child_id=letter.child_id,
                 subject=f"letter:{letter.id}", version=number)
    return version


def mark_seen(version: LetterVersion) -> None:
    if version.seen_at is None:
        version.seen_at = utcnow()


def understood(version: LetterVersion) -> None:
    version.understood_at = version.understood_at or utcnow()
