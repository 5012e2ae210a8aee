"""The audit trail's screens, for managers: the events, as CSV too, and the week's
unusual patterns (the DPIA relies on someone reading them)."""
from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)

from portal import access, audit, clock
from portal.accounts.models import Role
from portal.audit_trail import queries
from portal.audit_trail.forms import FilterForm, action_label, role_label
from portal.clock import LONDON
from portal.numbers import parse_date, parse_int
from portal.text import csv_safe

bp = Blueprint("audit_trail", __name__)
FILTERS = "audit_filters"  # the session key: a child's name never sits in a URL
WEEKS_SHOWN = 52


def _chosen() -> queries.Filters:
    saved = session.get(FILTERS, {})
    return queries.Filters(
        person=str(saved.get("person", ""))[:queries.SEARCH_LENGTH],
        child=str(saved.get("child", ""))[:queries.SEARCH_LENGTH],
        action=str(saved.get("action", ""))[:64],
        start=parse_date(saved.get("start"), earliest=2000, latest=2100),
        end=parse_date(saved.get("end"), earliest=2000, latest=2100))


def _page(form: FilterForm, chosen: queries.Filters):
    trail = queries.events(chosen, page=parse_int(request.args.get("page"), low=1) or 1)
    return render_template("audit_trail/index.html", form=form, trail=trail,
                           filtered=chosen != queries.Filters(), action_label=action_label,
                           role_label=role_label)


@bp.route("/audit")
@access.allow(Role.MANAGER)
def index():
    chosen = _chosen()
    form = FilterForm(formdata=None, data={
        "person": chosen.person, "child": chosen.child, "action": chosen.action,
        "start": chosen.start, "end": chosen.end})
    form.set_actions(queries.actions())
    return _page(form, chosen)


@bp.route("/audit/filter", methods=["POST"])
@access.allow(Role.MANAGER)
def filter_events():
    """Filters are posted and kept in the session, as the caseload's are."""
    if request.form.get("clear"):
        session.pop(FILTERS, None)
        return redirect(url_for(".index"))
    form = FilterForm()
    form.set_actions(queries.actions())
    if not form.validate_on_submit():
        return _page(form, _chosen())  # what was typed is kept, with what is wrong
    session[FILTERS] = {
        "person": (form.person.data or "").strip(), "child": (form.child.data or "").strip(),
        "action": form.action.data or "",
        "start": form.start.data.isoformat() if form.start.data else "",
        "end": form.end.data.isoformat() if form.end.data else ""}
    return redirect(url_for(".index"))


@bp.route("/audit.csv")
@access.allow(Role.MANAGER)
def csv_file():
    """The events the page's filters choose, every one of them. Taking the trail out of
    the portal is itself written to the trail (after the newest event the file holds)."""
    chosen = _chosen()
    up_to = queries.newest_id()
    audit.staff_viewed("staff.exported_audit", child_id=None,
                       subject=f"audit:{up_to or 0}")

    def lines():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["at", "actor_username", "actor_role", "child_reference", "action",
                         "subject", "address"])
        for row in queries.every_event(chosen, up_to=up_to or 0):
            actor, child = row.actor, row.child
            writer.writerow([
                row.event.at.astimezone(LONDON).isoformat(timespec="seconds"),
                csv_safe(actor.username if actor else ""),
                actor.role.value if actor else "",
                csv_safe(child.reference if child else ""),
                csv_safe(row.event.action), csv_safe(row.event.subject),
                csv_safe(row.event.address)])
            if out.tell() > 64 * 1024:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    return Response(stream_with_context(lines()), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="audit-{clock.today().isoformat()}.csv"',
        "Cache-Control": "private, no-store"})


@bp.route("/audit/patterns")
@access.allow(Role.MANAGER)
def patterns():
    """The week's unusual patterns: views out of hours, many children in a day, new
    sign-in cards for children who had a password."""
    weeks_ago = parse_int(request.args.get("week"), high=WEEKS_SHOWN - 1) or 0
    today = clock.today()
    start, end = queries.week(weeks_ago, today)
    found = queries.patterns(current_app.config["PORTAL"].hours, start, end)
    return render_template("audit_trail/patterns.html", found=found, weeks_ago=weeks_ago,
                           weeks=[(n, *queries.week(n, today)) for n in range(WEEKS_SHOWN)],
                           threshold=queries.MANY_CHILDREN_A_DAY, role_label=role_label)
