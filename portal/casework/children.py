"""Children and their links, on the web: add and edit a child, link carers and advocates
for a period (ending a link ends that person's access the same day), and record that a
child ceased to be looked after. Managers do it for anyone; an ISRO for their caseload.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal import access, audit, clock, db
from portal.accounts import leaving, operations
from portal.accounts import queries as people
from portal.accounts.models import Account, Link, LinkKind, Role
from portal.casework import queries
from portal.casework.forms import CeaseForm, ChildForm, EndLinkForm, LinkForm
from portal.reviews import queries as reviews

bp = Blueprint("children", __name__)
STAFF = (Role.ISRO, Role.MANAGER)


def _may_see_link(account: Account, link_id: int) -> bool:
    row = db.session().get(Link, link_id)
    return row is not None and account.is_staff and access.can_see_child(account, row.child_id)


access.register_subject("link_id", _may_see_link)


def _role_name(account: Account) -> str:
    return _("carer") if account.role is Role.CARER else _("advocate")


def _child_form(child=None) -> ChildForm:
    form = ChildForm(obj=child)
    if current_user.role is Role.MANAGER:
        form.isro.choices = [SelectChoice("", _("Not allocated yet"))] + [
            SelectChoice(str(i.id), i.display_name) for i in queries.isros()]
        if request.method == "GET" and child is not None:
            form.isro.data = str(child.isro_id or "")
    else:
        del form.isro  # an ISRO adds children to their own caseload
    if request.method == "GET" and child is not None:
        form.interpreter_language.data = child.interpreter_language or ""
    return form


def _fields(form: ChildForm) -> dict:
    return {"preferred_name": form.preferred_name.data.strip(),
            "date_of_birth": form.date_of_birth.data,
            "looked_after_since": form.looked_after_since.data,
            "reference": (form.reference.data or "").strip() or None,
            "language": form.language.data,
            "interpreter_language": form.interpreter_language.data or None,
            "asylum_seeking": bool(form.asylum_seeking.data),
            "needs": list(form.needs.data or [])}


def _isro_chosen(form: ChildForm) -> Account | None:
    if "isro" not in form:
        return current_user._get_current_object()
    return people.account(int(form.isro.data)) if form.isro.data else None


def _reference_taken(form: ChildForm, child=None) -> bool:
    reference = (form.reference.data or "").strip()
    found = queries.child_by_reference(reference) if reference else None
    if found is not None and (child is None or found.id != child.id):
        form.reference.errors.append(_("Another child already has this reference"))
        return True
    return False


@bp.route("/children/new", methods=["GET", "POST"])
@access.allow(*STAFF)
def new_child():
    form = _child_form()
    if form.validate_on_submit() and not _reference_taken(form):
        child = operations.add_child(current_user, isro=_isro_chosen(form), **_fields(form))
        db.session().commit()
        flash(_("The child is added. Their first review is due by %(date)s.",
                date=child_first_due(child)))
        return redirect(url_for("pages.child", child_id=child.id))
    return render_template("children/edit.html", form=form, child=None)


def child_first_due(child) -> str:
    upcoming = reviews.next_reviews([child.id]).get(child.id)
    return format_date(upcoming.due_on, "long") if upcoming else "–"


@bp.route("/children/<int:child_id>/edit", methods=["GET", "POST"])
@access.allow(*STAFF, child="child_id")
def edit_child(child_id: int):
    child = people.child(child_id)
    audit.staff_viewed("staff.viewed_child_record", child_id=child_id, subject="edit")
    form = _child_form(child)
    if form.validate_on_submit() and not _reference_taken(form, child):
        operations.change_child(child, current_user, **_fields(form))
        if "isro" in form:
            isro = _isro_chosen(form)
            if isro is not None and isro.id != child.isro_id:
                from portal.casework import operations as casework

                casework.allocate(child, isro, current_user)
        db.session().commit()
        flash(_("The child's details are saved."))
        return redirect(url_for("pages.child", child_id=child_id))
    return render_template("children/edit.html", form=form, child=child)


@bp.route("/children/<int:child_id>/links", methods=["GET", "POST"])
@access.allow(*STAFF, child="child_id")
def links(child_id: int):
    child = people.child(child_id)
    audit.staff_viewed("staff.viewed_links", child_id=child_id, subject="links")
    form = LinkForm()
    form.person.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(a.id), f"{a.display_name} ({_role_name(a)})") for a in queries.adults()]
    if request.method == "GET":
        form.starts_on.data = clock.today()
    if form.validate_on_submit():
        person = people.account(int(form.person.data))
        if person is None or person.role not in (Role.CARER, Role.ADVOCATE):
            abort(400)
        operations.link(person, child, LinkKind(person.role.value), form.starts_on.data,
                        form.ends_on.data, by=current_user)
        db.session().commit()
        flash(_("%(name)s is linked to the child.", name=person.display_name))
        return redirect(url_for(".links", child_id=child_id))
    return render_template("children/links.html", child=child, form=form,
                           rows=queries.links_of(child_id), today=clock.today(),
                           end_form=EndLinkForm(ends_on=clock.today()))


@bp.route("/links/<int:link_id>/end", methods=["POST"])
@access.allow(*STAFF, subject="link_id")
def end_link(link_id: int):
    row = db.session().get(Link, link_id)
    form = EndLinkForm()
    if form.validate_on_submit():
        operations.end_link(row, form.ends_on.data, by=current_user)
        db.session().commit()
        flash(_("The link ends on %(date)s.", date=form.ends_on.data.strftime("%d/%m/%Y")))
    else:
        flash(_("Enter the day the link ends"))
    return redirect(url_for(".links", child_id=row.child_id))


@bp.route("/children/<int:child_id>/cease", methods=["GET", "POST"])
@access.allow(*STAFF, child="child_id")
def cease(child_id: int):
    child = people.child(child_id)
    audit.staff_viewed("staff.viewed_child_record", child_id=child_id, subject="cease")
    if child.ceased_on:
        flash(_("This child ceased to be looked after on %(date)s.",
                date=child.ceased_on.strftime("%d/%m/%Y")))
        return redirect(url_for("pages.child", child_id=child_id))
    form = CeaseForm()
    form.reason.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(code, f"{group} – {text}") for group, codes in leaving.grouped_choices()
        for code, text in codes]
    if request.method == "GET":
        form.ceased_on.data = clock.today()
    if form.validate_on_submit():
        if form.ceased_on.data < child.looked_after_since:
            form.ceased_on.errors.append(_("This is before the child became looked after"))
        else:
            operations.cease(child, form.ceased_on.data, form.reason.data, current_user)
            db.session().commit()
            flash(_("Recorded. The child's sign-in is closed, links end and no more reviews "
                    "are due. The record is kept until retention removes it."))
            return redirect(url_for("pages.child", child_id=child_id))
    return render_template("children/cease.html", child=child, form=form)

