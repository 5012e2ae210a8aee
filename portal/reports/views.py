"""Reports for managers: HTML tables with simple SVG charts, and CSV."""
from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort, render_template, request

from portal import access
from portal.accounts.models import Role
from portal.reports import tables

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _range() -> tuple[date, date]:
    start, end = tables.financial_year(date.today())
    try:
        start = date.fromisoformat(request.args.get("from") or start.isoformat())
        end = date.fromisoformat(request.args.get("to") or end.isoformat())
    except ValueError:
        pass  # a malformed date falls back to this financial year
    return (start, end) if start <= end else (end, start)


@bp.route("/")
@access.allow(Role.MANAGER)
def index():
    start, end = _range()
    return render_template("reports/index.html", tables=tables.all_tables(start, end),
                           start=start, end=end)


@bp.route("/<key>.csv")
@access.allow(Role.MANAGER)
def csv_table(key: str):
    start, end = _range()
    table = next((t for t in tables.all_tables(start, end) if t.key == key), None)
    if table is None:
        abort(404)
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

    default = tables.financial_year(date.today())[0].year - 1
    year = request.args.get("year", str(default))
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else default
    rows, problems = return903.build(year)
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
    return Response(return903.as_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="Reviews-{year}.csv"'})
