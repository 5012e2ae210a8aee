"""The ISRO workspace: caseload, marking read, contacts, challenges, export, allocation."""
from __future__ import annotations

import csv
import io

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
from flask_babel import ngettext
from flask_login import current_user

from portal import access, audit, clock, db, retention
from portal.accounts import operations as accounts
from portal.accounts import queries as people
from portal.accounts.forms import EmptyForm
from portal.accounts.models import Role
from portal.casework import bundle, operations, queries
from portal.casework.forms import (
    AllocateForm,
    ChallengeForm,
    ContactForm,
    FteForm,
    NewAccountForm,
    ReasonForm,
)
from portal.clock import LONDON
from portal.messages import queries as conversations
from portal.numbers import parse_id, parse_int
from portal.text import csv_safe

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


def _chosen_filters() -> dict:
    args = session.get("caseload_filters", {})
    return {"status": args.get("status") if args.get("status") in queries.STATUSES else None,
            "sort": args.get("sort") if args.get("sort") in queries.SORTS else "flags",
            "search": args.get("q", "")[:80], "flagged_only": args.get("flagged") == "1",
            "isro_id": parse_id(args.get("isro", ""))}


@bp.route("/caseload")
@access.allow(*STAFF)
def caseload():
    chosen = _chosen_filters()
    result = queries.caseload(current_user, page=parse_int(request.args.get("page"), low=1) or 1,
                              **chosen)
    return render_template("casework/caseload.html", caseload=result, status=chosen["status"],
                           sort=chosen["sort"], today=clock.today(), search=chosen["search"],
                           flagged_only=chosen["flagged_only"],
                           isro_filter=str(chosen["isro_id"] or ""),
                           isros=queries.isros() if current_user.role is Role.MANAGER else [],
                           inbox=conversations.inbox(current_user),
                           caseloads=people.caseload_sizes()
                           if current_user.role is Role.MANAGER else [])


@bp.route("/caseload.csv")
@access.allow(*STAFF)
def caseload_csv():
    """The caseload as chosen on the page, every row, for the ISRO's own planning."""
    chosen = _chosen_filters()
    result = queries.caseload(current_user, page_size=None, **chosen)
    audit.staff_viewed("staff.exported_caseload", child_id=None,
                       subject=f"caseload:{result.total}")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "preferred_name", "age", "isro", "next_review_due", "booked",
                     "views_received", "last_contact", "new_items", "unread_messages",
                     "open_flags"])
    today = clock.today()
    for row in result.rows:
        writer.writerow([
            row.child.reference or "", csv_safe(row.child.preferred_name),
            row.child.age_on(today), csv_safe(row.child.isro.display_name if row.child.isro
                                              else ""),
            row.next_due.isoformat() if row.next_due else "",
            row.booked.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") if row.booked else "",
            row.views_received, row.last_contact.isoformat() if row.last_contact else "",
            row.new_items, row.unread_messages, row.open_flags])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="caseload-{today.isoformat()}.csv"',
        "Cache-Control": "private, no-store"})


@bp.route("/children/<int:child_id>/mark-read", methods=["POST"])
@access.allow(*STAFF, child="child_id", owns=("submission",))
def mark_read(child_id: int):
    ids = [i for i in map(parse_id, request.form.getlist("submission")) if i]
    if request.form.get("all") == "1":
        ids = [t.item.id for t in queries.timeline(current_user, child_id)
               if t.kind == "submission"]
    operations.mark_read(current_user, ids)  # the access rule checked they are this child's
    db.session().commit()
    return redirect(url_for("pages.child", child_id=child_id) + "#timeline")


@bp.route("/children/<int:child_id>/contacts/new", methods=["GET", "POST"])
@access.allow(*STAFF, child="child_id")
def new_contact(child_id: int):
    child = people.child(child_id)
    audit.staff_viewed("staff.viewed_contacts", child_id=child_id, subject="contacts")
    form = ContactForm()
    if form.validate_on_submit():
        operations.record_contact(child, current_user, on=form.on.data, how=form.how.data,
                                  note=form.note.data)
        db.session().commit()
        flash(_("The contact is recorded."))
        return redirect(url_for("pages.child", child_id=child_id) + "#timeline")
    return render_template("casework/contact.html", form=form, child=child)


