"""The ISRO workspace: caseload, marking read, contacts, challenges, export, allocation."""
from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, audit, db
from portal.accounts import operations as accounts
from portal.accounts import queries as people
from portal.accounts.forms import EmptyForm
from portal.accounts.models import Role
from portal.casework import bundle, operations, queries
from portal.casework.forms import AllocateForm, ChallengeForm, ContactForm, NewAccountForm

bp = Blueprint("casework", __name__)
access.register_subject("challenge_id", queries.may_see_challenge)
STAFF = (Role.ISRO, Role.MANAGER)


FILTERS = ("q", "status", "sort", "isro", "flagged")


@bp.route("/caseload/filter", methods=["POST"])
@access.allow(*STAFF)
def filter_caseload():
    """Filters are posted and kept in the session: a child's name never sits in a URL."""
    session["caseload_filters"] = {k: request.form.get(k, "")[:80] for k in FILTERS}
    return redirect(url_for(".caseload"))


@bp.route("/caseload")
@access.allow(*STAFF)
def caseload():
    args = {**session.get("caseload_filters", {}), "page": request.args.get("page", "1")}
    status = args.get("status") if args.get("status") in queries.STATUSES else None
    sort = args.get("sort") if args.get("sort") in queries.SORTS else "flags"
    page = args.get("page", "1")
    isro_id = args.get("isro", "")
    result = queries.caseload(
        current_user, status=status, flagged_only=args.get("flagged") == "1",
        search=args.get("q", "")[:80], sort=sort, page=int(page) if page.isdigit() else 1,
        isro_id=int(isro_id) if isro_id.isdigit() else None)
    from portal.messages import queries as conversations

    return render_template("casework/caseload.html", caseload=result, status=status, sort=sort,
                           today=date.today(),
                           search=args.get("q", ""), flagged_only=args.get("flagged") == "1",
                           isro_filter=isro_id, isros=queries.isros(),
                           inbox=conversations.inbox(current_user),
                           caseloads=people.caseload_sizes()
                           if current_user.role is Role.MANAGER else [])


@bp.route("/children/<int:child_id>/mark-read", methods=["POST"])
@access.allow(*STAFF, child="child_id")
def mark_read(child_id: int):
    ids = [int(i) for i in request.form.getlist("submission") if i.isdigit()]
    if request.form.get("all") == "1":
        ids = [t.item.id for t in queries.timeline(current_user, child_id)
               if t.kind == "submission"]
    from portal.consultations import queries as views_sent

    operations.mark_read(current_user, [i for i in ids if (s := views_sent.submission(i))
                                        and s.child_id == child_id])
    db.session().commit()
    return redirect(url_for("pages.child", child_id=child_id) + "#timeline")


@bp.route("/children/<int:child_id>/contacts/new", methods=["GET", "POST"])
@access.allow(*STAFF, child="child_id")
def new_contact(child_id: int):
    child = people.child(child_id)
    form = ContactForm()
    if form.validate_on_submit():
        operations.record_contact(child, current_user, on=form.on.data, how=form.how.data,
                                  note=form.note.data)
        db.session().commit()
        flash(_("The contact is recorded."))
        return redirect(url_for("pages.child", child_id=child_id) + "#timeline")
    return render_template("casework/contact.html", form=form, child=child)


def _challenge_form(child, challenge):
    form = ChallengeForm(obj=challenge)
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in (
            "raised_on", "theme", "concern", "raised_to", "stage", "escalated_to",
            "response_due", "outcome", "outcome_note", "impact")}
        operations.save_challenge(challenge, child, current_user, **fields)
        db.session().commit()
        flash(_("The challenge is saved."))
        return redirect(url_for("pages.child", child_id=child.id) + "#challenges")
    return render_template("casework/challenge.html", form=form, child=child,
                           challenge=challenge)


@bp.route("/children/<int:child_id>/challenges/new", methods=["GET", "POST"])
@access.allow(*STAFF, child="child_id")
def new_challenge(child_id: int):
    return _challenge_form(people.child(child_id), None)


@bp.route("/challenges/<int:challenge_id>", methods=["GET", "POST"])
@access.allow(*STAFF, subject="challenge_id")
def edit_challenge(challenge_id: int):
    challenge = queries.challenge(challenge_id)
    return _challenge_form(people.child(challenge.child_id), challenge)


@bp.route("/children/<int:child_id>/bundle.pdf")
@access.allow(*STAFF, child="child_id")
def export_bundle(child_id: int):
    """Everything the child sent for a review, as one PDF for the council's case record."""
    review_id = request.args.get("review", "")
    document = bundle.render(people.child(child_id),
                             int(review_id) if review_id.isdigit() else None)
    audit.record("staff.exported_bundle", actor_id=current_user.id, child_id=child_id,
                 subject=f"review:{review_id or 'none'}")
    db.session().commit()
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="my-say-child-{child_id}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.route("/children/<int:child_id>/allocate", methods=["POST"])
@access.allow(Role.MANAGER, child="child_id")
def allocate(child_id: int):
    form = AllocateForm()
    form.isro.choices = [(i.id, i.display_name) for i in queries.isros()]
    if form.validate_on_submit():
        operations.allocate(people.child(child_id), people.account(form.isro.data),
                            current_user)
        db.session().commit()
        flash(_("The child is allocated."))
    return redirect(url_for("pages.child", child_id=child_id))


@bp.route("/people", methods=["GET"])
@access.allow(Role.MANAGER)
def people_list():
    role = request.args.get("role") if request.args.get("role") in {r.value for r in Role} \
        else None
    return render_template("casework/people.html", accounts=queries.people(
        role, request.args.get("q", "")[:80]), role=role, search=request.args.get("q", ""),
        form=EmptyForm())


@bp.route("/people/new", methods=["GET", "POST"])
@access.allow(Role.MANAGER)
def new_person():
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            account = accounts.create_account(Role(form.role.data), form.username.data,
                                              form.name.data, email=form.email.data or None,
                                              phone=form.phone.data or None, by=current_user)
        except accounts.NotAllowed:
            form.username.errors.append(_("That username is taken. Choose another."))
        else:
            code = accounts.issue_setup_code(account, by=current_user)
            db.session().commit()
            return render_template("casework/new_person_code.html", account=account, code=code)
    return render_template("casework/new_person.html", form=form)


@bp.route("/people/<int:account_id>/<any(suspend, reenable):change>", methods=["POST"])
@access.allow(Role.MANAGER)
def change_person(account_id: int, change: str):
    account = people.account(account_id)
    if account is None or account.id == current_user.id:
        abort(404)
    if change == "suspend":
        accounts.suspend(account, by=current_user)
        flash(_("The account is suspended. Every session it had has ended."))
    else:
        accounts.reenable(account, by=current_user)
        flash(_("The account can sign in again."))
    db.session().commit()
    return redirect(url_for(".people_list"))
