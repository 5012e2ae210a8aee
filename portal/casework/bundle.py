"""A child's submissions for a review as one PDF for the council's case record.

Pictures are read from the file store and embedded, so WeasyPrint never fetches a URL.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, time

from flask import render_template

from portal.accounts.models import Child
from portal.consultations import queries as views_sent
from portal.consultations.models import Submission
from portal.consultations.questionnaires import SECTIONS, any_form
from portal.media import pipeline
from portal.media.serving import app_store
from portal.messages import queries as conversations
from portal.messages.models import Message
from portal.reviews import queries as reviews
from portal.reviews.models import Review


def _embedded(stored) -> str | None:
    if stored is None or stored.kind != "image":
        return None
    store = app_store()
    with store.open(stored.name) as f:
        data = base64.b64encode(f.read()).decode()
    return f"data:{stored.content_type};base64,{data}"


def _period(child: Child, review) -> tuple[datetime | None, datetime | None]:
    """From the day of the review before this one to the end of this one's day (or to
    now, when it is not held yet)."""
    end = review.held_on if review and review.held_on else None
    earlier = [r.held_on for r in reviews.reviews_of(child.id)
               if r.held_on and (end is None or r.held_on < end)]
    start = max(earlier, default=None)
    return (datetime.combine(start, time.min, UTC) if start else None,
            datetime.combine(end, time.max, UTC) if end else None)


@dataclass
class Contents:
    """What a bundle holds: the review, what was sent for it, and the messages of its
    period. The PDF and "I have put this in the case record" both use this one selection,
    so what is marked as exported is exactly what the PDF held."""

    review: Review | None
    submissions: list[Submission]
    messages: list[Message]


def review_for(child: Child, review_id: int | None) -> Review | None:
    """The review a bundle is for: the one given, else the child's next not yet held."""
    if review_id is None:
        upcoming = reviews.next_reviews([child.id]).get(child.id)
        review_id = upcoming.id if upcoming else None
    return reviews.review(review_id) if review_id else None


def contents(child: Child, review_id: int | None) -> Contents:
    """The bundle of a review (with none given, the child's next review not yet held)."""
    review = review_for(child, review_id)
    return Contents(review, views_sent.for_review(child.id, review.id if review else None),
                    conversations.sent_about(child.id, *_period(child, review)))


def render(child: Child, review_id: int | None) -> bytes:
    found = contents(child, review_id)
    entries = [{"item": item, "picture": _embedded(item.file),
                "questions": any_form(item.questionnaire).shown(item.answers)
                if any_form(item.questionnaire) else []} for item in found.submissions]
    html = render_template("casework/bundle_pdf.html", child=child, review=found.review,
                           entries=entries, sections=SECTIONS, messages=found.messages)
    from weasyprint import HTML

    pipeline.refuse_cut_off_pictures()  # importing WeasyPrint told Pillow to patch them up

    return HTML(string=html).write_pdf(pdf_tags=True)