def _challenge_form(child, challenge):
    audit.staff_viewed("staff.viewed_challenge", child_id=child.id,
                       subject=f"challenge:{challenge.id}" if challenge else "challenge:new")
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
@access.allow(*STAFF, child="child_id", owns=("review",))
def export_bundle(child_id: int):
    """Everything the child sent for a review, as one PDF for the council's case record."""
    child = people.child(child_id)
    review = bundle.review_for(child, parse_id(request.args.get("review")))
    document = bundle.render(child, review.id if review else None)
    # The review it was for: "I have put this in the case record" looks for this event.
    audit.record("staff.exported_bundle", actor_id=current_user.id, child_id=child_id,
                 subject=f"review:{review.id if review else 'none'}")
    db.session().commit()
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="my-say-child-{child_id}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.route("/children/<int:child_id>/exported", methods=["POST"])
@access.allow(*STAFF, child="child_id", owns=("review",))
def confirm_export(child_id: int):
    """Staff say "I have put this in the case record": what the bundle held may now be
    deleted on the council's schedule (portal/retention.py). Until then, none of it is."""
    marked = retention.confirm_export(people.child(child_id),
                                      parse_id(request.form.get("review")), current_user)
    if marked is None:
        flash(_("Export the PDF first. Then say you have put it in the case record."))
    else:
        db.session().commit()
        count = sum(marked)
        flash(ngettext("%(num)d thing is marked as in the case record.",
                       "%(num)d things are marked as in the case record.", count)
              if count else _("Everything in that PDF was already marked as in the case record."))
    return redirect(url_for("pages.child", child_id=child_id) + "#timeline")


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
    return _people_page(role, request.args.get("q", ""), EmptyForm())


def _people_page(role: str | None, search: str, form, failed: int | None = None):
    """The people list; a staff member's FTE form in their row (``failed``: the one whose
    FTE was refused, shown with what was typed and its message)."""
    accounts = queries.people(role, search[:80])
    fte_forms = {account.id: form if account.id == failed else _fte_form(
        account.id, formdata=None,
        data={"fte": "" if account.fte is None else f"{account.fte:.2f}"})
        for account in accounts if account.is_staff}
    return render_template("casework/people.html", accounts=accounts, role=role,
                           search=search, form=form, fte_forms=fte_forms)


def _fte_form(account_id: int, **kwargs) -> FteForm:
    # One form per row, so each field's id is the person's; the page's CSRF token is
    # checked for every POST by CSRFProtect.
    return FteForm(prefix=f"fte-{account_id}", meta={"csrf": False}, **kwargs)


@bp.route("/people/<int:account_id>/fte", methods=["POST"])
@access.allow(Role.MANAGER)
def set_fte(account_id: int):
    account = people.account(account_id)
    if account is None or not account.is_staff:
        abort(404)
    form = _fte_form(account.id)
    if not form.validate_on_submit():
        return _people_page(None, "", form, failed=account.id), 400
    was, account.fte = account.fte, form.fte.number
    audit.record("account.fte_set", actor_id=current_user.id, subject=f"account:{account.id}",
                 fte=str(account.fte), was=None if was is None else str(was))
    db.session().commit()
    flash(_("The full-time equivalent of %(name)s is saved.", name=account.display_name))
    return redirect(url_for(".people_list"))


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


@bp.route("/people/<int:account_id>/second-factor", methods=["GET", "POST"])
@access.allow(Role.MANAGER)
def reset_second_factor(account_id: int):
    """A lost phone: the manager resets the person's authenticator, saying why."""
    account = people.account(account_id)
    if account is None or account.id == current_user.id or not account.totp_secret:
        abort(404)
    form = ReasonForm()
    if form.validate_on_submit():
        accounts.reset_second_factor(account, by=current_user, reason=form.reason.data)
        db.session().commit()
        flash(_("Done. %(name)s sets up a new authenticator app when they next sign in. "
                "Every session they had has ended.", name=account.display_name))
        return redirect(url_for(".people_list"))
    return render_template("casework/reset_second_factor.html", form=form, account=account)


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
