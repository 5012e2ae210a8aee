"""The managers' Retention page: the schedule in force and what the next run would delete.

There is no button that deletes: the daily timer runs ``flask --app portal retention
--apply`` (docs/operations.md). The page shows counts only, never a child's name.
"""
from __future__ import annotations

from flask import Blueprint, render_template

from portal import access, retention
from portal.accounts.models import Role

bp = Blueprint("retention", __name__)


@bp.route("/retention")
@access.allow(Role.MANAGER)
def index():
    planned = retention.plan()
    return render_template(
        "retention/index.html", schedule=planned.schedule, counts=planned.counts,
        kinds=retention.KINDS, waiting=retention.waiting(planned.today),
        inside=retention.children_contents(planned.ids["children"]), today=planned.today)
