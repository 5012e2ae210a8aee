"""My plan for the child, and the ISRO's page to keep its actions' status up to date."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, audit, db, limits
from portal.accounts import queries as people
from portal.accounts.models import Role
from portal.plain_words import officer_name
from portal.reviews import my_plan
from portal.reviews.forms import NotHappenedForm, plan_status_form_class

bp = Blueprint("my_plan", __name__)
STAFF = (Role.ISRO, Role.MANAGER)


def _own_child():
    child = current_user.child
    if child is None:
        abort(404)
    return child


@bp.route("/my-plan")
@access.allow(Role.CHILD)
def mine():
    child = _own_child()
    plan = my_plan.plan_for(child.id)
    db.session().commit()  # a letter published before My plan existed is followed now
    return render_template("reviews/my_plan.html", plan=plan, words=my_plan.CHILD_WORDS,
                           officer=officer_name(child))


@bp.route("/my-plan/<int:action_id>/not-happened", methods=["GET", "POST"])
@access.allow(Role.CHILD)
def not_happened(action_id: int):
    """ "This hasn't happened" about one of the child's own actions (anyone else's: 404)."""
    child = _own_child()
    item = my_plan.action(action_id)
    if item is None or not my_plan.is_childs_action(child.id, item.id):
        abort(404)
    plan = my_plan.plan_for(child.id)
    row = next((r for r in plan.rows if r.item.id == item.id), None) if plan else None
    if row is None:
        abort(404)
    form = NotHappenedForm()
    if form.validate_on_submit():
        if not limits.may_send(limits.MESSAGES, form.words.data):
            form.words.errors.append(str(limits.TOO_MANY))
            return render_template("reviews/not_happened.html", form=form, row=row,
                                   officer=officer_name(child)), 429
        my_plan.not_happened(item, child, current_user, form.words.data)
        db.session().commit()
        who, officer = (child.isro.display_name if child.isro else None), officer_name(child)
        # An under-12 reads "Priya will see it", not "your ISRO" (plain words by age).
        flash(_("Thank you for telling us. %(name)s will see it.", name=officer) if officer
              else _("Thank you for telling us. %(name)s, your ISRO, will see it.", name=who)
              if who else _("Thank you for telling us. Your ISRO will see it."))
        return redirect(url_for(".mine"))
    return render_template("reviews/not_happened.html", form=form, row=row,
                           officer=officer_name(child))


@bp.route("/children/<int:child_id>/plan", methods=["GET", "POST"])
@access.allow(*STAFF, child="child_id")
def child_plan(child_id: int):
    child = people.child(child_id)
    if child is None:
        abort(404)
    plan = my_plan.plan_for(child_id)
    rows = plan.rows if plan else []
    form = plan_status_form_class([row.item.id for row in rows])()
    for row in rows:
        if request.method == "GET":
            form[f"status_{row.item.id}"].data = row.item.status
            form[f"note_{row.item.id}"].data = row.item.note
    if rows and form.validate_on_submit():
        for row in rows:
            status = form[f"status_{row.item.id}"].data
            if status in my_plan.NEEDS_NOTE and not (form[f"note_{row.item.id}"].data or
                                                     "").strip():
                form[f"note_{row.item.id}"].errors.append(
                    _("Write a note for “Late” or “Changed”, so the child knows why"))
        if not any(form[f"note_{row.item.id}"].errors for row in rows):
            changed = sum(my_plan.set_status(row.item, current_user,
                                             form[f"status_{row.item.id}"].data,
                                             form[f"note_{row.item.id}"].data) for row in rows)
            db.session().commit()
            flash(_("Saved. The child sees it on My plan.") if changed else
                  _("Nothing was changed."))
            return redirect(url_for(".child_plan", child_id=child_id))
    audit.staff_viewed("staff.viewed_plan", child_id=child_id, subject=f"plan:{child_id}")
    return render_template("reviews/child_plan.html", child=child, plan=plan, form=form,
                           staff_words=my_plan.STAFF_WORDS), 400 if form.errors else 200


@bp.app_template_global()
def my_plan_reports(child_id: int) -> list:
    """For the staff child's page (itself audited as a staff read): what the child said
    has not happened, not yet answered by a change of status."""
    if not (current_user.is_authenticated and current_user.is_staff):
        return []
    return my_plan.open_reports(child_id)
