"""The booking form (reviews.views.schedule) filled in from the child's plan."""
from __future__ import annotations

from portal.planning import forms
from portal.planning.queries import plan_to_show


def where_and_when(plan) -> str:
    """"At home, After school, not on Tuesdays": the child's where and when, in words."""
    parts = [str(forms.PLACE_LABELS[plan.place]) if plan.place else None, plan.place_note,
             str(forms.TIME_LABELS[plan.timing]) if plan.timing else None, plan.timing_note]
    return ", ".join(part for part in parts if part)


def prefill_booking(form, child_id: int) -> bool:
    """Fill the empty place, invited and interpreter fields from the child's plan; True
    if anything was filled in. What the ISRO already booked is kept."""
    plan = plan_to_show(child_id)
    if plan is None:
        return False
    filled = False
    if not form.place.data and (where := where_and_when(plan)):
        form.place.data = where[:200]
        filled = True
    if not form.invited.data and plan.who_comes:
        form.invited.data = plan.who_comes[:2000]
        filled = True
    if plan.interpreter and not form.interpreter_needed.data:
        form.interpreter_needed.data = True
        filled = True
    return filled
