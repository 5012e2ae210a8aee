"""An ISRO's day: everything new across the caseload in one place, marked as read child
by child or all at once, and the reviews of the next 8 weeks."""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, audit, clock, db
from portal.accounts.forms import EmptyForm
from portal.accounts.models import Role
from portal.casework import operations, overview
from portal.messages import operations as conversations
from portal.numbers import parse_id

bp = Blueprint("day", __name__)
STAFF = (Role.ISRO, Role.MANAGER)


@bp.route("/new")
@access.allow(*STAFF)
def new():
    entries = overview.new_across(current_user, clock.today())
    audit.record_for_children("staff.viewed_new", [e.child.id for e in entries],
                              actor_id=current_user.id, subject="day.new")
    db.session().commit()
    return render_template("casework/new.html", entries=entries, form=EmptyForm(),
                           preview=overview.preview, when=_when(),
                           submission_preview=overview.submission_preview)


def _when():
    """``format_datetime(value, "EEE d MMM, HH:mm")`` with the same result, the day's
    name and month formatted once a day rather than once an item (a caseload's page has
    hundreds of items from a few weeks)."""
    zone, days = get_timezone(), {}

    def when(value: datetime) -> str:
        local = value.astimezone(zone)
        day: date = local.date()
        if day not in days:
            days[day] = format_date(day, "EEE d MMM")
        return f"{days[day]}, {local:%H:%M}"

    return when


@bp.route("/new/mark-read", methods=["POST"])
@access.allow(*STAFF)
def mark_read():
    """Mark as read what the page showed: for the children posted, or all of them."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for(".new"))
    entries = overview.new_across(current_user, clock.today())
    wanted = None if request.form.get("all") == "1" else {
        parse_id(value) for value in request.form.getlist("child")}
    chosen = [e for e in entries if wanted is None or e.child.id in wanted]
    # One look-up of what is already read for every child chosen, not one per child.
    operations.mark_read(current_user, [s.id for e in chosen for s in e.submissions])
    for entry in chosen:
        for conversation in {m.conversation for m in entry.messages}:
            conversations.mark_read(conversation, current_user)
    audit.record_for_children("staff.marked_read", [e.child.id for e in chosen],
                              actor_id=current_user.id)
    db.session().commit()
    flash(_("Marked as read."))
    return redirect(url_for(".new"))


@bp.route("/reviews/next-8-weeks")
@access.allow(*STAFF)
def calendar():
    today = clock.today()
    rows = overview.next_weeks(current_user, today)
    return render_template("casework/calendar.html", rows=rows, today=today)
