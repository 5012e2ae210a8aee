"""The managers' Jobs page: jobs that failed for good, with "Try again"."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access
from portal.accounts.forms import EmptyForm
from portal.accounts.models import Role
from portal.jobs import operations, queries

bp = Blueprint("jobs", __name__)


@bp.route("/jobs")
@access.allow(Role.MANAGER)
def index():
    return render_template("jobs/index.html", failed=queries.failed(), counts=queries.counts(),
                           waiting=queries.waiting_longest(), label=queries.label)


@bp.route("/jobs/<int:job_id>/try-again", methods=["POST"])
@access.allow(Role.MANAGER)
def try_again(job_id: int):
    job = queries.failed_job(job_id)
    if job is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        operations.try_again(job, current_user)
        flash(_("The job will be tried again now."))
    else:
        flash(_("The page had expired. Press Try again once more."))
    return redirect(url_for(".index"))
