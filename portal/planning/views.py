"""The child's Quick say and "I plan my review" pages. Staff see the plan on the child's
page and the booking page (both already audited as staff reads)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import access, db, limits
from portal.accounts.models import Role
from portal.consultations import operations as sending
from portal.i18n import current_locale
from portal.plain_words import officer_name
from portal.planning import forms, operations, queries

bp = Blueprint("planning", __name__)
CHILD = Role.CHILD
NOTHING_YET = _l("Write at least one thing before you send it")


@bp.route("/my-say/quick-say", methods=["GET", "POST"])
@access.allow(CHILD)
def quick_say():
    form = forms.QuickSayForm()
    child = current_user.child
    if form.validate_on_submit():
        if not any(t.strip() for t in form.things()):
            form.first.errors.append(str(NOTHING_YET))
            return render_template("planning/quick_say.html", form=form,
                                   officer=officer_name(child)), 400
        if not limits.may_send(limits.UPLOADS, *form.things()):
            form.first.errors.append(str(limits.TOO_MANY))
            return render_template("planning/quick_say.html", form=form,
                                   officer=officer_name(child)), 429
        item = operations.quick_say(child, current_user, form.things(), current_locale().code)
        db.session().commit()
        return redirect(url_for("consultations.sent", submission_id=item.id))
    return render_template("planning/quick_say.html", form=form, officer=officer_name(child))


@bp.route("/my-say/plan-my-review", methods=["GET", "POST"])
@access.allow(CHILD)
def plan():
    child = current_user.child
    saved = queries.current_plan(child.id)
    form = forms.PlanForm(data=forms.form_data(saved))
    officer = officer_name(child)
    if officer:  # an under-12 reads the name of their reviewing officer, not "your ISRO"
        form.not_in_front.description = _l("Your reviewing officer, %(name)s, will keep it "
                                           "private.", name=officer)
    if form.validate_on_submit():
        operations.save_plan(child, current_user, forms.plan_values(form))
        db.session().commit()
        flash(_l("Saved. You can change it any time before your review."))
        return redirect(url_for(".plan"))
    return render_template("planning/plan.html", form=form, plan=saved,
                           review_day=sending.review_day(child), officer=officer)


def plan_for_child(child_id: int):
    """For staff templates (the child's page, the booking page): the child's plan for
    their next review, or None. The page that calls it audits the read."""
    if not (current_user.is_authenticated and current_user.is_staff):
        return None
    return queries.plan_to_show(child_id)


PLAN_LABELS = {"place": forms.PLACE_LABELS, "timing": forms.TIME_LABELS,
               "chair": {"no": _l("No"), "co_chair": _l("Co-chair"), "chair": _l("Chair")},
               "languages": forms.LANGUAGE_NAMES}


@bp.app_context_processor
def _plan_helpers() -> dict:
    return {"review_plan_for": plan_for_child, "plan_labels": PLAN_LABELS}
