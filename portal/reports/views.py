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
