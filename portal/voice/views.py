"""The child's "How was my review?" and "I want an advocate" pages, and the ISRO's page of
a child's requests for an advocate."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, audit, clock
from portal.accounts import queries as people
from portal.accounts.models import Role
from portal.messages.reading import when_read
from portal.numbers import parse_id
from portal.voice import operations, queries
from portal.voice.forms import (
    FACE_CHOICES,
    FACE_PICTURES,
    OUTCOME_CHOICES,
    AdvocateForm,
    FeedbackForm,
    OutcomeForm,
)

bp = Blueprint("voice", __name__)
access.register_owned("request", queries.is_childs_request)
STAFF = (Role.ISRO, Role.MANAGER)
OUTCOME_LABELS = {choice.value: choice.label for choice in OUTCOME_CHOICES}


def _own_child():
    child = current_user.child
    if child is None:
        abort(404)
    return child


@bp.app_template_global()
def feedback_due():
    """For the child's home page: the review to ask "How was my review?" about, or None."""
    if not current_user.is_authenticated or current_user.role is not Role.CHILD:
        return None
    child = current_user.child
    return queries.feedback_due(child.id, clock.today()) if child else None


@bp.app_template_global()
def voice_of(child_id: int) -> dict:
    """For the staff child's page (already audited as a staff read of the child's page):
    what the child said about their reviews, and their requests for an advocate."""
    return {"feedback": queries.feedback_of(child_id), "requests": queries.requests_of(child_id),
            "questions": queries.QUESTIONS, "pictures": FACE_PICTURES,
            "faces": {choice.value: choice.label for choice in FACE_CHOICES},
            "outcomes": OUTCOME_LABELS}


@bp.route("/how-was-my-review", methods=["GET", "POST"])
@access.allow(Role.CHILD)
def review_feedback():
    child = _own_child()
    review = queries.feedback_due(child.id, clock.today())
    if review is None:
        flash(_("There is no review to tell us about just now."))
        return redirect(url_for("pages.home"))
    form = FeedbackForm(review=str(review.id))
    if request.method == "POST":
        if parse_id(request.form.get("review", "")) != review.id:
            # A newer review was recorded since the page was opened: ask about that one.
            return redirect(url_for(".review_feedback"))
        if request.form.get("action") == "skip":
            operations.skip_feedback(review, current_user)
            flash(_("That's fine. We won't ask about this review again."))
            return redirect(url_for("pages.home"))
        if form.validate_on_submit():
            operations.save_feedback(
                review, current_user, comment=form.comment.data,
                faces={name: getattr(form, name).data for name in queries.QUESTIONS})
            who = child.isro.display_name if child.isro else None
            flash(_("Thank you. %(name)s, your ISRO, will see what you said.", name=who)
                  if who else _("Thank you. Your ISRO will see what you said."))
            return redirect(url_for("pages.home"))
    return render_template("voice/review_feedback.html", form=form, review=review,
                           pictures=FACE_PICTURES)


@bp.route("/advocate", methods=["GET", "POST"])
@access.allow(Role.CHILD)
def ask_advocate():
    child = _own_child()
    waiting = queries.open_request(child.id)
    form = AdvocateForm()
    if waiting is None and form.validate_on_submit():
        operations.ask_for_advocate(child, current_user, form.help_with.data)
        return redirect(url_for(".ask_advocate"))
    if waiting is not None and request.method == "POST":
        return redirect(url_for(".ask_advocate"))  # asked already: nothing to send twice
    return render_template("voice/ask_advocate.html", form=form, child=child, waiting=waiting,
                           when=when_read(), requests=queries.requests_of(child.id))


@bp.route("/children/<int:child_id>/advocate-requests", methods=["GET", "POST"])
@access.allow(*STAFF, child="child_id", owns=("request",))
def advocate_requests(child_id: int):
    child = people.child(child_id)
    if child is None:
        abort(404)
    audit.staff_viewed("staff.viewed_advocacy", child_id=child_id,
                       subject="voice.advocate_requests")
    requests = queries.requests_of(child_id)
    forms = {item.id: _outcome_form(item) for item in requests}
    if request.method == "POST":
        found = queries.advocacy_request(parse_id(request.form.get("request", "")) or 0)
        if found is None or found.child_id != child_id:
            abort(404)
        form = forms[found.id] = _outcome_form(found, request.form)
        if form.validate():
            operations.record_outcome(found, current_user, outcome=form.outcome.data,
                                      on=form.on.data, note=form.note.data)
            flash(_("The outcome is recorded."))
            return redirect(url_for(".advocate_requests", child_id=child_id))
    return render_template("voice/advocacy.html", child=child, requests=requests, forms=forms,
                           form=next((f for f in forms.values() if f.errors), None),
                           outcome_labels=OUTCOME_LABELS)


def _outcome_form(item, formdata=None) -> OutcomeForm:
    # The page's CSRF token is checked for every POST by security.csrf (CSRFProtect).
    data = None if formdata is not None else {
        "outcome": item.outcome.value if item.outcome else None,
        "on": item.outcome_on or clock.today(), "note": item.outcome_note}
    return OutcomeForm(formdata=formdata, data=data, prefix=f"r{item.id}",
                       meta={"csrf": False})
