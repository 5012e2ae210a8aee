"""Finding a child's plan for their next review."""
from __future__ import annotations

from sqlalchemy import select

from portal import db
from portal.planning.models import ReviewPlan
from portal.reviews import queries as reviews


def current_plan(child_id: int) -> ReviewPlan | None:
    """The plan for the child's next review. A plan made before any review was booked
    (review_id empty) is the plan for the next review once there is one."""
    upcoming = reviews.next_reviews([child_id]).get(child_id)
    session = db.session()
    if upcoming is not None:
        found = session.scalars(select(ReviewPlan).where(
            ReviewPlan.child_id == child_id, ReviewPlan.review_id == upcoming.id)).first()
        if found is not None:
            return found
    return session.scalars(select(ReviewPlan).where(
        ReviewPlan.child_id == child_id, ReviewPlan.review_id.is_(None))
        .order_by(ReviewPlan.id)).first()


def plan_to_show(child_id: int) -> ReviewPlan | None:
    """For staff pages: the plan, or None if the child has not chosen anything yet."""
    plan = current_plan(child_id)
    return None if plan is None or plan.is_empty else plan
