"""A child's submissions for a review as one PDF for the council's case record.

Pictures are read from the file store and embedded, so WeasyPrint never fetches a URL.
"""
from __future__ import annotations

import base64
from datetime import UTC, datetime, time

from flask import render_template

from portal.accounts.models import Child
from portal.consultations import queries as views_sent
from portal.consultations.questionnaires import SECTIONS, any_form
from portal.media.serving import app_store
from portal.messages import queries as conversations
from portal.reviews import queries as reviews


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


def render(child: Child, review_id: int | None) -> bytes:
    if review_id is None:
        upcoming = reviews.next_reviews([child.id]).get(child.id)
        review_id = upcoming.id if upcoming else None
    review = reviews.review(review_id) if review_id else None
    items = views_sent.for_review(child.id, review.id if review else None)
    entries = [{"item": item, "picture": _embedded(item.file),
                "questions": any_form(item.questionnaire).shown(item.answers)
                if any_form(item.questionnaire) else []} for item in items]
    html = render_template("casework/bundle_pdf.html", child=child, review=review,
                           entries=entries, sections=SECTIONS,
                           messages=conversations.sent_about(child.id, *_period(child, review)))
    from weasyprint import HTML

    return HTML(string=html).write_pdf(pdf_tags=True)
