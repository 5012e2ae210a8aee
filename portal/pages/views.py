"""Home pages for each role, the help page, and a child's page for staff."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from portal import access, audit, clock
from portal.accounts import queries as people
from portal.accounts.forms import EmptyForm
from portal.accounts.models import Role
from portal.casework import queries as casework
from portal.casework.forms import AllocateForm
from portal.consultations import queries as views_sent
from portal.messages import queries as conversations
from portal.plain_words import officer_name
from portal.reviews import queries as reviews

bp = Blueprint("pages", __name__)


@bp.route("/")
@access.signed_in
def home():
    role = current_user.role
    if role.is_staff:
        return redirect(url_for("casework.caseload"))
    children = people.children_for(current_user)
    upcoming = reviews.next_reviews(c.id for c in children)
    context = {"children": children, "upcoming": upcoming, "today": clock.today(),
               "review_status": reviews.status}
    context["unread"] = conversations.unread_count(current_user)
    if role is Role.CHILD:
        child = children[0] if children else None
        context["unseen_letters"] = reviews.unseen_letters(child.id) if child else 0
        return render_template("pages/home_child.html", child=child,
                               review=upcoming.get(child.id) if child else None,
                               officer=officer_name(child), **context)
    if role in (Role.CARER, Role.ADVOCATE):
        context["sent_by_me"] = views_sent.sent_by(current_user.id, [c.id for c in children])
    return render_template(f"pages/home_{role.value}.html", **context)


@bp.route("/help")
@access.public
def help():
    return render_template("pages/help.html")


@bp.route("/children/<int:child_id>")
@access.allow(Role.ISRO, Role.MANAGER, child="child_id")
def child(child_id: int):
    record = people.child(child_id)
    if record is None:
        abort(404)
    audit.staff_viewed("staff.viewed_child", child_id=child_id, subject="pages.child")
    upcoming = reviews.next_reviews([child_id]).get(child_id)
    allocate = None
    if current_user.role is Role.MANAGER:
        allocate = AllocateForm(isro=record.isro_id)
        allocate.isro.choices = [(i.id, i.display_name) for i in casework.isros()]
    timeline = casework.timeline(current_user, child_id)
    return render_template(
        "pages/child.html", child=record, reviews=reviews.reviews_of(child_id),
        timeline=timeline, upcoming=upcoming, allocate=allocate,
        challenges=[t.item for t in timeline if t.kind == "challenge"],
        flags=conversations.flags_of(child_id), now=clock.now(),
        letters=(letters := reviews.letters_by_review(child_id)),
        questions=conversations.questions_about([letter.id for letter in letters.values()]),
        links=people.current_links(child_id), today=date.today(), form=EmptyForm(),
        review_status=reviews.status,
    )
