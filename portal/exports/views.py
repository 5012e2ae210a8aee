"""A child's own file: the child downloads theirs from My things; a manager makes one for
a subject access request, saying why (audited)."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user
from werkzeug.wsgi import wrap_file

from portal import access, audit, db
from portal.accounts import queries as people
from portal.accounts.models import Child, Role
from portal.exports import builder, operations
from portal.exports.forms import ExportReasonForm
from portal.i18n import LANGUAGE_NAMES, current_locale
from portal.media.serving import app_store

bp = Blueprint("exports", __name__)


@bp.route("/my-things/my-say.zip")
@access.allow(Role.CHILD)
def mine():
    """Everything the signed-in child sent, and everything written to them."""
    return _download(current_user.child, current_locale().code)


@bp.route("/children/<int:child_id>/export", methods=["GET", "POST"])
@access.allow(Role.MANAGER, child="child_id")
def child_file(child_id: int):
    """The same file for any child, for a subject access request: the reason first."""
    child = people.child(child_id)
    language = builder.language_of(child)
    form = ExportReasonForm()
    if form.validate_on_submit():
        operations.record_staff_export(child, current_user, form.reason.data)
        db.session().commit()
        return _download(child, language)
    contents = builder.collect(child, language)
    audit.staff_viewed("staff.viewed_child_export", child_id=child_id,
                       subject="exports.child_file")
    return render_template("exports/child_file.html", child=child, form=form,
                           contents=contents, language=LANGUAGE_NAMES.get(language, language))


def _download(child: Child, language: str) -> Response:
    spool, size = builder.build(child, language, app_store())
    response = Response(wrap_file(request.environ, spool), mimetype="application/zip",
                        direct_passthrough=True)
    response.content_length = size
    response.headers["Content-Disposition"] = f'attachment; filename="{builder.DOWNLOAD_NAME}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
