"""Writes for "I plan my review" and "Quick say". The caller commits."""
from __future__ import annotations

from portal import audit, db
from portal.accounts.models import Account, Child
from portal.consultations import operations as sending
from portal.consultations.models import Kind, Submission, Visibility
from portal.db import utcnow
from portal.planning.models import FIELDS, ReviewPlan
from portal.planning.queries import current_plan
from portal.reviews import queries as reviews

# A Quick say is sent as a poem-like thing (kind "poem") marked by this questionnaire id,
# so it goes everywhere a poem goes: My things, the child's page, the bundle, the export.
QUICK_SAY = "quick_say"


def quick_say(child: Child, by: Account, things: list[str], language: str) -> Submission:
    """Send "the three things I most want my review to know" (empty ones left out);
    safety words are checked as for a poem (operations.send)."""
    said = [t.strip() for t in things if t and t.strip()]
    if not said:
        raise ValueError("nothing to send")
    upcoming = reviews.next_reviews([child.id]).get(child.id)
    item = Submission(child_id=child.id, kind=Kind.POEM.value, questionnaire=QUICK_SAY,
                      body="\n\n".join(f"{n}. {text}" for n, text in enumerate(said, 1)),
                      answers={},
                      visibility=Visibility.ISRO.value,
                      review_id=upcoming.id if upcoming else None, entered_by_id=by.id,
                      language=language)
    db.session().add(item)
    db.session().flush()
    sending.send(item)
    return item


def save_plan(child: Child, by: Account, values: dict) -> ReviewPlan:
    """Keep what the child chose (a draft they can change until the meeting)."""
    plan = current_plan(child.id)
    upcoming = reviews.next_reviews([child.id]).get(child.id)
    if plan is None:
        plan = ReviewPlan(child_id=child.id)
        db.session().add(plan)
    if plan.review_id is None and upcoming is not None:
        plan.review_id = upcoming.id
    for name in FIELDS:
        if name in values:
            value = values[name]
            setattr(plan, name, value.strip() or None if isinstance(value, str) else value)
    plan.updated_at = utcnow()
    db.session().flush()
    audit.record("child.planned_review", actor_id=by.id, child_id=child.id,
                 subject=f"review_plan:{plan.id}")
    return plan
