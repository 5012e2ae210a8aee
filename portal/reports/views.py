"""Reports for managers: HTML tables with simple SVG charts, and CSV."""
from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal import access, audit, clock
from portal.accounts.models import Role
from portal.numbers import parse_date, parse_int
from portal.reports import profile, service, suppress, tables
from portal.reports.forms import SmallNumbersForm

bp = Blueprint("reports", __name__, url_prefix="/reports")
# Whether the page hides numbers under 5 (on unless the manager turns it off).
HIDE_SMALL = "reports_hide_small"


def _range(values=None) -> tuple[date, date]:
    values = request.args if values is None else values
    start, end = tables.financial_year(clock.today())
    # A malformed or far-off date falls back to this financial year.
    start = parse_date(values.get("from"), earliest=2000, latest=2100) or start
    end = parse_date(values.get("to"), earliest=2000, latest=2100) or end
    return (start, end) if start <= end else (end, start)


@bp.route("/")
@access.allow(Role.MANAGER)
def index():
    start, end = _range()
    hide = session.get(HIDE_SMALL, True) is not False
    found = _all_tables(start, end)
    service_found = service.service_tables(start, end)
    if hide:
        found = [suppress.table(t, fewer=_("fewer than 5"), hidden=_("hidden")) for t in found]
        service_found = [suppress.table(t, fewer=_("fewer than 5"), hidden=_("hidden"))
                         for t in service_found]
    return render_template("reports/index.html", tables=found, start=start, end=end,
                           charts={t.key: _bars(t.chart) for t in found + service_found},
                           small=SmallNumbersForm(hide=hide), service_tables=service_found)


def _all_tables(start: date, end: date) -> list[tables.Table]:
    return tables.all_tables(start, end) + profile.profile_tables(start, end)


def _bars(chart: list | None) -> list[tuple[str, float, str, bool]]:
    """(label, bar length, text, hidden) for each bar; none when every value is 0. A
    hidden small number is drawn as an outlined bar reaching 5, so its length tells
    nothing more than its words. The longest bar is 150 of the chart's 400 units, leaving
    room for "fewer than 5" after it."""
    lengths = [suppress.THRESHOLD if isinstance(value, str) else value
               for _label, value in chart or []]
    biggest = max(lengths, default=0)
    if not biggest:
        return []
    return [(str(label), round(length / biggest * 150, 1), str(value), isinstance(value, str))
            for (label, value), length in zip(chart, lengths, strict=True)]


@bp.route("/small-numbers", methods=["POST"])
@access.allow(Role.MANAGER)
def small_numbers():
    form = SmallNumbersForm()
    if form.validate_on_submit():
        session[HIDE_SMALL] = bool(form.hide.data)
    start, end = _range(request.form)
    return redirect(url_for(".index", **{"from": start.isoformat(), "to": end.isoformat()}))


@bp.route("/<key>.csv")
@access.allow(Role.MANAGER)
def csv_table(key: str):
    start, end = _range()
    table = next((t for t in _all_tables(start, end) if t.key == key), None) or next(
        (t for t in service.service_tables(start, end) if t.key == key), None)
    if table is None:
        abort(404)
    table = suppress.table(table)  # whatever the page shows: a file leaves the team
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{key}-{start}-{end}.csv"'})


@bp.route("/903")
@access.allow(Role.MANAGER)
def return_903():
    from portal.reviews import return903

    default = tables.financial_year(clock.today())[0].year - 1
    year = parse_int(request.args.get("year"), low=2000, high=2100) or default
    rows, problems = return903.build(year)
    audit.staff_viewed("staff.viewed_903", child_id=None, subject=f"903:{year}:{len(rows)}")
    return render_template("reports/return903.html", year=year, rows=rows, problems=problems,
                           start=return903.collection_year(year)[0],
                           end=return903.collection_year(year)[1])


@bp.route("/903/<int:year>/Reviews.csv")
@access.allow(Role.MANAGER)
def return_903_csv(year: int):
    from portal.reviews import return903

    if not 2000 <= year <= 2100:
        abort(404)
    rows, _problems = return903.build(year)
    # Every child's reference and date of birth leaves the portal in this file.
    audit.staff_viewed("staff.exported_903", child_id=None, subject=f"903:{year}:{len(rows)}")
    return Response(return903.as_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="Reviews-{year}.csv"'})
